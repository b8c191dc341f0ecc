export const projectTypeDefs = /* GraphQL */ `
  "A body of work inside an organization; search results are versioned per project."
  type Project {
    id: ID!
    name: String!
    description: String!
    organization: OrganizationRef!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type ProjectEdge {
    cursor: String!
    node: Project!
  }

  type ProjectConnection {
    edges: [ProjectEdge!]!
    nodes: [Project!]!
    pageInfo: PageInfo!
  }

  input CreateProjectInput {
    organizationId: ID!
    name: String!
    description: String
  }

  input UpdateProjectInput {
    organizationId: ID!
    id: ID!
    name: String
    description: String
  }

  input DeleteProjectInput {
    organizationId: ID!
    id: ID!
  }

  extend type Organization {
    projects(first: Int = 20, after: String): ProjectConnection!
    project(id: ID!): Project!
  }

  extend type Mutation {
    createProject(input: CreateProjectInput!): Project!
    updateProject(input: UpdateProjectInput!): Project!
    "Returns the id of the deleted project."
    deleteProject(input: DeleteProjectInput!): ID!
  }
`;
