export const costTableTypeDefs = /* GraphQL */ `
  enum Metric {
    LATENCY
    MEMORY
    ACCURACY
    "Budgets and totals only, never a table's metric: the peak live memory over the model's steps (KB), from the live-set rows published with a memory table."
    PEAK_MEMORY
  }

  enum CostTableFormat {
    "The paper's long CSV (layer,activation,reference,delta[,std,ci_low,ci_high,runs,unit]) or the wide layout."
    CSV
    "actnas.cost-table/v1 JSON."
    JSON
  }

  "Who reads a published cost table besides its organization."
  enum CostTableVisibility {
    "Whoever reads its device profile (shared with named organizations or public): the default."
    INHERIT
    "Its organization only, even where the device profile is shared or public; others get NOT_FOUND."
    PRIVATE
  }

  enum ProvenanceSource {
    MEASURED
    IMPORTED
    ESTIMATED
    SYNTHETIC
  }

  type CostTableProvenance {
    source: ProvenanceSource!
    "Runtime or estimator, e.g. onnxruntime-node 1.30."
    producer: String
    runs: Int
    confidence: Float
    note: String
  }

  "Δ of swapping one site to one candidate (candidate − reference), with its uncertainty when known."
  type CostCell {
    site: String!
    activation: String!
    delta: Float!
    reference: Float
    std: Float
    ciLow: Float
    ciHigh: Float
    "Measurements behind the delta: paired runs of a latency cell, runs per model in paper mode, seeds of an averaged accuracy cell."
    runs: Int
  }

  "One immutable, published version of a cost table for (device profile, model spec, metric)."
  type CostTable {
    id: ID!
    version: Int!
    metric: Metric!
    unit: String!
    "Value of the reference model."
    reference: Float!
    sites: [String!]!
    cells: [CostCell!]!
    provenance: CostTableProvenance!
    deviceProfile: DeviceProfile!
    modelSpecName: String!
    "SHA-256 of the uploaded content."
    sha256: String!
    "The table as the paper's long CSV."
    csv: String!
    "Whether it lacks sites of its model spec (published with partial: true); such a table serves only searches that lock those sites to their reference."
    partial: Boolean!
    "Sites of its model spec it has no rows for, in the spec's order; empty for a complete table."
    missingSites: [String!]!
    "Whether it follows its device profile's sharing or stays with its organization (the one setting of a version that may change)."
    visibility: CostTableVisibility!
    "Steps of the live-set rows published with this memory table, which PEAK_MEMORY budgets need; null when it has none."
    liveSetSteps: Int
    createdAt: DateTime!
  }

  type CostTableEdge {
    cursor: String!
    node: CostTable!
  }

  type CostTableConnection {
    edges: [CostTableEdge!]!
    nodes: [CostTable!]!
    pageInfo: PageInfo!
  }

  input CostTableProvenanceInput {
    source: ProvenanceSource!
    producer: String
    runs: Int
    confidence: Float
    note: String
  }

  input PublishCostTableInput {
    organizationId: ID!
    "A device profile the organization owns."
    deviceProfileId: ID!
    "A model spec of the organization; every site of the table must be one of its sites."
    modelSpecId: ID!
    metric: Metric!
    format: CostTableFormat!
    "The file's text. A malformed upload is rejected whole; extensions.issues lists every problem."
    content: String!
    "Defaults to IMPORTED."
    provenance: CostTableProvenanceInput
    "Defaults to INHERIT."
    visibility: CostTableVisibility
    "Memory tables only: per-step live-set rows (actnas profile --live-set: {base: [bytes per step], terms: [{step, site, activation, bytes}]}) for exact PEAK_MEMORY budgets; every site must be one of the table's. Rejected whole, like the table, when malformed."
    liveSet: JSON
    "Accept a table that lacks sites of the model spec and store it as partial. Without it such a table is rejected, its missing sites named."
    partial: Boolean = false
  }

  input CheckCostTableInput {
    "A model spec of the organization, whose sites the table must cover."
    modelSpecId: ID!
    metric: Metric!
    format: CostTableFormat!
    content: String!
  }

  "One problem of an upload: the file's line (row 1 is the header; null when it concerns the whole file) and column."
  type CostTableIssue {
    row: Int
    column: String
    message: String!
  }

  "What publishing a file would do, checked by the same parser as publishCostTable and storing nothing."
  type CostTableCheck {
    "The first 100 problems that would reject the file (missing sites are not among them, see missingSites)."
    issues: [CostTableIssue!]!
    "How many problems there are in all."
    issueCount: Int!
    "Sites and cells of the table (0 when it has problems)."
    siteCount: Int!
    cellCount: Int!
    unit: String
    "Sites of the model spec the file has no rows for: publishing needs partial: true while any are missing."
    missingSites: [String!]!
    modelSiteCount: Int!
  }

  input SetCostTableVisibilityInput {
    organizationId: ID!
    "A cost table the organization owns."
    id: ID!
    visibility: CostTableVisibility!
  }

  extend type Organization {
    "Newest first: the organization's tables and those of device profiles shared with it or public."
    costTables(deviceProfileId: ID, modelSpecId: ID, metric: Metric, first: Int = 20, after: String): CostTableConnection!
    costTable(id: ID!): CostTable!
    "Checks a cost-table file against a model spec as publishCostTable would, without storing it."
    costTableCheck(input: CheckCostTableInput!): CostTableCheck!
  }

  extend type Mutation {
    "Publishes the next version; published versions never change."
    publishCostTable(input: PublishCostTableInput!): CostTable!
    "Restricts a table to its organization or lets it follow its device profile again; only the owner (FORBIDDEN for organizations that merely read it)."
    setCostTableVisibility(input: SetCostTableVisibilityInput!): CostTable!
  }
`;
