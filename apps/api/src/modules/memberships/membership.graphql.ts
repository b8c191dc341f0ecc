export const membershipTypeDefs = /* GraphQL */ `
  enum Role {
    VIEWER
    MEMBER
    ADMIN
    OWNER
  }

  type Membership {
    id: ID!
    role: Role!
    user: User!
    createdAt: DateTime!
  }

  type MembershipEdge {
    cursor: String!
    node: Membership!
  }

  type MembershipConnection {
    edges: [MembershipEdge!]!
    nodes: [Membership!]!
    pageInfo: PageInfo!
  }

  extend type Organization {
    members(first: Int = 20, after: String): MembershipConnection!
  }

  input UpdateMembershipRoleInput {
    organizationId: ID!
    membershipId: ID!
    role: Role!
  }

  input RemoveMembershipInput {
    organizationId: ID!
    membershipId: ID!
  }

  extend type Mutation {
    "Admins change roles; only owners grant or take away OWNER; the last owner stays."
    updateMembershipRole(input: UpdateMembershipRoleInput!): Membership!
    "Admins remove members; anyone may remove themselves; the last owner stays. Returns the id."
    removeMembership(input: RemoveMembershipInput!): ID!
  }
`;
