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
    SUCCEEDED
    FAILED
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
    proposalSet: ProposalSet
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
