import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, visit } from 'graphql/index.js';
import type { ArgumentNode, DocumentNode, GraphQLSchema } from 'graphql/index.js';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from '../database/pagination.js';

/** A list field with `first` costs its children once per requested item. */
const connectionEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = args['first'];
  if (first === undefined) return undefined;
  const count = typeof first === 'number' ? first : DEFAULT_PAGE_SIZE;
  return 1 + childComplexity * Math.max(count, 1);
};

/**
 * What one export costs: an ONNX export builds and serialises the whole model (seconds of CPU and
 * tens of MB), YAML builds the graph, JSON only formats the proposal. Each alias pays again.
 */
export const EXPORT_COST: Readonly<Record<string, number>> = { ONNX: 1_000, ULTRALYTICS_YAML: 100, JSON: 10 };

const exportEstimator: ComplexityEstimator = ({ type, field, args }) => {
  if (type.name !== 'ProposalSet' || field.name !== 'export') return undefined;
  const format = typeof args['format'] === 'string' ? args['format'] : 'ONNX';
  return EXPORT_COST[format] ?? EXPORT_COST['ONNX'];
};

const NODE_LIMIT = /maximum allowed number of nodes/i;

/** A cost rejection: HTTP 400 with the GraphQL error body, before anything runs. */
function tooExpensive(message: string, details: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field: [], reason: 'QUERY_COST', ...details, http: { status: 400 } } });
}

/** Costs already computed for one parsed document (Apollo hands the same object for the same text). */
interface DocumentCosts {
  /** The only variables a cost depends on: those in `first` arguments and in directives (@skip/@include). */
  readonly costVariables: readonly string[];
  readonly byKey: Map<string, number>;
}

const MAX_KEYS_PER_DOCUMENT = 64;

function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (argument: ArgumentNode): void => {
    visit(argument.value, { Variable: (variable) => void names.add(variable.name.value) });
  };
  visit(document, {
    Field: (field) => field.arguments?.filter((a) => a.name.value === 'first').forEach(collect),
    Directive: (directive) => directive.arguments?.forEach(collect),
    VariableDefinition: () => false, // a variable's default value is not a use
  });
  return [...names];
}

/**
 * Rejects operations whose estimated cost exceeds `maxCost` before any resolver runs. The estimate
 * is cached per document and the values of the variables it depends on, so a dashboard polling the
 * same query does not walk its document against the schema on every request.
 */
export function costLimitPlugin(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin {
  const costOf = documentCoster(schema, maxCost);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let cost: number;
          try {
            cost = costOf(document, request.operationName ?? undefined, request.variables ?? {});
          } catch (error) {
            if (error instanceof Error && NODE_LIMIT.test(error.message)) {
              throw tooExpensive(`Query cost exceeds the limit of ${maxCost} (more than ${maxCost} fields)`, { maxCost });
            }
            // Invalid variables: execution reports them as BAD_USER_INPUT with their path, before any resolver runs.
            return;
          }
          if (cost > maxCost) throw tooExpensive(`Query cost ${cost} exceeds the limit of ${maxCost}`, { cost, maxCost });
        },
      };
    },
  };
}

/**
 * The cost of an operation, cached per parsed document and the values of the variables the cost
 * depends on (the bench measures both paths). Throws graphql-query-complexity's node-limit error
 * past `maxCost` fields.
 */
export function documentCoster(schema: GraphQLSchema, maxCost: number): (document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>) => number {
  const documents = new WeakMap<DocumentNode, DocumentCosts>();
  return (document, operationName, variables) => {
    let costs = documents.get(document);
    if (!costs) documents.set(document, (costs = { costVariables: costVariables(document), byKey: new Map() }));
    const key = JSON.stringify([operationName ?? null, ...costs.costVariables.map((name) => variables[name] ?? null)]);
    let cost = costs.byKey.get(key);
    if (cost === undefined) {
      cost = getComplexity({
        schema,
        query: document,
        operationName,
        variables,
        estimators: [exportEstimator, connectionEstimator, simpleEstimator({ defaultComplexity: 1 })],
        // Every field costs at least 1, so more fields than the limit is over it: stop walking there.
        maxQueryNodes: maxCost + 1,
      });
      if (costs.byKey.size >= MAX_KEYS_PER_DOCUMENT) costs.byKey.clear();
      costs.byKey.set(key, cost);
    }
    return cost;
  };
}
