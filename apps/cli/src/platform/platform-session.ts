import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { PlatformOrganizationsDocument } from '../graphql/generated.js';
import { ApiError, GraphQLClient, TransportError } from '../graphql/graphql.client.js';
import { CliError, CliUsageError, EXIT_UNAVAILABLE } from '../shared/cli-error.js';
import { readConfig } from './platform-config.js';

/** Flags every platform command takes. */
export interface PlatformFlags {
  readonly api?: string;
  readonly org?: string;
  readonly json?: boolean;
}

export interface OrganizationRef {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
}

/** A signed-in connection to one organization of the API. */
export interface Platform {
  readonly api: string;
  readonly organization: OrganizationRef;
  /** One typed GraphQL call; API and network errors become one-line CLI errors with their exit code. */
  request<T, V>(document: DocumentTypeDecoration<T, V> & { toString(): string }, variables: V): Promise<T>;
  /** A file PUT to an HTTP route of the API (uploads), errors explained as for `request`. */
  put<T>(path: string, query: Readonly<Record<string, string>>, file: { readonly path: string; readonly size: number }): Promise<T>;
}

export const TOKEN_ENV = 'ACTNAS_TOKEN';
export const API_ENV = 'ACTNAS_API';
export const ORG_ENV = 'ACTNAS_ORG';

/** `--api` as a URL of the API's GraphQL endpoint; a bare host gets `/graphql`. */
export function apiUrl(value: string, flag = '--api'): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliUsageError(`${flag} must be the API's URL, e.g. http://127.0.0.1:4000/graphql, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliUsageError(`${flag} must be an http(s) URL, got "${value}"`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/graphql';
  return url.toString();
}

const SCOPE_HINT: Readonly<Record<string, string>> = {
  UNAUTHENTICATED: `; run actnas login, or set ${TOKEN_ENV}`,
  FORBIDDEN: ' (a CI token needs the READ scope, plus SEARCH_WRITE to submit searches or upload models, DEVICES_WRITE to publish tables or queue profiling jobs)',
};

/** An API or network failure as a one-line CLI error: auth and bad input exit 2, an unreachable or failing API 4. */
export function explainApiError(err: unknown, api: string): unknown {
  if (err instanceof TransportError) return new CliError(err.message, EXIT_UNAVAILABLE, 'UNAVAILABLE');
  if (!(err instanceof ApiError)) return err;
  if (err.code === 'INTERNAL_SERVER_ERROR' || err.code === 'UNKNOWN') return new CliError(`${api} failed: ${err.message}`, EXIT_UNAVAILABLE, err.code);
  return new CliUsageError(`${err.code === 'UNAUTHENTICATED' ? `UNAUTHENTICATED from ${api}: ` : ''}${err.message}${SCOPE_HINT[err.code] ?? ''}`, err.code);
}

/** The API, token and organization from flags, the environment and the stored login, in that order. */
export async function connect(flags: PlatformFlags, env: NodeJS.ProcessEnv = process.env): Promise<Platform> {
  // CI sets both variables: then the stored login (if any) is not read at all.
  const fromEnv = env[TOKEN_ENV]?.trim() && (flags.api ?? env[API_ENV]?.trim());
  const stored = fromEnv ? undefined : await readConfig(env);
  const token = env[TOKEN_ENV]?.trim() || stored?.token;
  const apiText = flags.api ?? (env[API_ENV]?.trim() || stored?.api);
  if (!apiText || !token) {
    throw new CliUsageError(`not logged in: run actnas login --api <url>, or set ${API_ENV} and ${TOKEN_ENV}`, 'UNAUTHENTICATED');
  }
  const api = apiUrl(apiText, flags.api === undefined ? API_ENV : '--api');
  const client = new GraphQLClient({ url: api, token });
  const request: Platform['request'] = async (document, variables) => {
    try {
      return await client.request(document, variables);
    } catch (err) {
      throw explainApiError(err, api);
    }
  };
  const put: Platform['put'] = async (path, query, file) => {
    try {
      return await client.put(path, query, file);
    } catch (err) {
      throw explainApiError(err, api);
    }
  };
  const slug = flags.org ?? (env[ORG_ENV]?.trim() || stored?.organization);
  const organization = await chooseOrganization(await request(PlatformOrganizationsDocument, {}), slug);
  return { api, organization, request, put };
}

/** The organization named by slug, or the only one the token sees. */
export function chooseOrganization(data: { readonly organizations: { readonly nodes: readonly OrganizationRef[] } }, slug: string | undefined): OrganizationRef {
  const nodes = data.organizations.nodes;
  if (slug !== undefined) {
    const match = nodes.find((n) => n.slug === slug);
    if (!match) throw new CliUsageError(`organization "${slug}" is not one this token can see (${nodes.map((n) => n.slug).join(', ') || 'none'})`, 'NOT_FOUND');
    return { id: match.id, slug: match.slug, name: match.name };
  }
  if (nodes.length === 1) return { id: nodes[0]!.id, slug: nodes[0]!.slug, name: nodes[0]!.name };
  if (nodes.length === 0) throw new CliUsageError('this token belongs to no organization', 'NOT_FOUND');
  throw new CliUsageError(`this login sees ${nodes.length} organizations (${nodes.map((n) => n.slug).join(', ')}); choose one with --org or ${ORG_ENV}`, 'AMBIGUOUS');
}
