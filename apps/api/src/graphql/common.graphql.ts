import { scalarTypeDefs } from './scalars.js';

export const commonTypeDefs = /* GraphQL */ `
  ${scalarTypeDefs}

  "Forward pagination state of a connection (first/after); cursors are opaque."
  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }

  type Query
  type Mutation
`;
