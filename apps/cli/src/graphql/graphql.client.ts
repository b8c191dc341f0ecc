import { createReadStream } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
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

  /**
   * A file PUT to one of the API's HTTP routes beside GraphQL (`/uploads/model-specs`), with the
   * same token; `path` is resolved against the GraphQL URL. Streamed from disk with its length
   * declared. Sent with node:http rather than fetch: the API answers a refused upload (no
   * permission, too large) before it has read the body and closes the connection, and fetch then
   * reports only the broken pipe, while node:http hands over the answer as soon as it arrives.
   * A GraphQL-shaped error body becomes an ApiError, as for `request`.
   */
  async put<T>(path: string, query: Readonly<Record<string, string>>, file: { readonly path: string; readonly size: number }): Promise<T> {
    const url = new URL(path, this.url);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const { status, text } = await putFile(url, this.#token, file, this.#timeoutMs + Math.ceil(file.size / 1_000)); // + ≥ 1 MB/s
    let parsed: GraphQLBody<never> & T;
    try {
      parsed = JSON.parse(text) as GraphQLBody<never> & T;
    } catch {
      throw new TransportError(`${url.origin}${url.pathname} answered HTTP ${status} without JSON; is --api the platform's API?`);
    }
    const error = parsed.errors?.[0];
    if (error) throw new ApiError(error.extensions?.code ?? 'UNKNOWN', error.message, error.extensions ?? {});
    if (status >= 400) throw new TransportError(`${url.origin}${url.pathname} answered HTTP ${status}`);
    return parsed;
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

/** How long to wait for `100 Continue` before sending the body anyway (as curl does), for servers that ignore Expect. */
const CONTINUE_WAIT_MS = 1_000;

/**
 * PUTs the file with `Expect: 100-continue`: the API answers a refused upload (no permission, too
 * large) before the body is sent; otherwise it says continue and the file streams from disk.
 */
function putFile(url: URL, token: string, file: { readonly path: string; readonly size: number }, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(file.size), accept: 'application/json', authorization: `Bearer ${token}`, expect: '100-continue' };
    const req = send(url, { method: 'PUT', headers, signal: AbortSignal.timeout(timeoutMs) });
    let answered = false;
    let sending = false;
    const sendBody = (): void => {
      if (sending || answered) return;
      sending = true;
      const body = createReadStream(file.path);
      body.on('error', (err) => req.destroy(err));
      body.pipe(req);
    };
    const fallback = setTimeout(sendBody, CONTINUE_WAIT_MS);
    req.on('continue', () => {
      clearTimeout(fallback);
      sendBody();
    });
    req.on('response', (res) => {
      answered = true;
      clearTimeout(fallback);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        if (!sending) req.destroy(); // answered before the body: nothing more to send
      });
      res.on('error', (err) => reject(new TransportError(`cannot read the answer of ${url.origin}: ${describeFetchError(err)}`)));
    });
    // After the answer, a reset while still sending is the server refusing the rest: not an error.
    req.on('error', (err) => {
      clearTimeout(fallback);
      if (!answered) reject(new TransportError(`cannot reach ${url.origin}: ${describeFetchError(err)}`));
    });
    req.flushHeaders();
  });
}
