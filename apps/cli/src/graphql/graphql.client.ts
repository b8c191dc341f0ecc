import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';

/** A GraphQL error the API answered with; `code` is its `extensions.code` (UNAUTHENTICATED, CONFLICT, …). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The rest of `extensions`: `field`, `issues` of a rejected upload, … */
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The API could not be reached, or what answered is not a GraphQL endpoint. */
export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportError';
  }
}

interface GraphQLBody<T> {
  readonly data?: T | null;
  readonly errors?: readonly { readonly message: string; readonly extensions?: { readonly code?: string; readonly [key: string]: unknown } }[];
}

export type GraphQLFetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<Response>;

export interface GraphQLClientOptions {
  readonly url: string;
  readonly token: string;
  readonly timeoutMs?: number;
  readonly fetch?: GraphQLFetch;
}

/** GraphQL over HTTP POST with a bearer token (an API token or a session); one typed call per operation. */
export class GraphQLClient {
  readonly url: string;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #fetch: GraphQLFetch;

  constructor(options: GraphQLClientOptions) {
    this.url = options.url;
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#fetch = options.fetch ?? fetch;
  }

  async request<T, V>(document: DocumentTypeDecoration<T, V> & { toString(): string }, variables: V): Promise<T> {
    const body = await this.#post<T>(JSON.stringify({ query: document.toString(), variables }));
    const error = body.errors?.[0];
    if (error) throw new ApiError(error.extensions?.code ?? 'UNKNOWN', error.message, error.extensions ?? {});
    if (!body.data) throw new TransportError(`${this.url} answered without data`);
    return body.data;
  }

  async #post<T>(payload: string): Promise<GraphQLBody<T>> {
    let response: Response;
    try {
      response = await this.#fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${this.#token}` },
        body: payload,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      throw new TransportError(`cannot reach ${this.url}: ${describeFetchError(err)}`);
    }
    const text = await response.text().catch(() => '');
    try {
      return JSON.parse(text) as GraphQLBody<T>;
    } catch {
      throw new TransportError(`${this.url} is not a GraphQL endpoint (HTTP ${response.status}); expected the API's …/graphql URL`);
    }
  }
}

function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return 'timed out';
  // undici hides the system error (ECONNREFUSED, ENOTFOUND) in `cause`.
  const cause = (err as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: string }).code;
    return code?.startsWith('E') ? code : cause.message;
  }
  return err.message;
}
