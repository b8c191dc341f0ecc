import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  readonly url: string;
  close(): Promise<void>;
}

// PGlite is one backend. Serving it over the wire protocol (rather than typeorm-pglite, whose
// query runners all share one session so concurrent transactions interleave) lets the multiplexer
// queue whole transactions, and lets every `pg`-based library (TypeORM, pg-boss) use it unchanged.
const MAX_CONNECTIONS = 20;

/** Starts PGlite with its data under `dataDir` and serves it on an ephemeral loopback port. */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: MAX_CONNECTIONS });
  await server.start();
  const connection = server.getServerConn();
  return {
    url: `postgres://postgres@${connection}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}

/** TypeORM's share of the connections; pg-boss takes a few of the rest. */
export const embeddedPoolSize = 10;
