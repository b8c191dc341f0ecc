export const proposalSetTypeDefs = /* GraphQL */ `
  type SiteActivation {
    site: String!
    activation: String!
  }

  type MetricTotal {
    "e.g. latency@<device profile id>"
    label: String!
    metric: Metric!
    deviceProfileId: ID
    unit: String!
    reference: Float!
    delta: Float!
    total: Float!
  }

  type Proposal {
    "1 = best."
    rank: Int!
    objective: Float!
    feasible: Boolean!
    changedSites: Int!
    "Only the sites whose activation differs from the reference."
    changes: [SiteActivation!]!
    activations: [SiteActivation!]!
    totals: [MetricTotal!]!
    "Set by a verified search (SubmitSearchInput.verify): whether it meets every budget as measured on the verify device; null otherwise."
    measuredFeasible: Boolean
    "A verified search's objective with measured totals where measured; null otherwise."
    measuredObjective: Float
    "A verified search's round that first returned it; null otherwise."
    verifiedRound: Int
  }

  "A uniform assignment the search compares its proposals with."
  type Baseline {
    "all-reference, all-relu or all-hardswish."
    name: String!
    "False when the activation is not allowed or has no cells somewhere."
    available: Boolean!
    "Empty when not available."
    activations: [SiteActivation!]!
    totals: [MetricTotal!]!
    feasible: Boolean
  }

  enum ExportFormat {
    JSON
    "An Ultralytics model YAML with per-layer activations (built-in and YAML specs)."
    ULTRALYTICS_YAML
    "The rewritten ONNX: the uploaded model, or the built-in graph with seeded weights."
    ONNX
  }

  "What the weights in an exported file are."
  enum ExportWeights {
    "Random weights from a fixed seed (built-in and YAML model specs): right for measuring latency and memory, meaningless for accuracy until trained or replaced."
    SEEDED
    "The uploaded ONNX model's own weights, activations rewritten."
    UPLOADED
    "The file carries no weights (YAML, JSON)."
    NONE
  }

  type ProposalExport {
    "e.g. yolov5nu-v3-rank1.onnx: model, version and rank."
    filename: String!
    weights: ExportWeights!
    contentType: String!
    "utf8 for text formats, base64 for ONNX."
    encoding: String!
    content: String!
  }

  "The k ranked proposals of one search: version N of its project."
  type ProposalSet {
    "One proposal as a file."
    export(rank: Int! = 1, format: ExportFormat!): ProposalExport!
    id: ID!
    "0 while draft (a verifying search's proposals, reachable only through its verification jobs)."
    version: Int!
    "A verifying search's proposals before its loop ends: not a version, in no list."
    draft: Boolean!
    "optimal, feasible or limit."
    status: String!
    strategy: String!
    objective: String!
    budgets: [String!]!
    "Best first; the first \`first\` of them when given."
    proposals(first: Int): [Proposal!]!
    "The proposal of that rank; null when the set has none of it."
    proposal(rank: Int!): Proposal
    "All-reference, all-ReLU and all-Hardswish, each with locked sites kept at their lock."
    baselines: [Baseline!]!
    searchRequest: SearchRequest!
    "The full result (baselines, solver statistics, notes)."
    result: JSON!
    createdAt: DateTime!
  }

  type ProposalSetEdge {
    cursor: String!
    node: ProposalSet!
  }

  type ProposalSetConnection {
    edges: [ProposalSetEdge!]!
    nodes: [ProposalSet!]!
    pageInfo: PageInfo!
  }

  type SiteChange {
    site: String!
    from: String
    to: String
  }

  type MetricDelta {
    label: String!
    metric: Metric!
    deviceProfileId: ID
    "e.g. ms, KB, mAP."
    unit: String!
    from: Float
    to: Float
    "to − from."
    delta: Float
  }

  "How the best proposal changed between two versions."
  type ProposalSetDiff {
    from: Int!
    to: Int!
    changedSites: [SiteChange!]!
    metricDeltas: [MetricDelta!]!
  }

  extend type Project {
    "Newest first."
    proposalSets(first: Int = 20, after: String): ProposalSetConnection!
    latestProposalSet: ProposalSet
    proposalSet(version: Int!): ProposalSet!
    proposalSetDiff(from: Int!, to: Int!): ProposalSetDiff!
  }
`;
