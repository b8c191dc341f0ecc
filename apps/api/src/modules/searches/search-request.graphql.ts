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
  }

  type SearchError {
    "INFEASIBLE when no assignment meets the budgets."
    code: String!
    message: String!
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
