import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { YOLOV5U_YAML } from '@actnas/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateDeviceProfileDocument,
  ProjectProposalsDocument,
  ProposalMeasurementsDocument,
  SearchVerificationDocument,
  VerifiedProposalsDocument,
  PublishCostTableDocument,
  RegisterBuiltinModelSpecDocument,
  SubmitSearchDocument,
  UploadModelSpecDocument,
  VerificationJobDocument,
  VerifyProposalSetDocument,
} from '../apps/api/client/generated.js';
import type { Metric } from '../apps/api/client/generated.js';
import { exampleTable } from '../apps/api/test/support/examples.js';
import { createApiToken, createOrganization, createProject, deviceProfileInput } from '../apps/api/test/support/fixtures.js';
import type { OrgFixture } from '../apps/api/test/support/fixtures.js';
import { waitForSearch } from '../apps/api/test/support/search-fixture.js';
import { startTestServer } from '../apps/api/test/support/server.js';
import type { TestServer } from '../apps/api/test/support/server.js';

// Verification end to end: a proposal set searched on the API, verifyProposalSet, and the built
// `actnas agent` in its own process measuring the proposals whole, against a real API on a fresh
// PostgreSQL database. 64 px and 1 thread keep whole-model latency pairs to milliseconds.
const bin = fileURLToPath(new URL('../apps/cli/bin/actnas.js', import.meta.url));
const IMGSZ = 64;

let t: TestServer;
let workDir: string;

beforeAll(async () => {
  if (!existsSync(new URL('../apps/cli/dist/main.js', import.meta.url))) throw new Error('apps/cli/dist is missing: run `npm run build` first');
  workDir = await mkdtemp(join(tmpdir(), 'actnas-verify-agent-'));
  t = await startTestServer({ searchWorkers: 1 });
});
afterAll(async () => {
  await t?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

interface Setup {
  readonly org: OrgFixture;
  readonly deviceProfileId: string;
  readonly projectId: string;
  readonly setId: string;
  readonly token: string;
}

/** A 64 px device with the example tables of `metrics` for the model spec, a search over them and an AGENT token. */
async function searched(name: string, modelSpec: (org: OrgFixture) => Promise<string>, metrics: readonly Metric[]): Promise<Setup> {
  const org = await createOrganization(t.client, name);
  const owner = org.owner.client;
  const deviceProfileId = (await owner.data(CreateDeviceProfileDocument, { input: deviceProfileInput(org.id, { name: `${name}-cpu`, inputSize: IMGSZ, threads: 1 }) })).createDeviceProfile.id;
  const modelSpecId = await modelSpec(org);
  const costTableIds: string[] = [];
  for (const metric of metrics) {
    const content = await exampleTable(metric.toLowerCase() as 'latency');
    // An NWOT table says how it was scored; the agent scores whole models the same way (2 seeds, batch 8, 32 px).
    const note = metric === 'ACCURACY' ? { note: 'nwot batch=8 seeds=0/1; imgsz=32' } : {};
    const input = { organizationId: org.id, deviceProfileId, modelSpecId, metric, format: 'CSV' as const, content, provenance: { source: 'SYNTHETIC' as const, ...note } };
    costTableIds.push((await owner.data(PublishCostTableDocument, { input })).publishCostTable.id);
  }
  const projectId = await createProject(owner, org.id, 'detector');
  const budgets = metrics.includes('ACCURACY') ? [{ metric: { metric: 'ACCURACY' as const }, bound: 'MIN' as const, value: -0.005, of: 'DELTA' as const }] : [];
  const input = { organizationId: org.id, projectId, modelSpecId, costTableIds, objective: { sense: 'MIN' as const, metric: { metric: 'LATENCY' as const } }, budgets, k: 3 };
  const search = await waitForSearch(org, (await owner.data(SubmitSearchDocument, { input })).submitSearch.id);
  expect(search).toMatchObject({ status: 'SUCCEEDED', proposalSet: { version: 1 } });
  return { org, deviceProfileId, projectId, setId: search.proposalSet!.id, token: await createApiToken(owner, org.id, ['AGENT']) };
}

const builtin = async (org: OrgFixture): Promise<string> =>
  (await org.owner.client.data(RegisterBuiltinModelSpecDocument, { input: { organizationId: org.id, builtinName: 'yolov5nu' } })).registerBuiltinModelSpec.id;

function runAgent(token: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, 'agent', '--api', t.server.url, '--token', token, '--work-dir', workDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function verify(s: Setup, ranks: number[]): Promise<string> {
  const input = { organizationId: s.org.id, proposalSetId: s.setId, deviceProfileId: s.deviceProfileId, ranks };
  return (await s.org.owner.client.data(VerifyProposalSetDocument, { input })).verifyProposalSet.id;
}

const jobOf = async (s: Setup, id: string) => (await s.org.owner.client.data(VerificationJobDocument, { slug: s.org.slug, id })).organization.verificationJob;

async function versionOne(s: Setup) {
  return (await s.org.owner.client.data(ProposalMeasurementsDocument, { slug: s.org.slug, projectId: s.projectId, version: 1 })).organization.project.proposalSet;
}

/** An agent running until stopped (SIGTERM), polling every second, as a device would run it. */
function startAgent(token: string, ...args: string[]): { stop: () => Promise<{ code: number | null; stdout: string }> } {
  const child = spawn(process.execPath, [bin, 'agent', '--api', t.server.url, '--token', token, '--work-dir', workDir, '--poll-interval', '1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    stop: async () => {
      child.kill('SIGTERM');
      return { code: await closed, stdout };
    },
  };
}

describe('actnas agent verifies proposals on the device', () => {
  it('measures ranks 1-2 whole (latency, memory, NWOT) and the measurements attach to the proposals; the set keeps its version', async () => {
    const s = await searched('verify-agent', builtin, ['LATENCY', 'MEMORY', 'ACCURACY']);
    const before = await versionOne(s);
    const jobId = await verify(s, [1, 2]);
    // Both kinds by default: no profiling job is queued, so it takes the verification job.
    const run = await runAgent(s.token, '--once', '--name', 'verify-e2e', '--lease-seconds', '60');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`job ${jobId}: leased (verification: latency+memory+accuracy of ranks 1,2 of yolov5nu (proposal set v1) on "verify-agent-cpu" at ${IMGSZ} px, attempt 1/3)`);
    expect(run.stdout).toContain(`job ${jobId}: stored 6 measurements of proposal set v1`);

    const job = await jobOf(s, jobId);
    expect(job).toMatchObject({ status: 'SUCCEEDED', attempts: 1, progress: 1, errorMessage: null, agent: { name: 'verify-e2e' } });
    expect(job.measurements.map((m) => `${m.rank}/${m.metric}`).sort()).toEqual(['1/ACCURACY', '1/LATENCY', '1/MEMORY', '2/ACCURACY', '2/LATENCY', '2/MEMORY']);

    const after = await versionOne(s);
    for (const proposal of after.proposals.filter((p) => p.rank <= 2)) {
      const predicted = Object.fromEntries(proposal.totals.map((x) => [x.metric, x.delta]));
      expect(proposal.measurements).toHaveLength(3);
      for (const m of proposal.measurements) {
        expect(m).toMatchObject({ deviceProfileId: s.deviceProfileId, host: hostname(), verificationJobId: jobId, predicted: predicted[m.metric] });
        expect(m.ciLow!).toBeLessThanOrEqual(m.measured);
        expect(m.ciHigh!).toBeGreaterThanOrEqual(m.measured);
        expect(Number.isFinite(m.measuredTotal)).toBe(true);
      }
      const byMetric = Object.fromEntries(proposal.measurements.map((m) => [m.metric, m]));
      // The planner is exact; the paired protocol runs at least its minimum of 10 pairs; the accuracy table's two NWOT seeds.
      expect(byMetric['MEMORY']).toMatchObject({ runs: 1, ciLow: byMetric['MEMORY']!.measured, ciHigh: byMetric['MEMORY']!.measured });
      expect(byMetric['LATENCY']!.runs).toBeGreaterThanOrEqual(10);
      expect(byMetric['ACCURACY']!.runs).toBe(2);
      // Totals on the table's reference: the search's reference + the measured delta.
      const reference = Object.fromEntries(proposal.totals.map((x) => [x.metric, x.total - x.delta]));
      expect(byMetric['LATENCY']!.measuredTotal).toBeCloseTo(reference['LATENCY']! + byMetric['LATENCY']!.measured, 6);
    }
    expect(after.proposals.filter((p) => p.rank > 2).every((p) => p.measurements.length === 0)).toBe(true);
    // A verification never changes the set: same version, same proposals, no new version in the project.
    expect(after.proposals.map((p) => ({ rank: p.rank, changes: p.changes, totals: p.totals }))).toEqual(before.proposals.map((p) => ({ rank: p.rank, changes: p.changes, totals: p.totals })));
    const { organization } = await s.org.owner.client.data(ProjectProposalsDocument, { slug: s.org.slug, projectId: s.projectId, first: 10 });
    expect(organization.project.proposalSets.nodes.map((n) => n.version)).toEqual([1]);
  });

  it('an uploaded spec is downloaded and verified; a file damaged in storage fails the hash check, is given back with the reason and counts an attempt; --once exits 1', async () => {
    const uploaded = async (org: OrgFixture): Promise<string> =>
      (await org.owner.client.data(UploadModelSpecDocument, { input: { organizationId: org.id, name: 'yolov5u-yaml', format: 'YAML', content: YOLOV5U_YAML } })).uploadModelSpec.id;
    const s = await searched('verify-uploaded', uploaded, ['LATENCY']);
    const sha = createHash('sha256').update(YOLOV5U_YAML).digest('hex');
    const stored = await t.server.dataSource.query<{ content: Buffer }[]>('SELECT content FROM model_blobs WHERE sha256 = $1', [sha]);
    await t.server.dataSource.query(`UPDATE model_blobs SET content = overlay(content placing '\\x00'::bytea from 10 for 1) WHERE sha256 = $1`, [sha]);
    const jobId = await verify(s, [1]);
    const damaged = await runAgent(s.token, '--once', '--jobs', 'verification', '--name', 'verify-e2e-2');
    expect(damaged.code, damaged.stdout + damaged.stderr).toBe(1);
    expect(damaged.stdout).toMatch(/model spec "yolov5u-yaml": the downloaded file's sha256 [0-9a-f]{64} does not match the spec's [0-9a-f]{64} — back in the queue/);
    expect(await jobOf(s, jobId)).toMatchObject({ status: 'QUEUED', attempts: 1, measurements: [], errorMessage: expect.stringContaining('does not match the spec') });
    expect((await versionOne(s)).proposals.every((p) => p.measurements.length === 0)).toBe(true);

    // Storage repaired: the next attempt downloads the YAML, builds it at the device's size and verifies it.
    await t.server.dataSource.query('UPDATE model_blobs SET content = $2 WHERE sha256 = $1', [sha, stored[0]!.content]);
    const run = await runAgent(s.token, '--once', '--jobs', 'verification', '--name', 'verify-e2e-2');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await jobOf(s, jobId)).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    const [rank1] = (await versionOne(s)).proposals.filter((p) => p.rank === 1);
    expect(rank1!.measurements.map((m) => m.metric)).toEqual(['LATENCY']);

    // --once with nothing of its kinds queued exits 0 at once; --jobs profiling leaves a verification job alone.
    const queued = await verify(s, [2]);
    const idle = await runAgent(s.token, '--once', '--jobs', 'profiling');
    expect(idle.code, idle.stdout + idle.stderr).toBe(0);
    expect(idle.stdout).toMatch(/no queued profiling job\n$/);
    expect(await jobOf(s, queued)).toMatchObject({ status: 'QUEUED', attempts: 0 });
    const bad = await runAgent(s.token, '--once', '--jobs', 'verify');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('actnas: --jobs must be profiling, verification or both (comma-separated), got "verify"\n');
  });
  it('a search that verifies in rounds: the agent measures each round, a budget broken as measured is tightened, one version when the loop ends', async () => {
    // Memory only: the planner is exact, so what the agent measures (at 64 px, against tables of the
    // model at 640 px) is known to miss the sums: the reference model's footprint barely moves.
    const org = await createOrganization(t.client, 'verify-rounds');
    const owner = org.owner.client;
    const deviceProfileId = (await owner.data(CreateDeviceProfileDocument, { input: deviceProfileInput(org.id, { name: 'rounds-cpu', inputSize: IMGSZ, threads: 1 }) })).createDeviceProfile.id;
    const modelSpecId = await builtin(org);
    const content = await exampleTable('memory');
    const input = { organizationId: org.id, deviceProfileId, modelSpecId, metric: 'MEMORY' as const, format: 'CSV' as const, content, provenance: { source: 'SYNTHETIC' as const } };
    const tableId = (await owner.data(PublishCostTableDocument, { input })).publishCostTable.id;
    const projectId = await createProject(owner, org.id, 'rounds');
    const objective = { sense: 'MIN' as const, metric: { metric: 'MEMORY' as const } };
    // Where the budget bites: half way between the reference and the smallest predicted footprint.
    const scratch = await createProject(owner, org.id, 'scratch');
    const plain = await owner.data(SubmitSearchDocument, { input: { organizationId: org.id, projectId: scratch, modelSpecId, costTableIds: [tableId], objective, budgets: [], k: 1 } });
    expect(await waitForSearch(org, plain.submitSearch.id)).toMatchObject({ status: 'SUCCEEDED' });
    const smallest = (await owner.data(VerifiedProposalsDocument, { slug: org.slug, projectId: scratch, version: 1 })).organization.project.proposalSet.proposals[0]!.totals.find((x) => x.metric === 'MEMORY')!;
    const limit = Math.round(smallest.reference + smallest.delta / 2);
    const budgets = [{ metric: { metric: 'MEMORY' as const }, bound: 'MAX' as const, value: limit, of: 'TOTAL' as const }];
    const submitted = await owner.data(SubmitSearchDocument, { input: { organizationId: org.id, projectId, modelSpecId, costTableIds: [tableId], objective, budgets, k: 2, verify: { rounds: 2 } } });
    const id = submitted.submitSearch.id;
    const token = await createApiToken(owner, org.id, ['AGENT']);
    const agent = startAgent(token, '--jobs', 'verification', '--name', 'rounds-agent');
    let search;
    try {
      const deadline = Date.now() + 150_000;
      for (;;) {
        search = (await owner.data(SearchVerificationDocument, { slug: org.slug, id })).organization.searchRequest;
        if (search.status === 'SUCCEEDED' || search.status === 'FAILED') break;
        // Until the loop ends the project has no version.
        expect((await owner.data(ProjectProposalsDocument, { slug: org.slug, projectId, first: 10 })).organization.project.proposalSets.nodes).toEqual([]);
        if (Date.now() > deadline) throw new Error(`search still ${search.status} (round ${search.verification?.round})`);
        await sleep(250);
      }
    } finally {
      const { code, stdout } = await agent.stop();
      expect(code, stdout).toBe(0);
    }
    expect(search.status, JSON.stringify(search.error)).toBe('SUCCEEDED');
    const v = search.verification!;
    expect(v).toMatchObject({ rounds: 2, deviceProfileId, met: false });
    // Round 1 breaks the budget as measured and tightens it by the measured residual; round 2 runs under the tighter budget.
    expect(v.history[0]!.tightened).toHaveLength(1);
    expect(v.history[0]!.tightened[0]!.residual).toBeGreaterThan(0);
    expect(v.missed.map((m) => m.budget)).toHaveLength(1);
    expect(v.missed[0]!.excess).toBeGreaterThan(0);
    expect(v.jobs.every((j) => j.status === 'SUCCEEDED')).toBe(true);
    expect(search.proposalSet).toMatchObject({ version: 1, draft: false });
    const { organization } = await owner.data(VerifiedProposalsDocument, { slug: org.slug, projectId, version: 1 });
    expect(organization.project.proposalSets.nodes.map((n) => n.version)).toEqual([1]);
    for (const p of organization.project.proposalSet.proposals) {
      expect(p.measuredFeasible).toBe(false);
      expect(p.measurements.map((m) => m.metric)).toEqual(['MEMORY']);
    }
  });
});
