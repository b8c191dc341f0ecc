export const invitationTypeDefs = /* GraphQL */ `
  type Invitation {
    id: ID!
    email: String!
    role: Role!
    invitedBy: User!
    createdAt: DateTime!
    expiresAt: DateTime!
    acceptedAt: DateTime
    revokedAt: DateTime
  }

  type InvitationEdge {
    cursor: String!
    node: Invitation!
  }

  type InvitationConnection {
    edges: [InvitationEdge!]!
    nodes: [Invitation!]!
    pageInfo: PageInfo!
  }

  type CreateInvitationPayload {
    invitation: Invitation!
    "Give this to the invitee; shown once, only its hash is stored."
    token: String!
  }

  input CreateInvitationInput {
    organizationId: ID!
    email: String!
    role: Role!
  }

  input AcceptInvitationInput {
    token: String!
  }

  input RevokeInvitationInput {
    organizationId: ID!
    id: ID!
  }

  extend type Organization {
    "Admins only."
    invitations(first: Int = 20, after: String): InvitationConnection!
  }

  extend type Mutation {
    createInvitation(input: CreateInvitationInput!): CreateInvitationPayload!
    "The signed-in user, whose email must match the invitation's, joins the organization."
    acceptInvitation(input: AcceptInvitationInput!): Organization!
    revokeInvitation(input: RevokeInvitationInput!): Invitation!
  }
`;
