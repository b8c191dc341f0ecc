import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { SessionMultiplexer } from './session-multiplexer.js';

export interface EmbeddedPostgres {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts PGlite with its data under `dataDir` and serves its one session on an ephemeral loopback
 * port, one whole query or transaction at a time (see session-multiplexer.ts), so every `pg`-based
 * library (TypeORM, pg-boss, the change feed) uses it unchanged and concurrently.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  const multiplexer = new SessionMultiplexer(db);
  let address: string;
  try {
    address = await multiplexer.listen('127.0.0.1', 0);
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    url: `postgres://postgres@${address}/postgres`,
    async close() {
      await multiplexer.close();
      await db.close();
    },
  };
}

/** TypeORM's share of the connections; pg-boss and the change feed open a few more. */
export const embeddedPoolSize = 10;
