import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql/index.js';
import type { GraphQLSchema } from 'graphql/index.js';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from './connection.js';

/** A list field with `first` costs its children once per requested item. */
const connectionEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = args['first'];
  if (first === undefined) return undefined;
  const count = typeof first === 'number' ? first : DEFAULT_PAGE_SIZE;
  return 1 + childComplexity * Math.max(count, 1);
};

/** Rejects operations whose estimated cost exceeds `maxCost` before any resolver runs. */
export function costLimitPlugin(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              operationName: request.operationName ?? undefined,
              variables: request.variables ?? {},
              estimators: [connectionEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch {
            return; // invalid variables: execution reports them as BAD_USER_INPUT with their path
          }
          if (cost > maxCost) {
            throw new GraphQLError(`Query cost ${cost} exceeds the limit of ${maxCost}`, {
              extensions: { code: 'BAD_USER_INPUT', field: [], cost, maxCost },
            });
          }
        },
      };
    },
  };
}
