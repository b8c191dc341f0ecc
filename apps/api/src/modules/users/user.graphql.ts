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

  extend type Query {
    "The signed-in user (sessions only)."
    me: User!
  }

  extend type Mutation {
    "Creates a user and signs them in."
    signUp(input: SignUpInput!): AuthPayload!
  }
`;
