import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/database/data-source.js';
import { leanQuery } from '../src/database/lean.js';
import { ChangeFeed } from '../src/response-cache/change-feed.js';
import { ResponseCache } from '../src/response-cache/response-cache.js';
import { CACHE_HEADER, requestCacheState, responseCacheMiddleware } from '../src/response-cache/response-cache.middleware.js';
import { createTestDatabase, killConnections } from './support/database.js';
import type { TestDatabase } from './support/database.js';

// What the API does when PostgreSQL drops every connection (an operator's pg_terminate_backend,
// a failover): the pool's connections come back without waiting for requests to open them, and
// while the change feed is down identical requests share computations that started after they asked.

let database: TestDatabase;
let dataSource: DataSource;
beforeAll(async () => {
  database = await createTestDatabase('connloss');
  dataSource = await openDatabase({ url: database.url, poolSize: 6 });
});
afterAll(async () => {
  await dataSource?.destroy();
  await database?.drop();
});

interface PoolCounts {
  readonly totalCount: number;
  readonly idleCount: number;
}
const poolOf = (source: DataSource): PoolCounts => (source.driver as unknown as { master: PoolCounts }).master;

/** The server processes of the test database's connections, asked on a connection of its own. */
async function backends(): Promise<number[]> {
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  try {
    const { rows } = await admin.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() ORDER BY pid`, [database.name]);
    return rows.map((row: { pid: number }) => row.pid);
  } finally {
    await admin.end();
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(5);
  return condition();
}

describe('connection loss', () => {
  it('replaces every pooled connection PostgreSQL terminated before any request asks for one', async () => {
    // Four statements at once: the pool holds four connections.
    await Promise.all([0, 1, 2, 3].map(() => dataSource.query('SELECT pg_sleep(0.05)')));
    expect(poolOf(dataSource).totalCount).toBe(4);
    const before = await backends();
    expect(before).toHaveLength(4);
    expect(await killConnections(database)).toBe(4);
    // No statement goes through the pool meanwhile: new backends appear because the old ones died.
    const deadline = Date.now() + 5_000;
    let after = await backends();
    while ((after.length < 4 || after.some((pid) => before.includes(pid))) && Date.now() < deadline) {
      await sleep(20);
      after = await backends();
    }
    expect(after.filter((pid) => !before.includes(pid))).toHaveLength(4);
    expect(poolOf(dataSource)).toMatchObject({ totalCount: 4, idleCount: 4 });
  });

  it('a read that meets a connection killed under it is answered from a fresh connection, without an error', async () => {
    // The statement holds its connection while another terminates it.
    const read = leanQuery<{ ok: number }>(dataSource, 'SELECT 1 AS ok FROM pg_sleep(0.3)', []).then(
      (rows) => ({ rows }),
      (error: Error) => ({ error: error.message }),
    );
    await sleep(100);
    await killConnections(database);
    expect(await read).toEqual({ rows: [{ ok: 1 }] });
  });
});

describe('response cache while its change feed is down', () => {
  it('identical requests share one computation that started after they all asked, and see what was committed before', async () => {
    await dataSource.query(`CREATE TABLE shared_value (v text NOT NULL)`);
    await dataSource.query(`INSERT INTO shared_value VALUES ('v1')`);
    // Never started, so never live: the state of a feed that lost its connection.
    const feed = new ChangeFeed(database.url);
    const cache = new ResponseCache(feed);
    let computations = 0;
    let release!: () => void;
    let held = new Promise<void>((resolve) => (release = resolve));
    const app = express();
    app.use(express.json(), responseCacheMiddleware({ cache, dataSource, clock: () => new Date() }), async (_req, res) => {
      computations++;
      const [row] = (await dataSource.query(`SELECT v FROM shared_value`)) as { v: string }[];
      await held;
      requestCacheState(res)!.cacheable = true;
      res.json({ data: { v: row!.v } });
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const ask = async () => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ v }' }) });
      return { how: response.headers.get(CACHE_HEADER), v: ((await response.json()) as { data: { v: string } }).data.v };
    };
    try {
      const first = ask();
      await until(() => computations === 1, 5_000);
      await dataSource.query(`UPDATE shared_value SET v = 'v2'`);
      const later = [ask(), ask(), ask(), ask()];
      await sleep(50);
      expect(computations).toBe(1); // the next computation waits for the one under way
      release();
      held = Promise.resolve();
      expect(await first).toEqual({ how: 'miss', v: 'v1' });
      const answers = await Promise.all(later);
      expect(answers.map((a) => a.v)).toEqual(['v2', 'v2', 'v2', 'v2']);
      expect(answers.filter((a) => a.how === 'shared')).toHaveLength(3);
      expect(computations).toBe(2);
      // Nothing was stored: with the feed down, the next request computes again.
      expect(await ask()).toEqual({ how: 'miss', v: 'v2' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await dataSource.query(`DROP TABLE shared_value`);
    }
  });
});
