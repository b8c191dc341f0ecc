import { createServer } from '../../src/index.js';
import type { CreateServerOptions, RunningServer } from '../../src/index.js';
import { Client } from './client.js';
import { createTestDatabase } from './database.js';
import type { TestDatabase } from './database.js';

export interface TestServer {
  readonly server: RunningServer;
  readonly database: TestDatabase;
  /** An anonymous client; `.as(token)` for a signed-in one. */
  readonly client: Client;
  close(): Promise<void>;
}

/** A real HTTP server on an ephemeral port over a fresh, migrated database of its own. */
export async function startTestServer(options: CreateServerOptions = {}): Promise<TestServer> {
  const database = await createTestDatabase(options.databaseUrl ? 'unused' : 'api');
  // scrypt at its floor (2^14) unless a test asks: the default 2^17 costs ~0.3 s per sign-up.
  const server = await createServer({ port: 0, host: '127.0.0.1', introspection: true, passwordScryptLogN: 14, ...options, databaseUrl: database.url });
  return {
    server,
    database,
    client: new Client(server.url),
    async close() {
      await server.close();
      await database.drop();
    },
  };
}
