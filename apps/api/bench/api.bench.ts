// npm run bench -w @actnas/api: loopback load on a fresh PostgreSQL database (DATABASE_URL's
// server, else the local one). The server runs in a child process (bench-server.ts; API_PROCESSES
// and the other variables apply to it), the load generator here. Prints and writes
// bench-results/api.json, with the server's CPU time and SQL statements per request and the load
// average, since the figures mean little without them on a shared machine.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { parse } from 'graphql/index.js';
import pg from 'pg';
import { documentCoster } from '../src/graphql/cost-limit.js';
import { buildSchema } from '../src/graphql/schema.js';
import { DEMO } from '../src/index.js';
import type { BenchCpu, BenchReady } from './bench-server.js';

const DASHBOARD = `query Dashboard($slug: String!) {
  organization(slug: $slug) {
    id name viewerRole
    projects(first: 10) { nodes { id name latestProposalSet { version status proposals { rank objective feasible totals { label total unit } } } } }
    deviceProfiles(first: 10) { nodes { id name runtime visibility } }
    costTables(first: 10) { nodes { id metric version provenance { source } } }
  }
}`;

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

function startServer(env: Record<string, string> = {}): Promise<{ child: ChildProcess; ready: BenchReady }> {
  const child = fork(fileURLToPath(new URL('./bench-server.ts', import.meta.url)), [], {
    env: { ...process.env, ...env },
    execArgv: ['--conditions=@actnas/source', '--import', 'tsx', ...(process.env['BENCH_CPU_PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF']}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: BenchReady) => resolve({ child, ready: message }));
    child.once('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
  });
}

function serverCounters(child: ChildProcess): Promise<BenchCpu> {
  return new Promise((resolve) => {
    const onMessage = (message: BenchCpu): void => {
      if (message.type !== 'cpu') return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send({ type: 'cpu' });
  });
}

async function load(child: ChildProcess, url: string, token: string, connections: number, body: () => string, seconds = 10) {
  const before = await serverCounters(child);
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }],
  });
  const after = await serverCounters(child);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    connections,
    requestsPerSecond: result.requests.average,
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    total: result.requests.total,
    cacheHitRate: round((after.cacheHits - before.cacheHits) / Math.max(after.cacheHits - before.cacheHits + after.cacheMisses - before.cacheMisses, 1)),
    serverCpuMsPerRequest: round((after.cpuMs - before.cpuMs) / Math.max(result.requests.total, 1)),
    sqlPerRequest: round((after.queries - before.queries) / Math.max(result.requests.total, 1)),
    loadAverage1m: round(loadavg()[0]!),
  };
}

async function withServer<T>(env: Record<string, string>, run: (child: ChildProcess, ready: BenchReady) => Promise<T>): Promise<T> {
  const { child, ready } = await startServer(env);
  try {
    return await run(child, ready);
  } finally {
    child.send({ type: 'stop' });
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const dashboardBody = JSON.stringify({ query: DASHBOARD, variables: { slug: DEMO.slug } });
const target = (row: Awaited<ReturnType<typeof load>>, label: string) => ({ run: label, ...row, target: row.connections === 200 ? 'p99 < 100 ms, 0 errors' : '—' });
// BENCH_DASHBOARD_ONLY=1 skips the search figures (for quick iterations on the read path).
const dashboardOnly = process.env['BENCH_DASHBOARD_ONLY'] === '1';
// BENCH_FAULTS_ONLY=1 runs only the connection-kill fault (for quick iterations on fault recovery); writes no result file.
const faultsOnly = process.env['BENCH_FAULTS_ONLY'] === '1';

const main = faultsOnly ? { dashboard: [] } : await withServer({}, async (child, ready) => {
  const { url, token, organizationId } = ready;
  const ids = (await gql(url, token, `query($slug: String!) { organization(slug: $slug) { projects { nodes { id } } costTables { nodes { id } } modelSpecs { nodes { id } } } }`, {
    slug: DEMO.slug,
  })) as { organization: { projects: { nodes: { id: string }[] }; costTables: { nodes: { id: string }[] }; modelSpecs: { nodes: { id: string }[] } } };
  const submission = (key: string, k: number) => ({
    input: {
      organizationId: organizationId,
      projectId: ids.organization.projects.nodes[0]!.id,
      modelSpecId: ids.organization.modelSpecs.nodes[0]!.id,
      costTableIds: ids.organization.costTables.nodes.map((n) => n.id),
      objective: { sense: 'MIN', metric: { metric: 'LATENCY' } },
      budgets: [{ metric: { metric: 'ACCURACY' }, bound: 'MIN', value: -0.005, of: 'DELTA' }],
      k,
      idempotencyKey: key,
    },
  });
  const SUBMIT = `mutation($input: SubmitSearchInput!) { submitSearch(input: $input) { id } }`;
  const STATUS = `query($slug: String!, $id: ID!) { organization(slug: $slug) { searchRequest(id: $id) { status } } }`;
  const finish = async (id: string) => {
    for (;;) {
      const data = (await gql(url, token, STATUS, { slug: DEMO.slug, id })) as { organization: { searchRequest: { status: string } } };
      if (data.organization.searchRequest.status === 'SUCCEEDED') return;
      if (data.organization.searchRequest.status === 'FAILED') throw new Error('search failed');
      await sleep(5);
    }
  };

  const latencies: number[] = [];
  for (let run = 0; run < (dashboardOnly ? 0 : 5); run++) {
    const started = performance.now();
    const data = (await gql(url, token, SUBMIT, submission(`latency-${run}`, 10))) as { submitSearch: { id: string } };
    await finish(data.submitSearch.id);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);

  const dashboard = [await load(child, url, token, 50, () => dashboardBody), await load(child, url, token, 200, () => dashboardBody)];
  if (dashboardOnly) return { dashboard };
  let n = 0;
  const searchSubmission = await load(child, url, token, 20, () => JSON.stringify({ query: SUBMIT, variables: submission(`throughput-${n++}`, 1) }), 5);
  const submissionToProposalSetMs = { search: '68 sites × 5 candidates, ILP, top-10', median: latencies[2]!, min: latencies[0]!, max: latencies[4]!, target: '< 1000 ms' };
  return { dashboard, searchSubmission, submissionToProposalSetMs };
});

// The dashboard at 200 connections while PostgreSQL terminates every connection of the API's
// database 8 times, 1.5 s apart (as an operator or a failover would): what is served, which
// errors clients see, and how soon after the last kill the dashboard answers again.
const KILLS = 8;
const KILL_INTERVAL_MS = 1_500;

async function killConnections(databaseUrl: string): Promise<number> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    const name = new URL(databaseUrl).pathname.slice(1);
    const { rows } = await admin.query(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
    return (rows[0] as { n: number }).n;
  } finally {
    await admin.end();
  }
}

async function faultRun(child: ChildProcess, ready: BenchReady) {
  const { url, token, databaseUrl } = ready;
  const errorsByType = new Map<string, number>();
  const count = (type: string) => errorsByType.set(type, (errorsByType.get(type) ?? 0) + 1);
  let lastErrorAt = 0;
  const before = await serverCounters(child);
  const seconds = Math.ceil(((KILLS + 1) * KILL_INTERVAL_MS) / 1000) + 4;
  const running = autocannon({
    url,
    method: 'POST',
    connections: 200,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [
      {
        body: dashboardBody,
        onResponse: (status: number, body: string) => {
          if (status === 200 && !body.includes('"errors"')) return;
          lastErrorAt = performance.now();
          try {
            const codes = ((JSON.parse(body) as { errors?: { extensions?: { code?: string } }[] }).errors ?? []).map((e) => e.extensions?.code ?? 'NONE');
            count(`HTTP ${status} ${[...new Set(codes)].join('+') || 'no GraphQL errors'}`);
          } catch {
            count(`HTTP ${status} (not JSON)`);
          }
        },
      },
    ],
  });
  let killed = 0;
  await sleep(KILL_INTERVAL_MS);
  for (let i = 0; i < KILLS; i++) {
    killed += await killConnections(databaseUrl);
    if (i < KILLS - 1) await sleep(KILL_INTERVAL_MS);
  }
  const lastKillAt = performance.now();
  // First full success after the last kill, asked by a separate client.
  let recoveredMs = Number.NaN;
  for (;;) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: dashboardBody });
    const text = await response.text();
    if (response.status === 200 && !text.includes('"errors"')) {
      recoveredMs = performance.now() - lastKillAt;
      break;
    }
    if (performance.now() - lastKillAt > 30_000) break;
    await sleep(5);
  }
  const result = await running;
  const after = await serverCounters(child);
  const round = (value: number) => Math.round(value * 100) / 100;
  // autocannon's `errors` are connection errors, timeouts included.
  const errors = [...errorsByType.values()].reduce((a, b) => a + b, 0) + result.errors;
  if (result.errors > result.timeouts) errorsByType.set('socket errors', result.errors - result.timeouts);
  if (result.timeouts) errorsByType.set('timeouts (10 s)', result.timeouts);
  return {
    connections: 200,
    seconds,
    kills: KILLS,
    connectionsTerminated: killed,
    requestsServed: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    errors,
    errorsByType: Object.fromEntries(errorsByType),
    firstSuccessAfterLastKillMs: round(recoveredMs),
    lastErrorAfterLastKillMs: lastErrorAt > lastKillAt ? round(lastErrorAt - lastKillAt) : 0,
    serverCpuMsPerRequest: round((after.cpuMs - before.cpuMs) / Math.max(result.requests.total, 1)),
    loadAverage1m: round(loadavg()[0]!),
    target: 'p99 < 100 ms, 0 errors (issue 16)',
  };
}

/** What costing a query adds to a request: the first time a document (and its cost variables) is seen, and from the cache after. */
function costAnalysisCost() {
  const schema = buildSchema();
  const document = parse(DASHBOARD);
  const variables = { slug: DEMO.slug };
  const time = (runs: number, each: () => void) => {
    const started = performance.now();
    for (let i = 0; i < runs; i++) each();
    return ((performance.now() - started) / runs) * 1000;
  };
  // Uncached: a fresh coster every time (a new document text or new values of its `first` variables).
  const uncachedUs = time(2_000, () => documentCoster(schema, 5_000)(document, undefined, variables));
  const coster = documentCoster(schema, 5_000);
  coster(document, undefined, variables);
  const cachedUs = time(200_000, () => coster(document, undefined, variables));
  return { query: 'dashboard', cost: coster(document, undefined, variables), uncachedMicroseconds: Math.round(uncachedUs * 10) / 10, cachedMicroseconds: Math.round(cachedUs * 100) / 100 };
}

const faults = await withServer({}, faultRun);
const costAnalysis = costAnalysisCost();

// The peer, in the same run: every dashboard request answered by the database.
const uncached = faultsOnly ? [] : await withServer({ GRAPHQL_RESPONSE_CACHE: 'false' }, async (child, { url, token }) => [
  await load(child, url, token, 50, () => dashboardBody),
  await load(child, url, token, 200, () => dashboardBody),
]);

console.table([
  ...main.dashboard.map((row) => target(row, 'dashboard, response cache on')),
  ...uncached.map((row) => target(row, 'dashboard, cache off (peer)')),
  ...(main.searchSubmission ? [{ run: 'search submissions', ...main.searchSubmission }] : []),
]);
console.log('dashboard at 200 connections while every database connection is killed 8 times, 1.5 s apart:');
console.table([{ run: 'connection-kill fault (cache on)', ...faults, errorsByType: JSON.stringify(faults.errorsByType) }]);
console.log('cost analysis per request (the dashboard query):', costAnalysis);
if (main.submissionToProposalSetMs) console.log('submission → proposal set (median of 5):', Math.round(main.submissionToProposalSetMs.median), 'ms; target < 1000 ms');
if (!dashboardOnly && !faultsOnly) {
  await mkdir('bench-results', { recursive: true });
  await writeFile('bench-results/api.json', JSON.stringify({ apiProcesses: Number(process.env['API_PROCESSES'] ?? 1), ...main, dashboardCacheOff: uncached, dashboardUnderConnectionKills: faults, costAnalysis }, null, 2));
}
