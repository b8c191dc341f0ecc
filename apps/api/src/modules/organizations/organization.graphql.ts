export const organizationTypeDefs = /* GraphQL */ `
  "A tenant: everything it owns is visible to its members only, unless it shares it."
  type Organization {
    id: ID!
    name: String!
    slug: String!
    createdAt: DateTime!
    "The caller's role here; null for API tokens."
    viewerRole: Role
  }

  "What other organizations may know of one: the owner of a shared profile, a share target."
  type OrganizationRef {
    id: ID!
    name: String!
    slug: String!
  }

  type OrganizationEdge {
    cursor: String!
    node: Organization!
  }

  type OrganizationConnection {
    edges: [OrganizationEdge!]!
    nodes: [Organization!]!
    pageInfo: PageInfo!
  }

  input CreateOrganizationInput {
    name: String!
    "Lower-case letters, digits and dashes, 3 to 64 characters; unique."
    slug: String!
  }

  input UpdateOrganizationInput {
    organizationId: ID!
    name: String!
  }

  extend type Query {
    "An organization the caller belongs to (or its API token's); NOT_FOUND otherwise."
    organization(slug: String!): Organization!
    "The caller's organizations."
    organizations(first: Int = 20, after: String): OrganizationConnection!
  }

  extend type Mutation {
    "Creates an organization with the signed-in user as its owner."
    createOrganization(input: CreateOrganizationInput!): Organization!
    updateOrganization(input: UpdateOrganizationInput!): Organization!
  }
`;
