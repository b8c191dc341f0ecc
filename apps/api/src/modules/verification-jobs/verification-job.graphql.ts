export const verificationJobTypeDefs = /* GraphQL */ `
  enum VerificationJobStatus {
    QUEUED
    RUNNING
    SUCCEEDED
    FAILED
  }

  "One metric of one proposal measured whole on a device, beside what the search predicted (Σ cells)."
  type ProposalMeasurement {
    id: ID!
    rank: Int!
    metric: Metric!
    deviceProfileId: ID!
    "The predicted delta against the reference model on this device (Σ single-swap cells); null when the set has no total of this metric for the device."
    predicted: Float
    "The prediction's standard deviation (√Σ std² of the chosen cells), when every cell has one."
    predictedStd: Float
    "The measured delta against the reference model."
    measured: Float!
    "The measured value of the whole model, when the agent sent it."
    measuredTotal: Float
    "Confidence interval of the measured delta."
    ciLow: Float
    ciHigh: Float
    runs: Int!
    "The machine the agent measured on."
    host: String
    measuredAt: DateTime!
    verificationJobId: ID!
  }

  "A request to measure proposals of a proposal set whole on a device profile, done by an agent (actnas agent)."
  type VerificationJob {
    id: ID!
    status: VerificationJobStatus!
    "The proposals to measure, ascending."
    ranks: [Int!]!
    "What the agent measures: the metrics of the device's cost tables for the set's model spec."
    metrics: [Metric!]!
    attempts: Int!
    maxAttempts: Int!
    progress: Float!
    leaseExpiresAt: DateTime
    errorMessage: String
    "Who holds or last held the job; null when it was never leased."
    agent: ProfilingAgent
    proposalSet: ProposalSet!
    deviceProfile: DeviceProfile!
    modelSpec: ModelSpec!
    "What the job stored (empty until it succeeds)."
    measurements: [ProposalMeasurement!]!
    createdAt: DateTime!
    finishedAt: DateTime
  }

  type VerificationJobEdge {
    cursor: String!
    node: VerificationJob!
  }

  type VerificationJobConnection {
    edges: [VerificationJobEdge!]!
    nodes: [VerificationJob!]!
    pageInfo: PageInfo!
  }

  type VerificationJobLease {
    job: VerificationJob!
    "Present it with every report; it stops working when the lease expires and the job is leased again."
    leaseId: ID!
    expiresAt: DateTime!
  }

  input VerifyProposalSetInput {
    organizationId: ID!
    "A proposal set of the organization (ProposalSet.id)."
    proposalSetId: ID!
    "A device profile the organization may read, with cost tables for the set's model spec."
    deviceProfileId: ID!
    "Ranks of the set to measure; every proposal when left out."
    ranks: [Int!]
    "Metrics to measure, each one the device has a cost table of for the set's model spec; all of those when left out."
    metrics: [Metric!]
    maxAttempts: Int = 3
  }

  input LeaseVerificationJobInput {
    organizationId: ID!
    leaseSeconds: Int = 300
    "The agent's name, shown on the job (trimmed, at most 100 characters)."
    agentName: String
  }

  input ReportVerificationProgressInput {
    organizationId: ID!
    jobId: ID!
    leaseId: ID!
    progress: Float!
    "Extends the lease by this much from now."
    leaseSeconds: Int = 300
  }

  input ProposalMeasurementInput {
    "One of the job's ranks."
    rank: Int!
    "One of the job's metrics."
    metric: Metric!
    "The measured delta against the reference model."
    measured: Float!
    measuredTotal: Float
    ciLow: Float
    ciHigh: Float
    runs: Int!
    host: String
    "When it was measured; now when left out."
    measuredAt: DateTime
  }

  input CompleteVerificationJobInput {
    organizationId: ID!
    jobId: ID!
    leaseId: ID!
    measurements: [ProposalMeasurementInput!]!
  }

  input FailVerificationJobInput {
    organizationId: ID!
    jobId: ID!
    leaseId: ID!
    message: String!
  }

  extend type Proposal {
    "Measurements of this proposal by verification jobs, newest first (empty until one succeeds)."
    measurements: [ProposalMeasurement!]!
  }

  extend type Organization {
    "Newest first; with proposalSetId, only the jobs that verify that proposal set (a version's or a verifying search's draft)."
    verificationJobs(first: Int = 20, after: String, proposalSetId: ID): VerificationJobConnection!
    verificationJob(id: ID!): VerificationJob!
  }

  extend type Mutation {
    "Queues measuring proposals of a set on a device (MEMBER, or a SEARCH_WRITE token); the set's version and proposals never change."
    verifyProposalSet(input: VerifyProposalSetInput!): VerificationJob!
    "For agents (scope AGENT): the oldest queued verification job, or one whose lease expired; null when none."
    leaseVerificationJob(input: LeaseVerificationJobInput!): VerificationJobLease
    reportVerificationProgress(input: ReportVerificationProgressInput!): VerificationJob!
    "Stores the measurements and finishes the job in one transaction; CONFLICT if the lease was lost."
    completeVerificationJob(input: CompleteVerificationJobInput!): VerificationJob!
    "Returns the job to the queue (or fails it after maxAttempts)."
    failVerificationJob(input: FailVerificationJobInput!): VerificationJob!
  }
`;
