import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql/index.js';

export interface GraphQLErrorJson {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly code?: string; readonly field?: readonly (string | number)[] } & Record<string, unknown>;
}

export interface GraphQLResponse<T> {
  readonly status: number;
  readonly data?: T | null;
  readonly errors?: readonly GraphQLErrorJson[];
}

/** A GraphQL-over-HTTP client bound to one server and, optionally, one bearer token. */
export class Client {
  constructor(
    readonly url: string,
    readonly token?: string,
  ) {}

  as(token: string | undefined): Client {
    return new Client(this.url, token);
  }

  async raw<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
    return { status: response.status, ...body };
  }

  request<T, V>(document: TypedDocumentNode<T, V>, ...variables: Record<string, never> extends V ? [V?] : [V]): Promise<GraphQLResponse<T>> {
    return this.raw<T>(print(document), variables[0] as Record<string, unknown> | undefined);
  }

  /** Runs an operation that must succeed and returns its data. */
  async data<T, V>(document: TypedDocumentNode<T, V>, ...variables: Record<string, never> extends V ? [V?] : [V]): Promise<T> {
    const response = await this.request(document, ...variables);
    if (response.errors?.length || !response.data) {
      throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
    }
    return response.data;
  }
}

/** The code (and field) of the only error of a response. */
export function errorOf(response: GraphQLResponse<unknown>): { code: string | undefined; message: string; field?: readonly (string | number)[] } {
  const error = response.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(response.data)}`);
  return {
    code: error.extensions?.code,
    message: error.message,
    ...(error.extensions?.field ? { field: error.extensions.field } : {}),
  };
}
