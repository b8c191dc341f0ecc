export const sessionTypeDefs = /* GraphQL */ `
  type AuthPayload {
    "Send as 'Authorization: Bearer <token>'. Shown once; only its hash is stored."
    token: String!
    expiresAt: DateTime!
    user: User!
  }

  input SignInInput {
    email: String!
    password: String!
  }

  extend type Mutation {
    signIn(input: SignInInput!): AuthPayload!
    "Revokes the session whose token made this request."
    signOut: Boolean!
  }
`;
