import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server used to create per-file databases: DATABASE_URL when set (CI), else the local one. */
export const baseDatabaseUrl = (): string => process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseDatabaseUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database on the base server; `drop` removes it (forcing connections closed). */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `actnas_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(baseDatabaseUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * Terminates every connection to the test database but the one asking (a database restart, as
 * far as a client can tell); returns how many were killed.
 */
export async function killConnections(database: TestDatabase): Promise<number> {
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  try {
    const { rows } = await admin.query(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database.name]);
    return (rows[0] as { n: number }).n;
  } finally {
    await admin.end();
  }
}
