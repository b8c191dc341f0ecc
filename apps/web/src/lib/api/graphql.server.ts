import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { DocumentNode } from 'graphql';
import { apiUrl } from './config.server';

export interface ApiErrorJson {
  readonly message: string;
  readonly extensions?: { readonly code?: string; readonly field?: readonly (string | number)[] } & Record<string, unknown>;
}

/** A GraphQL error of the API, with its typed code (UNAUTHENTICATED, NOT_FOUND, BAD_USER_INPUT, ...). */
export class ApiError extends Error {
  readonly code: string;
  readonly field: readonly (string | number)[] | undefined;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(error: ApiErrorJson) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
    this.field = error.extensions?.field;
    this.details = error.extensions ?? {};
  }
}

type Variables<V> = Record<string, never> extends V ? [V?] : [V];

/** Runs one operation against the API with the caller's bearer token (never sent to the browser). */
export function request<T, V>(token: string | undefined, document: TypedDocumentNode<T, V>, ...variables: Variables<V>): Promise<T> {
  return send(token, document, variables[0] ?? {}) as Promise<T>;
}

/** The untyped round trip under `request`. */
export async function send(token: string | undefined, document: DocumentNode, variables: object): Promise<unknown> {
  const response = await fetch(apiUrl(), {
    method: 'POST',
    cache: 'no-store',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json().catch(() => ({ errors: [{ message: `API answered ${response.status}` }] }))) as {
    data?: unknown;
    errors?: readonly ApiErrorJson[];
  };
  const first = body.errors?.[0];
  if (first) throw new ApiError(first);
  if (!body.data) throw new ApiError({ message: `API answered ${response.status} without data` });
  return body.data;
}
