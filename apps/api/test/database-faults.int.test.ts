import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { SubmitSearchDocument } from '../client/generated.js';
import { Client } from './support/client.js';
import { createTestDatabase, killConnections } from './support/database.js';
import type { TestDatabase } from './support/database.js';
import { createOrganization } from './support/fixtures.js';
import type { OrgFixture } from './support/fixtures.js';
import { searchFixture, searchInput } from './support/search-fixture.js';
import type { SearchFixture } from './support/search-fixture.js';
import { createServer } from '../src/index.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';
import { print } from 'graphql/index.js';

const DASHBOARD = `query($slug: String!) { organization(slug: $slug) { id projects(first: 10) { nodes { id latestProposalSet { version } } } deviceProfiles(first: 10) { nodes { id } } costTables(first: 10) { nodes { id } } } }`;
const SUBMIT = print(SubmitSearchDocument);

interface Answer {
  readonly status: number;
  readonly codes: readonly string[];
  readonly retryAfter: string | null;
  readonly id?: string;
}

/** One POST; any answer must be GraphQL-shaped JSON (a thrown parse error fails the test). */
async function post(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: { submitSearch?: { id: string } } | null; errors?: { extensions?: { code?: string } }[] };
  expect(body.data !== undefined || body.errors !== undefined).toBe(true);
  return {
    status: response.status,
    codes: (body.errors ?? []).map((e) => e.extensions?.code ?? 'NONE'),
    retryAfter: response.headers.get('retry-after'),
    ...(body.data?.submitSearch ? { id: body.data.submitSearch.id } : {}),
  };
}

async function searchStates(database: TestDatabase): Promise<{ id: string; status: string; error_code: string | null; proposal_set_id: string | null; attempts: number }[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(`SELECT id, status, error_code, proposal_set_id, attempts FROM search_requests ORDER BY created_at`)).rows;
  } finally {
    await client.end();
  }
}

async function versionsOf(database: TestDatabase, projectId: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(`SELECT version FROM proposal_sets WHERE project_id = $1 ORDER BY version`, [projectId])).rows.map((r: { version: number }) => r.version);
  } finally {
    await client.end();
  }
}

async function untilAllFinished(database: TestDatabase, timeoutMs: number): Promise<Awaited<ReturnType<typeof searchStates>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await searchStates(database);
    if (states.every((s) => s.status === 'succeeded' || s.status === 'failed')) return states;
    if (Date.now() > deadline) throw new Error(`searches still open: ${JSON.stringify(states.filter((s) => s.status !== 'succeeded' && s.status !== 'failed'))}`);
    await sleep(100);
  }
}

const servers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const server of servers.reverse()) await server.close().catch(() => undefined);
});

describe('database faults', () => {
  it('keeps serving while PostgreSQL terminates its connections under load; every accepted search ends with a reason and versions have no gaps', async () => {
    const t: TestServer = await startTestServer({ searchLeaseSeconds: 3, responseCache: false });
    servers.push(t);
    const org: OrgFixture = await createOrganization(t.client, 'faults');
    const fixture: SearchFixture = await searchFixture(org);
    const token = org.owner.token;
    const answers: Answer[] = [];
    const accepted = new Set<string>();
    let stop = false;
    const reader = async () => {
      while (!stop) answers.push(await post(t.server.url, token, DASHBOARD, { slug: org.slug }));
    };
    const submitter = async (name: string) => {
      for (let n = 0; !stop; n++) {
        const key = `${name}-${n}`;
        // A client retries an unavailable submission with the same key, as the README's CI script would.
        for (let attempt = 0; attempt < 50 && !stop; attempt++) {
          const answer = await post(t.server.url, token, SUBMIT, { input: { ...searchInput(org, fixture, { k: 1 }), idempotencyKey: key } });
          answers.push(answer);
          if (answer.id) {
            accepted.add(answer.id);
            break;
          }
          await sleep(Number(answer.retryAfter ?? 1) * 100);
        }
        await sleep(200);
      }
    };
    const load = [reader(), reader(), reader(), reader(), submitter('a'), submitter('b')];
    let killed = 0;
    for (let i = 0; i < 8; i++) {
      await sleep(1_500);
      killed += await killConnections(t.database);
    }
    const lastKill = Date.now();
    // Serves again at once: the first dashboard answer after the last kill is a success.
    let recoveredMs: number;
    for (;;) {
      const answer = await post(t.server.url, token, DASHBOARD, { slug: org.slug });
      if (answer.status === 200 && answer.codes.length === 0) {
        recoveredMs = Date.now() - lastKill;
        break;
      }
      expect(Date.now() - lastKill).toBeLessThan(10_000);
    }
    stop = true;
    await Promise.all(load);

    expect(killed).toBeGreaterThan(8);
    expect(recoveredMs).toBeLessThan(5_000); // typically a few ms; slack for a loaded CI machine
    const failures = answers.filter((a) => a.codes.length > 0);
    // The only error a client sees is SERVICE_UNAVAILABLE: 503, Retry-After, GraphQL-shaped.
    for (const failure of failures) expect(failure).toMatchObject({ status: 503, codes: ['SERVICE_UNAVAILABLE'], retryAfter: '1' });
    expect(answers.length - failures.length).toBeGreaterThan(failures.length);
    expect(accepted.size).toBeGreaterThan(2);

    const states = await untilAllFinished(t.database, 60_000);
    for (const id of accepted) expect(states.map((s) => s.id)).toContain(id);
    for (const state of states) if (state.status === 'failed') expect(state.error_code).toBeTruthy();
    const succeeded = states.filter((s) => s.status === 'succeeded');
    expect(await versionsOf(t.database, fixture.projectId)).toEqual(succeeded.map((_, i) => i + 1));
    const health = (await (await fetch(t.server.url.replace('/graphql', '/healthz'))).json()) as { ok: boolean; database: { ok: boolean } };
    expect(health).toMatchObject({ ok: true, database: { ok: true } });
  });

  it('retries a search whose API process was killed with -9 mid-search, within its lease, after a restart that serves at once', async () => {
    const database = await createTestDatabase('kill9');
    servers.push({ close: () => database.drop() });
    const port = await freePort();
    const leaseSeconds = 4;
    const start = (): Promise<ChildProcess> => startApiProcess({ DATABASE_URL: database.url, PORT: String(port), SEARCH_LEASE_SECONDS: String(leaseSeconds), SEARCH_WORKERS: '1' });
    let child = await start();
    servers.push({ close: async () => void child.kill('SIGKILL') });
    const url = `http://127.0.0.1:${port}/graphql`;
    const anonymous = new Client(url);
    const org = await createOrganization(anonymous, 'kill9');
    const fixture = await searchFixture(org);
    const ids: string[] = [];
    for (let n = 0; n < 4; n++) {
      const answer = await post(url, org.owner.token, SUBMIT, { input: { ...searchInput(org, fixture, { k: 25, diversity: 2 }), idempotencyKey: `kill-${n}` } });
      ids.push(answer.id!);
    }
    // Kill the process while one of them is running (a search may finish between the look and
    // the kill: then start again and kill the next one).
    let orphaned: string[] = [];
    for (let tries = 0; orphaned.length === 0; tries++) {
      expect(tries).toBeLessThan(5);
      for (let deadline = Date.now() + 30_000; ; ) {
        if ((await searchStates(database)).some((s) => s.status === 'running')) break;
        expect(Date.now()).toBeLessThan(deadline);
        await sleep(5);
      }
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      orphaned = (await searchStates(database)).filter((s) => s.status === 'running').map((s) => s.id);
      if (orphaned.length === 0) child = await start();
    }
    expect(orphaned.length).toBe(1);

    const restarted = Date.now();
    child = await start();
    // Serves at once: the first request after it listens succeeds.
    const me = await post(url, org.owner.token, `{ me { id } }`, {});
    expect(me).toMatchObject({ status: 200, codes: [] });
    // Handed to the queue again within its lease and a quarter (the reaper's period), plus slack for
    // a loaded machine: far below a minute. (The one worker may still be busy with the others.)
    for (;;) {
      const orphan = (await searchStates(database)).find((s) => s.id === orphaned[0]);
      if (orphan && (orphan.status !== 'running' || orphan.attempts >= 2)) break;
      expect(Date.now() - restarted).toBeLessThan((leaseSeconds * 1.25 + 15) * 1000);
      await sleep(50);
    }
    const states = await untilAllFinished(database, 120_000);
    expect(states.map((s) => s.status)).toEqual(ids.map(() => 'succeeded'));
    expect(await versionsOf(database, fixture.projectId)).toEqual(ids.map((_, i) => i + 1));
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
});

describe('a queued search whose job was lost', () => {
  it('gets a job again from the reaper and finishes', async () => {
    const t = await startTestServer({ searchWorkers: 0 });
    servers.push(t);
    const org = await createOrganization(t.client, 'orphan');
    const fixture = await searchFixture(org);
    const submitted = await post(t.server.url, org.owner.token, SUBMIT, { input: searchInput(org, fixture, { k: 1 }) });
    const admin = new pg.Client({ connectionString: t.database.url });
    await admin.connect();
    try {
      // The job used its last retry while the database was away (or was removed by hand).
      await admin.query(`DELETE FROM pgboss.job WHERE data->>'searchRequestId' = $1`, [submitted.id]);
      await admin.query(`UPDATE search_requests SET created_at = now() - interval '1 hour' WHERE id = $1`, [submitted.id]);
    } finally {
      await admin.end();
    }
    const worker = await createServer({ databaseUrl: t.database.url, port: 0, host: '127.0.0.1', searchWorkers: 1, searchLeaseSeconds: 2, passwordScryptLogN: 14 });
    servers.push(worker);
    const states = await untilAllFinished(t.database, 30_000);
    expect(states).toMatchObject([{ id: submitted.id, status: 'succeeded' }]);
  });

  it('gets a job again when a worker fetched its job and died before starting it (kill -9 between the two)', async () => {
    const t = await startTestServer({ searchWorkers: 0 });
    servers.push(t);
    const org = await createOrganization(t.client, 'fetched');
    const fixture = await searchFixture(org);
    const submitted = await post(t.server.url, org.owner.token, SUBMIT, { input: searchInput(org, fixture, { k: 1 }) });
    const admin = new pg.Client({ connectionString: t.database.url });
    await admin.connect();
    try {
      // pg-boss holds the job active for its dead worker until it expires (15 min); the search is still queued.
      const fetched = await admin.query(`UPDATE pgboss.job SET state = 'active', started_on = now() - interval '1 hour' WHERE data->>'searchRequestId' = $1`, [submitted.id]);
      expect(fetched.rowCount).toBe(1);
      await admin.query(`UPDATE search_requests SET created_at = now() - interval '1 hour' WHERE id = $1`, [submitted.id]);
    } finally {
      await admin.end();
    }
    const worker = await createServer({ databaseUrl: t.database.url, port: 0, host: '127.0.0.1', searchWorkers: 1, searchLeaseSeconds: 2, passwordScryptLogN: 14 });
    servers.push(worker);
    const states = await untilAllFinished(t.database, 30_000);
    expect(states).toMatchObject([{ id: submitted.id, status: 'succeeded' }]);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The API as `npm start -w @actnas/api` runs it (from the sources), resolved once it listens. */
function startApiProcess(env: Record<string, string>): Promise<ChildProcess> {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=@actnas/source', '--import', 'tsx', main], {
    env: { ...process.env, HOST: '127.0.0.1', GRAPHQL_RESPONSE_CACHE: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('ActNAS API listening')) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the API exited with ${code}: ${output}`)));
  });
}
