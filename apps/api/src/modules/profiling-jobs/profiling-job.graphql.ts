export const profilingJobTypeDefs = /* GraphQL */ `
  enum ProfilingJobStatus {
    QUEUED
    LEASED
    SUCCEEDED
    FAILED
  }

  "The agent that holds (or last held) a profiling job."
  type ProfilingAgent {
    "The name the agent sent when it leased the job (actnas agent --name); null if it sent none."
    name: String
    "The recognisable prefix of the API token it leased with (never the secret)."
    tokenPrefix: String
  }

  "A request to measure a model spec on a device profile, done by an agent (actnas agent)."
  type ProfilingJob {
    id: ID!
    status: ProfilingJobStatus!
    metrics: [Metric!]!
    attempts: Int!
    maxAttempts: Int!
    progress: Float!
    leaseExpiresAt: DateTime
    errorMessage: String
    "Who holds or last held the job; null when it was never leased."
    agent: ProfilingAgent
    deviceProfile: DeviceProfile!
    modelSpec: ModelSpec!
    "The tables the agent published (one per metric)."
    costTables: [CostTable!]!
    createdAt: DateTime!
    finishedAt: DateTime
  }

  type ProfilingJobEdge {
    cursor: String!
    node: ProfilingJob!
  }

  type ProfilingJobConnection {
    edges: [ProfilingJobEdge!]!
    nodes: [ProfilingJob!]!
    pageInfo: PageInfo!
  }

  type ProfilingJobLease {
    job: ProfilingJob!
    "Present it with every report; it stops working when the lease expires and the job is leased again."
    leaseId: ID!
    expiresAt: DateTime!
  }

  input CreateProfilingJobInput {
    organizationId: ID!
    "A device profile the organization owns."
    deviceProfileId: ID!
    modelSpecId: ID!
    metrics: [Metric!]!
    maxAttempts: Int = 3
  }

  input LeaseProfilingJobInput {
    organizationId: ID!
    leaseSeconds: Int = 300
    "The agent's name, shown on the job (trimmed, at most 100 characters)."
    agentName: String
  }

  input ReportProfilingProgressInput {
    organizationId: ID!
    jobId: ID!
    leaseId: ID!
    progress: Float!
    "Extends the lease by this much from now."
    leaseSeconds: Int = 300
  }

  input ProfilingTableInput {
    metric: Metric!
    format: CostTableFormat!
    content: String!
    provenance: CostTableProvenanceInput
    "Memory tables only: the per-step live-set rows (as PublishCostTableInput.liveSet)."
    liveSet: JSON
  }

  input CompleteProfilingJobInput {
    organizationId: ID!
    jobId: ID!
    leaseId: ID!
    tables: [ProfilingTableInput!]!
  }

  input FailProfilingJobInput {
    organizationId: ID!
    jobId: ID!
    leaseId: ID!
    message: String!
  }

  extend type Organization {
    "Newest first."
    profilingJobs(first: Int = 20, after: String): ProfilingJobConnection!
    profilingJob(id: ID!): ProfilingJob!
  }

  extend type Mutation {
    createProfilingJob(input: CreateProfilingJobInput!): ProfilingJob!
    "For agents (scope AGENT): the oldest queued job, or one whose lease expired; null when none."
    leaseProfilingJob(input: LeaseProfilingJobInput!): ProfilingJobLease
    reportProfilingProgress(input: ReportProfilingProgressInput!): ProfilingJob!
    "Publishes the measured tables and finishes the job in one transaction; CONFLICT if the lease was lost."
    completeProfilingJob(input: CompleteProfilingJobInput!): ProfilingJob!
    "Returns the job to the queue (or fails it after maxAttempts)."
    failProfilingJob(input: FailProfilingJobInput!): ProfilingJob!
  }
`;
