// The server under load, in a process of its own so the load generator does not share its event
// loop. Forked by api.bench.ts (or run alone to profile: it prints its URL and token and serves
// until stopped). Creates a fresh database, seeds the demo, waits for the demo search, signs in.
// With API_PROCESSES > 1 it is the primary of that many server processes (src/cluster.ts).
import cluster from 'node:cluster';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startApiCluster } from '../src/cluster.js';
import { DEMO, createServer, loadConfig, seedDemo } from '../src/index.js';
import { createTestDatabase } from '../test/support/database.js';

export interface BenchReady {
  readonly type: 'ready';
  readonly url: string;
  readonly token: string;
  readonly organizationId: string;
  readonly searchRequestId: string;
  /** The bench's database (the fault run terminates its connections). */
  readonly databaseUrl: string;
}

export interface BenchCpu {
  readonly type: 'cpu';
  /** User + system CPU time of the server processes since they started, in ms. */
  readonly cpuMs: number;
  /** SQL statements sent since it started (pg-boss's polling included). */
  readonly queries: number;
  /** GraphQL requests answered from the response cache, and looked up there without an answer. */
  readonly cacheHits: number;
  readonly cacheMisses: number;
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

let cacheOf: () => { hits: number; misses: number } = () => ({ hits: 0, misses: 0 });
const cpu = (): BenchCpu => {
  const usage = process.cpuUsage();
  const { hits, misses } = cacheOf();
  return { type: 'cpu', cpuMs: (usage.user + usage.system) / 1000, queries, cacheHits: hits, cacheMisses: misses };
};

if (cluster.isWorker) {
  // A server process of the cluster: DATABASE_URL, PORT and HOST come from the primary.
  const server = await createServer({ searchWorkers: 2, introspection: false });
  cacheOf = () => server.responseCache;
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'cpu') process.send!(cpu());
  });
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
} else {
  const database = await createTestDatabase('bench');
  const processes = loadConfig().apiProcesses;
  let url: string;
  let seeded: Awaited<ReturnType<typeof seedDemo>>;
  let counters: () => Promise<BenchCpu>;
  let close: () => Promise<void>;
  if (processes > 1) {
    // Seeded by a short-lived server without search workers; the cluster's workers solve the demo search.
    const seeder = await createServer({ databaseUrl: database.url, port: 0, host: '127.0.0.1', searchWorkers: 0 });
    seeded = await seedDemo(seeder.dataSource, seeder.services, new Date());
    await seeder.close();
    const api = await startApiCluster({ ...loadConfig(), databaseUrl: database.url, port: 0, host: '127.0.0.1' }, { DATABASE_URL: database.url });
    url = api.url;
    counters = async () => {
      const replies = await Promise.all(
        api.workers().map(
          (worker) =>
            new Promise<BenchCpu>((resolve) => {
              const onMessage = (message: BenchCpu): void => {
                if (message.type !== 'cpu') return;
                worker.off('message', onMessage);
                resolve(message);
              };
              worker.on('message', onMessage);
              worker.send({ type: 'cpu' });
            }),
        ),
      );
      const own = cpu();
      const sum = (field: 'cpuMs' | 'queries' | 'cacheHits' | 'cacheMisses') => replies.reduce((total, r) => total + r[field], own[field]);
      return { type: 'cpu', cpuMs: sum('cpuMs'), queries: sum('queries'), cacheHits: sum('cacheHits'), cacheMisses: sum('cacheMisses') };
    };
    close = () => api.close();
  } else {
    const server = await createServer({ databaseUrl: database.url, port: 0, host: '127.0.0.1', searchWorkers: 2, introspection: false });
    seeded = await seedDemo(server.dataSource, server.services, new Date());
    url = server.url;
    cacheOf = () => server.responseCache;
    counters = async () => cpu();
    close = () => server.close();
  }
  const { signIn } = (await gql(url, '', `mutation($i: SignInInput!) { signIn(input: $i) { token } }`, {
    i: { email: DEMO.email, password: DEMO.password },
  })) as { signIn: { token: string } };
  const STATUS = `query($slug: String!, $id: ID!) { organization(slug: $slug) { searchRequest(id: $id) { status } } }`;
  for (;;) {
    const data = (await gql(url, signIn.token, STATUS, { slug: DEMO.slug, id: seeded.searchRequestId })) as {
      organization: { searchRequest: { status: string } };
    };
    if (data.organization.searchRequest.status === 'SUCCEEDED') break;
    if (data.organization.searchRequest.status === 'FAILED') throw new Error('the demo search failed');
    await sleep(5);
  }

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await sleep(2000); // let requests the load generator abandoned finish before the pools close
    await close();
    await database.drop();
    process.exit(0);
  };
  const ready: BenchReady = { type: 'ready', url, token: signIn.token, organizationId: seeded.organizationId, searchRequestId: seeded.searchRequestId!, databaseUrl: database.url };
  if (process.send) {
    process.send(ready);
    process.on('message', (message: { type?: string }) => {
      if (message.type === 'cpu') void counters().then((counted) => process.send!(counted));
      else if (message.type === 'stop') void stop();
    });
    process.on('disconnect', () => void stop());
  } else {
    console.log(JSON.stringify(ready));
  }
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
