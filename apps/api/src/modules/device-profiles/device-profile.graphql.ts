export const deviceProfileTypeDefs = /* GraphQL */ `
  enum Visibility {
    "Only the owning organization."
    PRIVATE
    "The owner and the organizations named in sharedWith (read only)."
    SHARED
    "Everyone, in the public catalog (read only)."
    PUBLIC
  }

  "A hardware target: processor, accelerator, runtime and what its compiler fuses."
  type DeviceProfile {
    id: ID!
    name: String!
    processor: String!
    accelerator: String
    runtime: String!
    runtimeVersion: String!
    threads: Int!
    "Square input resolution in pixels, e.g. 640."
    inputSize: Int!
    memoryLimitKb: Int
    "Activation ids the runtime fuses into the preceding convolution (e.g. ReLU, ReLU6)."
    fusedActivations: [String!]!
    visibility: Visibility!
    owner: OrganizationRef!
    "Organizations it is shared with; null unless the caller belongs to the owner."
    sharedWith: [OrganizationRef!]
    "Whether the caller may edit it (owner organization with devices:write)."
    editable: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type DeviceProfileEdge {
    cursor: String!
    node: DeviceProfile!
  }

  type DeviceProfileConnection {
    edges: [DeviceProfileEdge!]!
    nodes: [DeviceProfile!]!
    pageInfo: PageInfo!
  }

  input CreateDeviceProfileInput {
    organizationId: ID!
    name: String!
    processor: String!
    accelerator: String
    runtime: String!
    runtimeVersion: String!
    threads: Int!
    inputSize: Int!
    memoryLimitKb: Int
    fusedActivations: [String!]
  }

  input UpdateDeviceProfileInput {
    organizationId: ID!
    id: ID!
    "Omitted or null: unchanged."
    name: String
    processor: String
    "Omitted: unchanged; null or empty: none."
    accelerator: String
    runtime: String
    runtimeVersion: String
    threads: Int
    inputSize: Int
    "Omitted: unchanged; null: no limit."
    memoryLimitKb: Int
    "Omitted: unchanged; the full new list otherwise (an empty list: nothing fused)."
    fusedActivations: [String!]
  }

  input SetDeviceProfileVisibilityInput {
    organizationId: ID!
    id: ID!
    visibility: Visibility!
    "Slugs of the organizations to share with; required (non-empty) for SHARED, ignored otherwise."
    sharedWith: [String!]
  }

  input DeleteDeviceProfileInput {
    organizationId: ID!
    id: ID!
  }

  extend type Organization {
    "Profiles this organization owns."
    deviceProfiles(first: Int = 20, after: String): DeviceProfileConnection!
    "Profiles other organizations share with this one."
    sharedDeviceProfiles(first: Int = 20, after: String): DeviceProfileConnection!
    "A profile this organization owns, is shared with, or that is public."
    deviceProfile(id: ID!): DeviceProfile!
  }

  "An activation the platform knows: its id (as profiles, tables and locks name it) and its label."
  type ActivationKind {
    id: String!
    label: String!
  }

  extend type Query {
    "The public catalog; needs no sign-in."
    publicDeviceProfiles(first: Int = 20, after: String): DeviceProfileConnection!
    "Every activation kind, paper candidates first: what a profile's fusedActivations may name."
    activationKinds: [ActivationKind!]!
  }

  extend type Mutation {
    createDeviceProfile(input: CreateDeviceProfileInput!): DeviceProfile!
    updateDeviceProfile(input: UpdateDeviceProfileInput!): DeviceProfile!
    setDeviceProfileVisibility(input: SetDeviceProfileVisibilityInput!): DeviceProfile!
    "Returns the id of the deleted profile."
    deleteDeviceProfile(input: DeleteDeviceProfileInput!): ID!
  }
`;
