import { makeExecutableSchema } from '@graphql-tools/schema';
import { printSchema } from 'graphql/index.js';
import { typeDefs } from './type-defs.js';

/** The schema as committed in apps/api/schema.graphql (module order, as declared). */
export function printedSchema(): string {
  const schema = makeExecutableSchema({ typeDefs: [...typeDefs] });
  return `${printSchema(schema)}\n`;
}
