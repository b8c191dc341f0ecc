export const apiTokenTypeDefs = /* GraphQL */ `
  enum ApiTokenScope {
    READ
    SEARCH_WRITE
    DEVICES_WRITE
    AGENT
  }

  "A token for CI and device agents, acting for its organization within its scopes."
  type ApiToken {
    id: ID!
    name: String!
    "The first characters of the secret, to recognise it."
    prefix: String!
    scopes: [ApiTokenScope!]!
    createdBy: User!
    createdAt: DateTime!
    expiresAt: DateTime
    lastUsedAt: DateTime
    revokedAt: DateTime
  }

  type ApiTokenEdge {
    cursor: String!
    node: ApiToken!
  }

  type ApiTokenConnection {
    edges: [ApiTokenEdge!]!
    nodes: [ApiToken!]!
    pageInfo: PageInfo!
  }

  type CreateApiTokenPayload {
    apiToken: ApiToken!
    "Shown once; only its SHA-256 is stored."
    secret: String!
  }

  input CreateApiTokenInput {
    organizationId: ID!
    name: String!
    scopes: [ApiTokenScope!]!
    expiresAt: DateTime
  }

  input RevokeApiTokenInput {
    organizationId: ID!
    id: ID!
  }

  extend type Organization {
    "Admins only."
    apiTokens(first: Int = 20, after: String): ApiTokenConnection!
  }

  extend type Mutation {
    createApiToken(input: CreateApiTokenInput!): CreateApiTokenPayload!
    revokeApiToken(input: RevokeApiTokenInput!): ApiToken!
  }
`;
