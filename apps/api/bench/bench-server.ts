// The server under load, in a process of its own so the load generator does not share its event
// loop. Forked by api.bench.ts (or run alone to profile: it prints its URL and token and serves
// until stopped). Creates a fresh database, seeds the demo, waits for the demo search, signs in.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { DEMO, createServer, seedDemo } from '../src/index.js';
import { createTestDatabase } from '../test/support/database.js';

export interface BenchReady {
  readonly type: 'ready';
  readonly url: string;
  readonly token: string;
  readonly organizationId: string;
  readonly searchRequestId: string;
}

export interface BenchCpu {
  readonly type: 'cpu';
  /** User + system CPU time of the server process since it started, in ms. */
  readonly cpuMs: number;
  /** SQL statements sent since it started (pg-boss's polling included). */
  readonly queries: number;
}

// Counts every statement the process sends, to report round trips per request.
let queries = 0;
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  queries++;
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;

async function gql(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const database = await createTestDatabase('bench');
const server = await createServer({ databaseUrl: database.url, port: Number(process.env['PORT'] ?? 0), host: '127.0.0.1', searchWorkers: 2, introspection: false });
const seeded = await seedDemo(server.dataSource, server.services, new Date());
const { signIn } = (await gql(server.url, '', `mutation($i: SignInInput!) { signIn(input: $i) { token } }`, {
  i: { email: DEMO.email, password: DEMO.password },
})) as { signIn: { token: string } };
const STATUS = `query($slug: String!, $id: ID!) { organization(slug: $slug) { searchRequest(id: $id) { status } } }`;
for (;;) {
  const data = (await gql(server.url, signIn.token, STATUS, { slug: DEMO.slug, id: seeded.searchRequestId })) as {
    organization: { searchRequest: { status: string } };
  };
  if (data.organization.searchRequest.status === 'SUCCEEDED') break;
  if (data.organization.searchRequest.status === 'FAILED') throw new Error('the demo search failed');
  await sleep(5);
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await sleep(2000); // let requests the load generator abandoned finish before the pool closes
  await server.close();
  await database.drop();
  process.exit(0);
}
const ready: BenchReady = { type: 'ready', url: server.url, token: signIn.token, organizationId: seeded.organizationId, searchRequestId: seeded.searchRequestId! };
if (process.send) {
  process.send(ready);
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'cpu') {
      const usage = process.cpuUsage();
      process.send!({ type: 'cpu', cpuMs: (usage.user + usage.system) / 1000, queries } satisfies BenchCpu);
    } else if (message.type === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
} else {
  console.log(JSON.stringify(ready));
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
