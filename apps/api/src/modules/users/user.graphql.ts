export const userTypeDefs = /* GraphQL */ `
  "A person who signs in with an email and a password."
  type User {
    id: ID!
    email: String!
    name: String!
    createdAt: DateTime!
  }

  input SignUpInput {
    email: String!
    "At least 10 characters."
    password: String!
    name: String!
  }

  input UpdateAccountInput {
    name: String!
  }

  input ChangePasswordInput {
    currentPassword: String!
    "At least 10 characters, and not the current one."
    newPassword: String!
  }

  extend type Query {
    "The signed-in user (sessions only)."
    me: User!
  }

  extend type Mutation {
    "Creates a user and signs them in."
    signUp(input: SignUpInput!): AuthPayload!
    "Renames the signed-in user (sessions only)."
    updateAccount(input: UpdateAccountInput!): User!
    "Changes the signed-in user's password once the current one checks out (BAD_USER_INPUT on input.currentPassword otherwise); every other session of theirs is signed out."
    changePassword(input: ChangePasswordInput!): Boolean!
  }
`;
