import { createServer } from '@actnas/api';
import { createTestDatabase } from './database';
import { startWeb } from './web-server';

export interface Platform {
  readonly apiUrl: string;
  readonly webUrl: string;
  close(): Promise<void>;
}

/** The API on a fresh database plus the production web build pointed at it. */
export async function startPlatform(label: string): Promise<Platform> {
  const database = await createTestDatabase(label);
  const api = await createServer({ port: 0, host: '127.0.0.1', introspection: true, databaseUrl: database.url });
  const web = await startWeb(api.url).catch(async (error: unknown) => {
    await api.close();
    await database.drop();
    throw error;
  });
  return {
    apiUrl: api.url,
    webUrl: web.url,
    async close() {
      await web.close();
      await api.close();
      await database.drop();
    },
  };
}

/** A minimal GraphQL-over-HTTP client, as a CI script would use with an API token. */
export async function graphql<T>(url: string, token: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
}
