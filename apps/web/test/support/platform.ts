import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from '@actnas/api';
import { createTestDatabase } from './database';
import type { TestDatabase } from './database';
import { startWeb } from './web-server';

export interface Platform {
  readonly apiUrl: string;
  readonly webUrl: string;
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** `postgres` (default): a fresh database on DATABASE_URL's server; `embedded`: PGlite in a temporary folder, as `npm start` without DATABASE_URL. */
  readonly database?: 'postgres' | 'embedded';
}

/** The API on a fresh database plus the production web build pointed at it. */
export async function startPlatform(label: string, { database: kind = 'postgres' }: PlatformOptions = {}): Promise<Platform> {
  const database = kind === 'postgres' ? await createTestDatabase(label) : await embeddedDataDir(label);
  const api = await createServer({ port: 0, host: '127.0.0.1', introspection: true, ...(kind === 'postgres' ? { databaseUrl: database.url } : { databaseUrl: undefined, dataDir: database.url }) }).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
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

/** A temporary folder for the embedded database (its `url` is the folder). */
async function embeddedDataDir(label: string): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), `actnas-web-${label}-`));
  return { url: dir, drop: () => rm(dir, { recursive: true, force: true }) };
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
