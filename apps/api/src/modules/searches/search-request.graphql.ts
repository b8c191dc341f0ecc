export const searchRequestTypeDefs = /* GraphQL */ `
  enum SearchStrategy {
    ILP
    EXACT
    RANDOM
    LZCM
    NAIVE
    PARETO
  }

  enum ObjectiveSense {
    MIN
    MAX
    "Minimise the sum of weight × metric total over terms."
    WEIGHTED
  }

  enum BudgetBound {
    "At most value."
    MAX
    "At least value."
    MIN
  }

  enum BudgetOf {
    "The model's total (reference + Σ deltas)."
    TOTAL
    "The sum of deltas alone (e.g. an accuracy drop)."
    DELTA
  }

  enum SearchRequestStatus {
    QUEUED
    RUNNING
    "A verify round's proposals wait for an agent to measure them (SubmitSearchInput.verify)."
    VERIFYING
    SUCCEEDED
    FAILED
  }

  """
  Verify on a device and close the loop: each round's proposals are measured whole by an agent
  (a verification job, leased as verifyProposalSet's are); a budget some proposal breaks as measured
  is tightened by the measured residual (measured − predicted delta, at least the excess) and the
  search runs again, until every proposal of a round meets every budget as measured or the rounds
  run out. The proposal set is stored as a version only when the loop ends: all proposals found,
  ranked measured-feasible first, each by measured objective. A proposal seen in an earlier round
  is not measured again. A later round that finds nothing under the tightened budgets ends the loop
  with what was measured (stoppedBy INFEASIBLE). Either way the search is met (SearchVerification.met)
  when a proposal of any round meets every budget as measured. A verification job that fails for
  good fails the search (VERIFICATION_FAILED), with no version.
  """
  input SearchVerifyInput {
    "1 to 5."
    rounds: Int!
    "A device profile the organization may read with cost tables for the model spec; default: the only device of the chosen tables."
    deviceProfileId: ID
    "The search ranks of each round to measure (each of 1..k); every proposal when left out."
    ranks: [Int!]
  }

  enum VerificationStop {
    "Every proposal of the last round meets every budget as measured."
    MET
    "The rounds ran out with a budget still broken as measured."
    ROUNDS
    "A later round found nothing under the tightened budgets."
    INFEASIBLE
  }

  "A budget moved for the next round."
  type BudgetTightening {
    "The budget as searched this round, e.g. latency@<id> ≤ 40."
    budget: String!
    "As the next round searches it."
    to: String!
    from: Float!
    value: Float!
    "The largest measured residual among the proposals that broke it (in the budget's direction, at least their excess)."
    residual: Float!
    "Proposals of the round that broke it as measured."
    breakers: Int!
  }

  type SearchVerificationRound {
    round: Int!
    "The budgets this round searched under."
    budgets: [SearchBudget!]!
    "The search's status: optimal, feasible, limit or infeasible."
    status: String!
    "This round's proposals checked (those of verify.ranks)."
    proposals: Int!
    "Of those, measured this round (the others were measured in an earlier one)."
    measured: Int!
    "Of the round's proposals, those meeting every budget as measured; null until measured."
    measuredFeasible: Int
    verificationJob: VerificationJob
    tightened: [BudgetTightening!]!
  }

  "A submitted budget that no verified proposal meets as measured (only when none meets them all)."
  type MissedBudget {
    budget: String!
    "Verified proposals breaking it as measured."
    breakers: Int!
    "By how much the closest of them misses it, in the budget's unit."
    excess: Float!
  }

  type SearchVerification {
    "Rounds asked for (SearchVerifyInput.rounds)."
    rounds: Int!
    "Rounds searched so far."
    round: Int!
    deviceProfileId: ID!
    "The device verified on, as the organization may see it; null when it is gone or no longer shared."
    deviceProfile: DeviceProfile
    "The ranks of each round measured; null for all."
    ranks: [Int!]
    history: [SearchVerificationRound!]!
    "The verification jobs of the rounds, oldest first."
    jobs: [VerificationJob!]!
    "Null until the loop ends."
    stoppedBy: VerificationStop
    "True when the loop ended with a proposal of any round meeting every budget as measured (ranked first); null until it ends."
    met: Boolean
    "When no verified proposal meets every budget as measured: each budget they break, and by how much the closest misses it."
    missed: [MissedBudget!]!
  }

  "One metric of one table; name the device profile when several chosen tables have that metric."
  input MetricRefInput {
    metric: Metric!
    deviceProfileId: ID
  }

  input WeightedTermInput {
    metric: MetricRefInput!
    weight: Float!
  }

  input ObjectiveInput {
    sense: ObjectiveSense!
    "For MIN and MAX."
    metric: MetricRefInput
    "For WEIGHTED."
    terms: [WeightedTermInput!]
  }

  input BudgetInput {
    metric: MetricRefInput!
    bound: BudgetBound!
    value: Float!
    of: BudgetOf = TOTAL
  }

  input SiteLockInput {
    site: String!
    activation: String!
  }

  input SubmitSearchInput {
    organizationId: ID!
    projectId: ID!
    modelSpecId: ID!
    "Tables the organization can read (its own or shared with it): several devices at once."
    costTableIds: [ID!]!
    objective: ObjectiveInput!
    budgets: [BudgetInput!]
    strategy: SearchStrategy = ILP
    k: Int = 1
    "Minimum number of sites by which any two proposals differ."
    diversity: Int = 1
    "Activation ids allowed at every site; default: those all chosen tables cover."
    candidates: [String!]
    locks: [SiteLockInput!]
    "A retry with the same key returns the first request instead of searching twice."
    idempotencyKey: String
    """
    Also queue these strategies (k = 1) on the same tables, objective, budgets and locks, in the same
    transaction: all are queued or none. Each becomes a version of its own, listed under comparisons.
    """
    compareWith: [SearchStrategy!]
    "Verify each round's proposals on a device and tighten broken budgets (see SearchVerifyInput); not with compareWith."
    verify: SearchVerifyInput
  }

  type SearchError {
    "INFEASIBLE when no assignment meets the budgets."
    code: String!
    message: String!
  }

  "One metric of one table as a search names it; deviceProfileId is null when the search had one table of that metric."
  type MetricRef {
    metric: Metric!
    deviceProfileId: ID
  }

  type WeightedTerm {
    metric: MetricRef!
    weight: Float!
  }

  type SearchObjective {
    sense: ObjectiveSense!
    "For MIN and MAX."
    metric: MetricRef
    "For WEIGHTED; empty otherwise."
    terms: [WeightedTerm!]!
  }

  type SearchBudget {
    metric: MetricRef!
    bound: BudgetBound!
    value: Float!
    of: BudgetOf!
  }

  type SearchRequest {
    id: ID!
    status: SearchRequestStatus!
    "0 to 1."
    progress: Float!
    attempts: Int!
    error: SearchError
    idempotencyKey: String
    strategy: SearchStrategy!
    k: Int!
    "The submitted objective, budgets, candidates and locks."
    spec: JSON!
    objective: SearchObjective!
    budgets: [SearchBudget!]!
    diversity: Int!
    "Sites held at a fixed activation."
    locks: [SiteActivation!]!
    modelSpec: ModelSpec!
    "The tables searched, in submission order; one whose sharing was revoked since is left out."
    costTables: [CostTable!]!
    "The strategies queued with it for comparison (compareWith), in the order ILP, EXACT, RANDOM, LZCM, NAIVE, PARETO."
    comparisons: [SearchRequest!]!
    "The search this one was queued to compare with."
    comparisonOf: SearchRequest
    project: Project!
    "Null until stored; with verify, only when the loop ends."
    proposalSet: ProposalSet
    "The verify loop (SubmitSearchInput.verify); null without it."
    verification: SearchVerification
    createdAt: DateTime!
    startedAt: DateTime
    finishedAt: DateTime
  }

  type SearchRequestEdge {
    cursor: String!
    node: SearchRequest!
  }

  type SearchRequestConnection {
    edges: [SearchRequestEdge!]!
    nodes: [SearchRequest!]!
    pageInfo: PageInfo!
  }

  extend type Project {
    searchRequests(first: Int = 20, after: String): SearchRequestConnection!
  }

  extend type Organization {
    searchRequest(id: ID!): SearchRequest!
  }

  extend type Mutation {
    submitSearch(input: SubmitSearchInput!): SearchRequest!
  }
`;
