import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit } from 'graphql/index.js';
import type { ValueNode } from 'graphql/index.js';
import { findUncleanText } from '../validation/text-hygiene.js';
import type { TextIssue } from '../validation/text-hygiene.js';

/** The first unclean string in an argument's value, inline or through variables. */
function inValue(node: ValueNode, field: readonly (string | number)[], variables: Readonly<Record<string, unknown>>): TextIssue | undefined {
  switch (node.kind) {
    case Kind.STRING:
      return findUncleanText(node.value, field);
    case Kind.VARIABLE:
      return findUncleanText(variables[node.name.value], field);
    case Kind.LIST:
      for (const [index, item] of node.values.entries()) {
        const issue = inValue(item, [...field, index], variables);
        if (issue) return issue;
      }
      return undefined;
    case Kind.OBJECT:
      for (const objectField of node.fields) {
        const issue = inValue(objectField.value, [...field, objectField.name.value], variables);
        if (issue) return issue;
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Checks every string argument of the operation (inline or a variable) before anything runs:
 * NUL, unpaired surrogates, control characters, and bidi overrides in names are BAD_USER_INPUT
 * (HTTP 400) naming the field as resolvers do, e.g. ["input", "name"].
 */
export function inputHygienePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const variables = (request.variables ?? {}) as Record<string, unknown>;
          let issue: TextIssue | undefined;
          visit(document, {
            VariableDefinition: () => false,
            Argument(argument) {
              issue ??= inValue(argument.value, [argument.name.value], variables);
              return false;
            },
          });
          // Variables the document declares but no argument uses are still stored nowhere; look at them too.
          issue ??= findUncleanText(variables, []);
          if (issue) throw new GraphQLError(issue.message, { extensions: { code: 'BAD_USER_INPUT', field: issue.field, http: { status: 400 } } });
        },
      };
    },
  };
}
