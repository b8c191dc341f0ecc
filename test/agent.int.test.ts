import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CostTableDocument,
  CostTableLiveSetDocument,
  CostTablesDocument,
  CreateDeviceProfileDocument,
  CreateProfilingJobDocument,
  ProfilingJobDocument,
  RegisterBuiltinModelSpecDocument,
} from '../apps/api/client/generated.js';
import type { Metric } from '../apps/api/client/generated.js';
import { createApiToken, createOrganization, deviceProfileInput } from '../apps/api/test/support/fixtures.js';
import type { OrgFixture } from '../apps/api/test/support/fixtures.js';
import { startTestServer } from '../apps/api/test/support/server.js';
import type { TestServer } from '../apps/api/test/support/server.js';

// The agent runs as a user would run it: the built CLI in its own process, talking HTTP to a real
// API server on a fresh PostgreSQL database of this file.
const bin = fileURLToPath(new URL('../apps/cli/bin/actnas.js', import.meta.url));
const builtCli = new URL('../apps/cli/dist/main.js', import.meta.url);
const IMGSZ = 64;

let t: TestServer;
let workDir: string;

beforeAll(async () => {
  if (!existsSync(builtCli)) throw new Error('apps/cli/dist is missing: run `npm run build` first (`npm test` builds before vitest)');
  workDir = await mkdtemp(join(tmpdir(), 'actnas-agent-e2e-'));
  t = await startTestServer({ searchWorkers: 0 });
});
afterAll(async () => {
  await t?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

interface Setup {
  readonly org: OrgFixture;
  readonly profileId: string;
  readonly specId: string;
  readonly jobId: string;
  readonly token: string;
}

/** An organization with a small-input device profile, yolov5nu, an AGENT token and one queued job. */
async function setUp(name: string, metric: Metric, inputSize = IMGSZ): Promise<Setup> {
  const org = await createOrganization(t.client, name);
  const owner = org.owner.client;
  const input = deviceProfileInput(org.id, { name: `${name}-cpu`, inputSize, threads: 1 });
  const profileId = (await owner.data(CreateDeviceProfileDocument, { input })).createDeviceProfile.id;
  const specId = (await owner.data(RegisterBuiltinModelSpecDocument, { input: { organizationId: org.id, builtinName: 'yolov5nu' } })).registerBuiltinModelSpec.id;
  const token = await createApiToken(owner, org.id, ['AGENT']);
  const job = await owner.data(CreateProfilingJobDocument, { input: { organizationId: org.id, deviceProfileId: profileId, modelSpecId: specId, metrics: [metric] } });
  return { org, profileId, specId, jobId: job.createProfilingJob.id, token };
}

interface Agent {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Pids of the processes running the agent named `name` (the command and its relaunched child). */
function agentProcesses(name: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`--name\0${name}\0`);
    } catch {
      return false;
    }
  }).map(Number);
}

function startAgent(token: string, ...args: string[]): Agent {
  const child = spawn(process.execPath, [bin, 'agent', '--api', t.server.url, '--token', token, '--work-dir', workDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, output: () => stdout + stderr, exited };
}

async function jobOf(s: Setup) {
  return (await s.org.owner.client.data(ProfilingJobDocument, { slug: s.org.slug, id: s.jobId })).organization.profilingJob;
}

async function tablesOf(s: Setup, metric: Metric) {
  const { organization } = await s.org.owner.client.data(CostTablesDocument, { slug: s.org.slug, deviceProfileId: s.profileId, metric, first: 100 });
  return organization.costTables.nodes;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('actnas agent against the real API', () => {
  it('leases a memory job, measures it with the profiler and publishes the table with the agent in its provenance', async () => {
    const s = await setUp('agent-memory', 'MEMORY');
    const run = await startAgent(s.token, '--once', '--name', 'e2e-agent-1', '--lease-seconds', '30').exited;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/published memory v1/);

    const job = await jobOf(s);
    expect(job).toMatchObject({ status: 'SUCCEEDED', attempts: 1, progress: 1, costTables: [{ metric: 'MEMORY', version: 1 }], agent: { name: 'e2e-agent-1' } });
    expect(job.agent!.tokenPrefix).toBeTruthy();
    expect(s.token.startsWith(job.agent!.tokenPrefix!)).toBe(true);
    const { organization } = await s.org.owner.client.data(CostTableDocument, { slug: s.org.slug, id: job.costTables[0]!.id });
    const table = organization.costTable;
    expect(table.provenance.source).toBe('MEASURED');
    expect(table.provenance.producer).toContain('agent e2e-agent-1');
    expect(table.provenance.note).toContain(`actnas agent "e2e-agent-1" (profiling job ${s.jobId}, attempt 1)`);
    expect(table.provenance.note).toContain(`imgsz=${IMGSZ}`);
    expect(table.sites).toHaveLength(68);
    expect(table.cells).toHaveLength(68 * 5);
    expect(table.unit).toBe('KB');
    // With its per-step live sets, for peak-memory budgets.
    const rows = await s.org.owner.client.data(CostTableLiveSetDocument, { slug: s.org.slug, id: table.id });
    expect(rows.organization.costTable.liveSetSteps).toBeGreaterThan(69);
  });

  it('an agent killed mid-job: the lease expires, a second agent resumes it, attempts = 2 and one table is stored', async () => {
    // 448 px, not 64: the job must outlast the first progress report (a quarter lease, 2.5 s) with
    // room to spare on a faster machine; micro blocks at 64 px finish the whole table in a second,
    // and at 192 px in three.
    const s = await setUp('agent-killed', 'LATENCY', 448);
    const common = ['--once', '--lease-seconds', '10', '--max-pairs', '20', '--anchor-pairs', '8', '--threads', '1'];
    const first = startAgent(s.token, ...common, '--name', 'e2e-agent-a');
    // At least one progress report has reached the API (it also renewed the lease).
    await until('a progress report', async () => ((await jobOf(s)).progress > 0 ? true : undefined), 30_000);
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    expect(killed.signal, killed.stdout + killed.stderr).toBe('SIGKILL');
    // The agent measures in a relaunched child (malloc tunables): it must end with the command.
    await until('the killed agent\'s measuring child to end', async () => (agentProcesses('e2e-agent-a').length === 0 ? true : undefined), 5_000);
    const abandoned = await jobOf(s);
    expect(abandoned).toMatchObject({ status: 'LEASED', attempts: 1, agent: { name: 'e2e-agent-a' } });
    expect(abandoned.progress).toBeLessThan(1);

    // Nothing gives the job back: only the lease running out returns it to the queue.
    const expiresAt = Date.parse(abandoned.leaseExpiresAt!);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 250));
    const second = await startAgent(s.token, ...common, '--name', 'e2e-agent-b').exited;
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/latency: 340 cells, \d+ resumed from the checkpoint/);
    expect(second.stdout).toMatch(/published latency v1/);

    const job = await jobOf(s);
    expect(job).toMatchObject({ status: 'SUCCEEDED', attempts: 2, costTables: [{ metric: 'LATENCY', version: 1 }], agent: { name: 'e2e-agent-b' } });
    const tables = await tablesOf(s, 'LATENCY');
    expect(tables).toHaveLength(1);
    expect(tables[0]!.provenance.note).toContain('actnas agent "e2e-agent-b"');
    expect(tables[0]!.provenance.note).toContain('attempt 2');
    expect(tables[0]!.provenance.confidence).toBe(0.95);
  });

  it('SIGTERM mid-job: the agent gives the job back and exits 0 at once', async () => {
    const s = await setUp('agent-stopped', 'LATENCY');
    const agent = startAgent(s.token, '--lease-seconds', '60', '--max-pairs', '20', '--threads', '1', '--name', 'e2e-agent-c', '--poll-interval', '1');
    await until('measuring to start', async () => (/latency: 340 cells/.test(agent.output()) ? true : undefined), 30_000);
    const signalled = Date.now();
    agent.child.kill('SIGTERM');
    const run = await agent.exited;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(run.stdout).toMatch(/back in the queue/);
    expect(await jobOf(s)).toMatchObject({ status: 'QUEUED', attempts: 1, errorMessage: expect.stringContaining('"e2e-agent-c" stopped (SIGTERM)') });
  });

  it("SIGTERM to every process of the agent at once (systemd's stop of a unit): still gives the job back and exits 0", async () => {
    const s = await setUp('agent-stopped-all', 'LATENCY');
    const agent = startAgent(s.token, '--lease-seconds', '60', '--max-pairs', '20', '--threads', '1', '--name', 'e2e-agent-d', '--poll-interval', '1');
    await until('measuring to start', async () => (/latency: 340 cells/.test(agent.output()) ? true : undefined), 30_000);
    const pids = agentProcesses('e2e-agent-d');
    // The command and its relaunched child: the child gets the signal directly and forwarded.
    // Child first, and the command's forwarded copy after the child has handled its own (signals
    // arriving together would merge into one and test nothing).
    expect(pids.length).toBeGreaterThanOrEqual(2);
    for (const pid of pids.filter((p) => p !== agent.child.pid)) process.kill(pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 20));
    agent.child.kill('SIGTERM');
    const run = await agent.exited;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/back in the queue/);
    expect(await jobOf(s)).toMatchObject({ status: 'QUEUED', attempts: 1, errorMessage: expect.stringContaining('"e2e-agent-d" stopped (SIGTERM)') });
  });

  it('a bad token or one without the AGENT scope: exit 2 with a one-line message', async () => {
    const bad = await startAgent('actnas_not-a-real-token', '--once').exited;
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^actnas: UNAUTHENTICATED from http:\/\/127\.0\.0\.1:\d+\/graphql: .+\n$/);

    const org = await createOrganization(t.client, 'agent-scope');
    const reader = await createApiToken(org.owner.client, org.id, ['READ']);
    const forbidden = await startAgent(reader, '--once').exited;
    expect(forbidden.code).toBe(2);
    expect(forbidden.stderr).toMatch(/^actnas: FORBIDDEN from .+AGENT scope\)\n$/);
  });
});
