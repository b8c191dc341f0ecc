import { mkdtempSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildGraph, builtinModelSpec, fullActivationRegistry } from '@actnas/core';
import { PROFILE_DEFAULTS, createRuntime, profileJob } from '@actnas/devices';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError, GraphQLClient } from '../src/graphql/graphql.client.js';
import type { GraphQLFetch } from '../src/graphql/graphql.client.js';
import { startHeartbeat } from '../src/agent/agent.heartbeat.js';
import { runAgent } from '../src/agent/agent.loop.js';
import type { AgentLoopOptions } from '../src/agent/agent.loop.js';
import type { AgentSettings, MeasureHooks } from '../src/agent/agent.profiler.js';
import { AgentJobError, agentProfileJob, deviceFusion, withAgent } from '../src/agent/agent.profiler.js';
import { verifyJob } from '../src/agent/agent.verifier.js';
import type { AgentJobFragment, AgentVerificationJobFragment, ProfilingTableInput, ProposalMeasurementInput } from '../src/graphql/generated.js';
import { CliUsageError } from '../src/shared/cli-error.js';
import { agentJob, builtinSpec } from './support/agent-job.js';

const ORG = '00000000-0000-4000-8000-000000000001';
const JOB = agentJob('00000000-0000-4000-8000-0000000000a1', ['MEMORY'], builtinSpec('yolov5nu'));
const TABLE: ProfilingTableInput = { metric: 'MEMORY', format: 'JSON', content: '{}' };

type Answer = { data: unknown } | { errors: { message: string; extensions: { code: string } }[] };
const error = (code: string, message = code): Answer => ({ errors: [{ message, extensions: { code } }] });

/** A scripted API: one answer (or a function of the variables) per operation name; records calls. */
function fakeApi(answers: Record<string, Answer | ((variables: { input?: Record<string, unknown> }) => Answer)>) {
  const calls: { operation: string; input: Record<string, unknown> | undefined }[] = [];
  const fetch: GraphQLFetch = async (_url, init) => {
    const body = JSON.parse(init.body) as { query: string; variables: { input?: Record<string, unknown> } };
    const operation = /(?:query|mutation) (\w+)/.exec(body.query)![1]!;
    calls.push({ operation, input: body.variables.input });
    const answer = answers[operation];
    if (!answer) throw new Error(`unexpected ${operation}`);
    return new Response(JSON.stringify(typeof answer === 'function' ? answer(body.variables) : answer), { headers: { 'content-type': 'application/json' } });
  };
  return { fetch, calls, ops: () => calls.map((c) => c.operation) };
}

const standard = {
  AgentOrganizations: { data: { organizations: { nodes: [{ id: ORG, slug: 'acme', name: 'Acme' }] } } },
  AgentLease: { data: { leaseProfilingJob: { leaseId: 'lease-1', expiresAt: '2026-01-01T00:00:00Z', job: JOB } } },
  AgentReportProgress: { data: { reportProfilingProgress: { id: JOB.id, progress: 0.5, leaseExpiresAt: null } } },
  AgentComplete: { data: { completeProfilingJob: { id: JOB.id, status: 'SUCCEEDED', costTables: [{ id: 't1', metric: 'MEMORY', version: 1 }] } } },
  AgentFail: { data: { failProfilingJob: { id: JOB.id, status: 'QUEUED', attempts: 1, maxAttempts: 3 } } },
};

const settings: AgentSettings = {
  name: 'unit-agent',
  runtime: 'ort',
  mode: 'micro',
  maxPairs: 10,
  maxCellSeconds: 8,
  anchorPairs: 0,
  candidates: [],
  workDir: mkdtempSync(join(tmpdir(), 'actnas-agent-unit-')),
};
afterAll(() => rmSync(settings.workDir, { recursive: true, force: true }));

function options(api: ReturnType<typeof fakeApi>, measure: AgentLoopOptions['measure'], extra: Partial<AgentLoopOptions> = {}) {
  const lines: string[] = [];
  const o: AgentLoopOptions = {
    client: new GraphQLClient({ url: 'http://api.test/graphql', token: 't', fetch: api.fetch }),
    settings,
    leaseSeconds: 10,
    heartbeatMs: 20,
    pollSeconds: 1,
    once: true,
    signal: new AbortController().signal,
    log: (line) => lines.push(line),
    jobs: ['profiling'],
    measure,
    ...extra,
  };
  return { o, lines };
}

/** A measurement that runs cells (checking onCell) until told to stop or `cells` are done. */
const cellsThen =
  (cells: number, result: () => ProfilingTableInput[]) =>
  async (_job: AgentJobFragment, _s: AgentSettings, hooks: MeasureHooks): Promise<ProfilingTableInput[]> => {
    for (let i = 0; i < cells; i++) {
      await sleep(5);
      hooks.onProgress((i + 1) / cells);
      hooks.onCell();
    }
    return result();
  };

describe('agent loop', () => {
  it('publishes what it measured, reporting progress with the lease id meanwhile', async () => {
    const api = fakeApi(standard);
    const { o, lines } = options(api, cellsThen(20, () => [TABLE]));
    expect(await runAgent(o)).toBe(0);
    expect(api.ops()[0]).toBe('AgentOrganizations');
    expect(api.ops()).toContain('AgentReportProgress');
    expect(api.ops().at(-1)).toBe('AgentComplete');
    const report = api.calls.find((c) => c.operation === 'AgentReportProgress')!.input!;
    expect(report).toMatchObject({ organizationId: ORG, jobId: JOB.id, leaseId: 'lease-1', leaseSeconds: 10 });
    expect(api.calls.at(-1)!.input).toMatchObject({ leaseId: 'lease-1', tables: [TABLE] });
    expect(lines.join('\n')).toContain('published memory v1 (t1)');
  });

  it('stops measuring and stores nothing when a progress report says the lease is lost', async () => {
    const api = fakeApi({ ...standard, AgentReportProgress: error('CONFLICT', 'This lease is no longer held') });
    let cellsAfterLoss = 0;
    const measure = async (_job: AgentJobFragment, _s: AgentSettings, hooks: MeasureHooks): Promise<ProfilingTableInput[]> => {
      for (;;) {
        await sleep(5);
        hooks.onCell();
        cellsAfterLoss++;
      }
    };
    const { o, lines } = options(api, measure);
    expect(await runAgent(o)).toBe(1);
    const settled = cellsAfterLoss;
    await sleep(30);
    expect(cellsAfterLoss).toBe(settled);
    expect(api.ops()).not.toContain('AgentComplete');
    expect(api.ops()).not.toContain('AgentFail');
    expect(lines.join('\n')).toContain('lease lost');
  });

  it('gives the job back with the error message when measuring fails', async () => {
    const api = fakeApi(standard);
    const { o } = options(api, async () => {
      throw new AgentJobError('model spec "x" is an uploaded YAML; this agent profiles built-in model specs only');
    });
    expect(await runAgent(o)).toBe(1);
    expect(api.calls.at(-1)).toMatchObject({ operation: 'AgentFail', input: { leaseId: 'lease-1', message: expect.stringContaining('built-in model specs only') } });
  });

  it('on SIGTERM gives the job back at once, even while a cell is still running', async () => {
    const api = fakeApi(standard);
    const controller = new AbortController();
    const { o } = options(api, () => new Promise<never>(() => undefined), { signal: controller.signal });
    const running = runAgent(o);
    await sleep(30);
    controller.abort('SIGTERM');
    expect(await running).toBe(0);
    expect(api.calls.at(-1)).toMatchObject({ operation: 'AgentFail', input: { message: expect.stringContaining('stopped (SIGTERM)') } });
  });

  it('with --once and an empty queue exits 0 without waiting', async () => {
    const api = fakeApi({ ...standard, AgentLease: { data: { leaseProfilingJob: null } } });
    const { o, lines } = options(api, cellsThen(1, () => [TABLE]));
    expect(await runAgent(o)).toBe(0);
    expect(lines.at(-1)).toBe('no queued profiling job');
  });

  it('keeps polling an empty queue until stopped', async () => {
    const api = fakeApi({ ...standard, AgentLease: { data: { leaseProfilingJob: null } } });
    const controller = new AbortController();
    const { o } = options(api, cellsThen(1, () => [TABLE]), { once: false, signal: controller.signal });
    const running = runAgent(o);
    await sleep(50);
    controller.abort('SIGINT');
    expect(await running).toBe(0);
    expect(api.ops().filter((op) => op === 'AgentLease')).toHaveLength(1);
  });

  it('surfaces UNAUTHENTICATED as an API error, and asks for --org when the token sees several organizations', async () => {
    const denied = fakeApi({ AgentOrganizations: error('UNAUTHENTICATED', 'The bearer token is invalid, revoked or expired') });
    await expect(runAgent(options(denied, undefined).o)).rejects.toEqual(new ApiError('UNAUTHENTICATED', 'The bearer token is invalid, revoked or expired', { code: 'UNAUTHENTICATED' }));

    const two = { data: { organizations: { nodes: [{ id: ORG, slug: 'a', name: 'A' }, { id: 'o2', slug: 'b', name: 'B' }] } } };
    await expect(runAgent(options(fakeApi({ AgentOrganizations: two }), undefined).o)).rejects.toThrow(CliUsageError);
    const chosen = fakeApi({ ...standard, AgentOrganizations: two, AgentLease: { data: { leaseProfilingJob: null } } });
    expect(await runAgent(options(chosen, undefined, { organization: 'b' }).o)).toBe(0);
    expect(chosen.calls[1]!.input).toMatchObject({ organizationId: 'o2' });
  });

  it('says what answered when the URL is not a GraphQL endpoint', async () => {
    const fetch: GraphQLFetch = async () => new Response('<html>Not found</html>', { status: 404 });
    const client = new GraphQLClient({ url: 'http://api.test/', token: 't', fetch });
    await expect(runAgent(options(fakeApi({}), undefined, { client }).o)).rejects.toThrow('http://api.test/ is not a GraphQL endpoint (HTTP 404)');
  });
});

const VJOB: AgentVerificationJobFragment = {
  id: '00000000-0000-4000-8000-0000000000b1',
  ranks: [1, 2],
  metrics: ['MEMORY'],
  attempts: 1,
  maxAttempts: 3,
  modelSpec: JOB.modelSpec,
  deviceProfile: JOB.deviceProfile,
  proposalSet: { id: 'set', version: 4, draft: false, searchRequest: { costTables: [] }, proposals: [] },
};
const MEASURED: ProposalMeasurementInput[] = [
  { rank: 1, metric: 'MEMORY', measured: -10, measuredTotal: 90, ciLow: -10, ciHigh: -10, runs: 1, host: 'h' },
  { rank: 2, metric: 'MEMORY', measured: 0, measuredTotal: 100, ciLow: 0, ciHigh: 0, runs: 1, host: 'h' },
];
const verification = {
  ...standard,
  AgentLease: { data: { leaseProfilingJob: null } },
  AgentLeaseVerification: { data: { leaseVerificationJob: { leaseId: 'lease-v', expiresAt: '2026-01-01T00:00:00Z', job: VJOB } } },
  AgentReportVerificationProgress: { data: { reportVerificationProgress: { id: VJOB.id, progress: 0.5, leaseExpiresAt: null } } },
  AgentCompleteVerification: { data: { completeVerificationJob: { id: VJOB.id, status: 'SUCCEEDED', measurements: MEASURED.map((m, i) => ({ id: `m${i}`, rank: m.rank, metric: m.metric })) } } },
  AgentFailVerification: { data: { failVerificationJob: { id: VJOB.id, status: 'QUEUED', attempts: 1, maxAttempts: 3 } } },
};

describe('agent loop with verification jobs', () => {
  it('by default asks both queues: an empty profiling queue, then a verification job measured and completed under its own lease', async () => {
    const api = fakeApi(verification);
    const verify = async (_job: AgentVerificationJobFragment, _s: AgentSettings, hooks: MeasureHooks): Promise<ProposalMeasurementInput[]> => {
      await cellsThen(10, () => [])(JOB, settings, hooks);
      return MEASURED;
    };
    const { o, lines } = options(api, undefined, { jobs: undefined, verify });
    expect(await runAgent(o)).toBe(0);
    expect(api.ops().slice(0, 3)).toEqual(['AgentOrganizations', 'AgentLease', 'AgentLeaseVerification']);
    expect(api.calls.find((c) => c.operation === 'AgentReportVerificationProgress')!.input).toMatchObject({ jobId: VJOB.id, leaseId: 'lease-v', leaseSeconds: 10 });
    expect(api.calls.at(-1)).toMatchObject({ operation: 'AgentCompleteVerification', input: { organizationId: ORG, jobId: VJOB.id, leaseId: 'lease-v', measurements: MEASURED } });
    expect(lines.join('\n')).toContain('leased (verification: memory of ranks 1,2 of yolov5nu (proposal set v4) on "cpu" at 64 px, attempt 1/3)');
    expect(lines.join('\n')).toContain('stored 2 measurements of proposal set v4');
  });

  it('gives a verification job it cannot do back with the reason (one line)', async () => {
    const api = fakeApi(verification);
    const { o, lines } = options(api, undefined, { jobs: ['verification'] });
    const uploaded = { ...VJOB, modelSpec: { id: 'spec', name: 'mine', kind: 'ONNX' as const, builtinName: null } };
    const { o: withUpload } = options(fakeApi({ ...verification, AgentLeaseVerification: { data: { leaseVerificationJob: { leaseId: 'lease-v', expiresAt: '2026-01-01T00:00:00Z', job: uploaded } } } }), undefined, { jobs: ['verification'] });
    expect(await runAgent({ ...o, verify: async () => Promise.reject(new AgentJobError('proposal set v4 has no proposal of rank 2')) })).toBe(1);
    expect(api.ops()).not.toContain('AgentLease');
    expect(api.calls.at(-1)).toMatchObject({ operation: 'AgentFailVerification', input: { leaseId: 'lease-v', message: 'proposal set v4 has no proposal of rank 2' } });
    expect(lines.at(-1)).toBe(`job ${VJOB.id}: proposal set v4 has no proposal of rank 2 — back in the queue`);
    const calls: string[] = [];
    const failed = { ...withUpload, log: (line: string) => calls.push(line) };
    expect(await runAgent(failed)).toBe(1);
    expect(calls.at(-1)).toContain('model spec "mine" is an uploaded ONNX; this agent has no API to download it from');
  });

  it('with --once and both queues empty exits 0 naming both', async () => {
    const api = fakeApi({ ...verification, AgentLeaseVerification: { data: { leaseVerificationJob: null } } });
    const { o, lines } = options(api, undefined, { jobs: undefined });
    expect(await runAgent(o)).toBe(0);
    expect(lines.at(-1)).toBe('no queued profiling or verification job');
  });

  it('measures a memory verification job with the planner on the whole model: one measurement per rank, the total on the set\'s reference', async () => {
    const spec = builtinModelSpec('yolov5nu');
    const sites = buildGraph(spec, { imgsz: 64, nc: spec.nc }).sites.map((s) => s.name);
    const totals = [{ metric: 'MEMORY' as const, deviceProfileId: JOB.deviceProfile.id, reference: 1000, delta: -5 }];
    const job: AgentVerificationJobFragment = {
      ...VJOB,
      proposalSet: {
        id: 'set',
        version: 4,
        draft: false,
        searchRequest: { costTables: [] },
        proposals: [
          { rank: 1, activations: sites.map((site) => ({ site, activation: 'relu' })), totals },
          { rank: 2, activations: sites.map((site) => ({ site, activation: spec.activation.id })), totals },
        ],
      },
    };
    const progress: number[] = [];
    const measured = await verifyJob(job, settings, { onProgress: (f) => progress.push(f), onCell: () => undefined });
    expect(measured.map((m) => [m.rank, m.metric, m.runs, m.host])).toEqual([[1, 'MEMORY', 1, hostname()], [2, 'MEMORY', 1, hostname()]]);
    const [relu, reference] = measured;
    expect(reference).toMatchObject({ measured: 0, measuredTotal: 1000, ciLow: 0, ciHigh: 0 });
    expect(relu!.measured).not.toBe(0);
    expect(relu).toMatchObject({ measuredTotal: 1000 + relu!.measured, ciLow: relu!.measured, ciHigh: relu!.measured });
    expect(progress.at(-1)).toBe(1);
    await expect(verifyJob({ ...job, ranks: [3] }, settings, { onProgress: () => undefined, onCell: () => undefined })).rejects.toThrow(new AgentJobError('proposal set v4 has no proposal of rank 3'));
  });
});

describe('agent heartbeat', () => {
  it('gives the lease up when no report has got through for a whole lease', async () => {
    const errors: string[] = [];
    const lost = new Promise<string>((resolve) => {
      startHeartbeat({
        intervalMs: 10,
        leaseMs: 60,
        beat: () => Promise.reject(new Error('ECONNREFUSED')),
        onLost: resolve,
        onError: (message) => errors.push(message),
      });
    });
    expect(await lost).toBe('the lease ran out while progress reports failed');
    expect(errors.length).toBeGreaterThan(0);
  });
});

describe('agent tables', () => {
  it("uses the device profile's fusion rules for the memory planner, the runtime's when it names none", () => {
    expect([...deviceFusion(['relu', 'ReLU6', 'LeakyReLU'], 'ort').fused].sort()).toEqual(['leakyrelu', 'relu', 'relu6']);
    expect(deviceFusion([], 'tfjs').id).toBe('xnnpack');
    expect(() => deviceFusion(['warp-drive'], 'ort')).toThrow(AgentJobError);
  });

  it('names the agent, job and attempt in the provenance', () => {
    const relu = fullActivationRegistry().resolve('relu');
    const table = withAgent(
      { metric: 'memory', unit: 'KB', reference: 1, sites: ['s'], cells: [{ site: 's', activation: relu.id, delta: -1 }], provenance: { source: 'measured', producer: 'actnas arena planner', note: 'imgsz=64' } },
      'pi-5',
      { id: 'job-1', attempts: 2 },
    );
    expect(table.provenance.producer).toBe('actnas arena planner · agent pi-5');
    expect(table.provenance.note).toBe('measured by actnas agent "pi-5" (profiling job job-1, attempt 2); imgsz=64');
  });

  it('measures a job exactly as `actnas profile` does at its defaults: the same request and checkpoint key', async () => {
    const registry = fullActivationRegistry();
    const candidates = PROFILE_DEFAULTS.candidates.split(',').map((id) => registry.resolve(id));
    const agentDefaults: AgentSettings = { ...settings, maxPairs: PROFILE_DEFAULTS.maxPairs, maxCellSeconds: PROFILE_DEFAULTS.maxCellSeconds, anchorPairs: PROFILE_DEFAULTS.calibrationPairs, candidates };
    const spec = builtinModelSpec('yolov5nu');
    const graph = buildGraph(spec, { imgsz: 64, nc: spec.nc });
    const runtime = await createRuntime({ runtime: 'ort', threads: 1 });
    for (const metric of ['latency', 'memory', 'accuracy'] as const) {
      const agent = agentProfileJob(JOB, agentDefaults, { modelName: spec.name, graph, reference: spec.activation, runtime, metric });
      const cli = profileJob({ modelName: spec.name, graph, runtime, metric, reference: spec.activation, candidates });
      expect(agent.checkpointKey, metric).toEqual(cli.checkpointKey);
      expect({ ...agent.request, runtime: undefined, graph: undefined }).toEqual({ ...cli.request, runtime: undefined, graph: undefined });
    }
  });
});
