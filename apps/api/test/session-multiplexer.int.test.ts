import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SessionMultiplexer } from '../src/database/session-multiplexer.js';

// PGlite's one session served to many `pg` connections at once, as TypeORM, pg-boss and the
// change feed use it on the embedded default.

let db: PGlite;
let multiplexer: SessionMultiplexer;
let url: string;
const logged: string[] = [];
const opened: (pg.Client | pg.Pool)[] = [];

beforeAll(async () => {
  db = await PGlite.create();
  multiplexer = new SessionMultiplexer(db, { idleInTransactionTimeoutMs: 1_500, log: (m) => logged.push(m) });
  url = `postgres://postgres@${await multiplexer.listen()}/postgres`;
  await db.exec(`CREATE TABLE counter (id int PRIMARY KEY, value int NOT NULL); INSERT INTO counter VALUES (1, 0);
                 CREATE TABLE items (id serial PRIMARY KEY, label text NOT NULL)`);
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.end().catch(() => {})));
});

afterAll(async () => {
  await multiplexer?.close();
  await db?.close();
});

async function client(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  opened.push(c);
  await c.connect();
  return c;
}

function pool(max: number): pg.Pool {
  const p = new pg.Pool({ connectionString: url, max });
  p.on('error', () => {});
  opened.push(p);
  return p;
}

describe('one PGlite session served to many connections', () => {
  it('answers interleaved extended-protocol queries of many connections, each with its own rows', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => client()));
    const answers = await Promise.all(
      clients.flatMap((c, i) =>
        Array.from({ length: 40 }, (_, j) =>
          c.query<{ a: number; b: string }>('SELECT $1::int AS a, $2::text AS b FROM generate_series(1, $3::int)', [i * 1000 + j, `c${i}`, 1 + (j % 3)]),
        ),
      ),
    );
    answers.forEach((result, n) => {
      const i = Math.floor(n / 40);
      const j = n % 40;
      expect(result.rows).toEqual(Array.from({ length: 1 + (j % 3) }, () => ({ a: i * 1000 + j, b: `c${i}` })));
    });
  });

  it('runs whole transactions with nobody in between (no lost updates)', async () => {
    const p = pool(10);
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        const c = await p.connect();
        try {
          await c.query('BEGIN');
          const { rows } = await c.query<{ value: number }>('SELECT value FROM counter WHERE id = $1', [1]);
          await sleep(2); // the event loop turns: other connections' messages arrive meanwhile
          await c.query('UPDATE counter SET value = $1 WHERE id = $2', [rows[0]!.value + 1, 1]);
          await c.query('COMMIT');
        } finally {
          c.release();
        }
      }),
    );
    expect((await db.query<{ value: number }>('SELECT value FROM counter WHERE id = 1')).rows[0]!.value).toBe(30);
  });

  it('keeps named prepared statements apart per connection', async () => {
    const [a, b] = [await client(), await client()];
    for (let i = 0; i < 3; i++) {
      const [ra, rb] = await Promise.all([
        a.query({ name: 'same-name', text: 'SELECT $1::int + 1 AS v', values: [i] }),
        b.query({ name: 'same-name', text: "SELECT $1::text || '!' AS v", values: [`b${i}`] }),
      ]);
      expect(ra.rows).toEqual([{ v: i + 1 }]);
      expect(rb.rows).toEqual([{ v: `b${i}!` }]);
    }
    await b.end();
    // The statements of a connection that left are closed in the session.
    for (let i = 0; i < 50 && (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'mx%'`)).rows[0]!.n > 1; i++) await sleep(20);
    expect((await db.query<{ name: string }>(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'mx%'`)).rows).toHaveLength(1);
  });

  it('delivers NOTIFY to every listening connection, whoever sent it, until it unlistens', async () => {
    const [a, b, sender] = [await client(), await client(), await client()];
    const got: Record<string, string[]> = { a: [], b: [] };
    a.on('notification', (n) => got.a!.push(`${n.channel}:${n.payload}`));
    b.on('notification', (n) => got.b!.push(`${n.channel}:${n.payload}`));
    await a.query('LISTEN changes');
    await b.query('LISTEN "changes"');
    await sender.query(`SELECT pg_notify('changes', 'one')`);
    await sender.query('BEGIN');
    await sender.query(`NOTIFY changes, 'two'`);
    await sender.query('COMMIT');
    await a.query('UNLISTEN changes');
    await sender.query(`SELECT pg_notify('changes', 'three')`);
    await sender.query(`SELECT pg_notify('elsewhere', 'four')`);
    await b.query('SELECT 1');
    expect(got.a).toEqual(['changes:one', 'changes:two']);
    expect(got.b).toEqual(['changes:one', 'changes:two', 'changes:three']);
  });

  it('rolls back the transaction of a connection that goes away and frees the session for the others', async () => {
    const [leaving, other] = [await client(), await client()];
    await leaving.query('BEGIN');
    await leaving.query(`INSERT INTO items (label) VALUES ('never committed')`);
    const started = Date.now();
    const waiting = other.query<{ n: number }>(`SELECT count(*)::int AS n FROM items WHERE label = 'never committed'`);
    (leaving as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    expect((await waiting).rows).toEqual([{ n: 0 }]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('ends a connection that holds the session idle inside a transaction', async () => {
    const [idle, other] = [await client(), await client()];
    const errors: string[] = [];
    idle.on('error', (error: Error & { code?: string }) => errors.push(error.code ?? error.message));
    await idle.query('BEGIN');
    await idle.query(`INSERT INTO items (label) VALUES ('abandoned')`);
    const started = Date.now();
    expect((await other.query<{ n: number }>(`SELECT count(*)::int AS n FROM items WHERE label = 'abandoned'`)).rows).toEqual([{ n: 0 }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(errors).toContain('25P03');
    expect(logged.some((m) => m.includes('idle'))).toBe(true);
  });

  it('answers a failed statement with its error and goes on serving that connection and the others', async () => {
    const [a, b] = [await client(), await client()];
    const [bad, good] = await Promise.allSettled([a.query('SELECT * FROM no_such_table WHERE id = $1', [1]), b.query('SELECT $1::int AS v', [7])]);
    expect(bad.status === 'rejected' && (bad.reason as { code?: string }).code).toBe('42P01');
    expect(good.status === 'fulfilled' && good.value.rows).toEqual([{ v: 7 }]);
    await a.query('BEGIN');
    await expect(a.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    await a.query('ROLLBACK');
    expect((await a.query('SELECT $1::int AS v', [8])).rows).toEqual([{ v: 8 }]);
  });

  it('passes a large message (a 20 MB parameter, as a model upload) whole, while others query', async () => {
    const [a, b] = [await client(), await client()];
    const big = 'x'.repeat(20 * 1_048_576);
    const [sized, small] = await Promise.all([a.query<{ n: number }>('SELECT length($1::text) AS n', [big]), b.query<{ v: number }>('SELECT $1::int AS v', [3])]);
    expect(sized.rows).toEqual([{ n: big.length }]);
    expect(small.rows).toEqual([{ v: 3 }]);
  });

  it('closes a connection that breaks the protocol without disturbing the others', async () => {
    const { connect } = await import('node:net');
    const [host, port] = url.replace('postgres://postgres@', '').replace('/postgres', '').split(':');
    const socket = connect(Number(port), host!);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const closed = new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('close', () => resolve(Buffer.concat(chunks)));
    });
    socket.write(Buffer.from([0, 0, 0, 8, 0, 9, 0, 0]));
    expect((await closed).toString()).toContain('unsupported frontend protocol 9.0');
    const c = await client();
    expect((await c.query('SELECT 1 AS v')).rows).toEqual([{ v: 1 }]);
  });
});
