export const modelSpecTypeDefs = /* GraphQL */ `
  enum ModelSpecKind {
    BUILTIN
    YAML
    ONNX
  }

  enum ModelUploadFormat {
    YAML
    ONNX
  }

  "An activation site of a model and the activation it has there."
  type ModelSite {
    name: String!
    reference: String!
  }

  "A model to search over: a built-in YOLO spec or an uploaded Ultralytics YAML / ONNX file."
  type ModelSpec {
    id: ID!
    name: String!
    kind: ModelSpecKind!
    builtinName: String
    "SHA-256 of the uploaded file (stored once, whoever uploads it)."
    sha256: String
    sizeBytes: Int
    "GET path of the uploaded file (bearer auth; relative to the API's origin, e.g. /model-specs/…/file?organizationId=…); null for built-ins."
    downloadPath: String
    siteCount: Int!
    sites: [ModelSite!]!
    createdAt: DateTime!
  }

  type ModelSpecEdge {
    cursor: String!
    node: ModelSpec!
  }

  type ModelSpecConnection {
    edges: [ModelSpecEdge!]!
    nodes: [ModelSpec!]!
    pageInfo: PageInfo!
  }

  input RegisterBuiltinModelSpecInput {
    organizationId: ID!
    "One of Query.builtinModelNames, e.g. yolov5nu."
    builtinName: String!
    "Defaults to the built-in name."
    name: String
  }

  input UploadModelSpecInput {
    organizationId: ID!
    name: String!
    format: ModelUploadFormat!
    "The YAML text, or the ONNX file in base64. Size-limited (MODEL_MAX_BYTES)."
    content: String!
  }

  extend type Organization {
    modelSpecs(first: Int = 20, after: String): ModelSpecConnection!
    modelSpec(id: ID!): ModelSpec!
  }

  extend type Query {
    "Names of the built-in model specs."
    builtinModelNames: [String!]!
  }

  extend type Mutation {
    registerBuiltinModelSpec(input: RegisterBuiltinModelSpecInput!): ModelSpec!
    uploadModelSpec(input: UploadModelSpecInput!): ModelSpec!
  }
`;
