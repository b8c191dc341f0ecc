import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompleteProfilingJobDocument,
  CostTablesDocument,
  CreateProfilingJobDocument,
  FailProfilingJobDocument,
  LeaseProfilingJobDocument,
  ProfilingJobDocument,
  RegisterBuiltinModelSpecDocument,
  ReportProfilingProgressDocument,
} from '../client/generated.js';
import type { Client } from './support/client.js';
import { errorOf } from './support/client.js';
import { exampleTable } from './support/examples.js';
import { createApiToken, createDeviceProfile, createOrganization } from './support/fixtures.js';
import type { OrgFixture } from './support/fixtures.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

let t: TestServer;
let org: OrgFixture;
let agentA: Client;
let agentASecret: string;
let agentB: Client;
let profileId: string;
let specId: string;
let latencyCsv: string;

beforeAll(async () => {
  t = await startTestServer({ searchWorkers: 0 });
  org = await createOrganization(t.client, 'agents');
  profileId = await createDeviceProfile(org.owner.client, org.id);
  specId = (await org.owner.client.data(RegisterBuiltinModelSpecDocument, { input: { organizationId: org.id, builtinName: 'yolov5nu' } }))
    .registerBuiltinModelSpec.id;
  agentASecret = await createApiToken(org.owner.client, org.id, ['AGENT']);
  agentA = t.client.as(agentASecret);
  agentB = t.client.as(await createApiToken(org.owner.client, org.id, ['AGENT']));
  latencyCsv = await exampleTable('latency');
});
afterAll(async () => {
  await t?.close();
});

async function newJob(maxAttempts = 3): Promise<string> {
  const { createProfilingJob } = await org.owner.client.data(CreateProfilingJobDocument, {
    input: { organizationId: org.id, deviceProfileId: profileId, modelSpecId: specId, metrics: ['LATENCY'], maxAttempts },
  });
  return createProfilingJob.id;
}

const lease = (agent: Client) => agent.data(LeaseProfilingJobDocument, { input: { organizationId: org.id, leaseSeconds: 60 } });
const tables = [{ metric: 'LATENCY' as const, format: 'CSV' as const, content: '', provenance: { source: 'SYNTHETIC' as const, producer: 'test agent' } }];
const withContent = (content: string) => tables.map((table) => ({ ...table, content }));

async function latencyTableCount(): Promise<number> {
  const { organization } = await org.owner.client.data(CostTablesDocument, { slug: org.slug, deviceProfileId: profileId, metric: 'LATENCY', first: 100 });
  return organization.costTables.nodes.length;
}

describe('profiling jobs and agents', () => {
  it('an agent leases a job, reports progress and publishes its table', async () => {
    const id = await newJob();
    const { leaseProfilingJob } = await lease(agentA);
    expect(leaseProfilingJob).toMatchObject({ job: { id, status: 'LEASED', attempts: 1, modelSpec: { builtinName: 'yolov5nu' } } });
    const leaseId = leaseProfilingJob!.leaseId;
    expect((await lease(agentB)).leaseProfilingJob).toBeNull();

    const progress = await agentA.data(ReportProfilingProgressDocument, { input: { organizationId: org.id, jobId: id, leaseId, progress: 0.5 } });
    expect(progress.reportProfilingProgress.progress).toBe(0.5);

    const malformed = await agentA.request(CompleteProfilingJobDocument, {
      input: { organizationId: org.id, jobId: id, leaseId, tables: withContent('layer,activation,delta\nnot.a.site,relu,x\n') },
    });
    expect(errorOf(malformed).code).toBe('BAD_USER_INPUT');
    const before = await latencyTableCount();

    const { completeProfilingJob } = await agentA.data(CompleteProfilingJobDocument, {
      input: { organizationId: org.id, jobId: id, leaseId, tables: withContent(latencyCsv) },
    });
    expect(completeProfilingJob).toMatchObject({ status: 'SUCCEEDED', progress: 1, costTables: [{ metric: 'LATENCY' }] });
    expect(await latencyTableCount()).toBe(before + 1);
  });

  it('a completion carries exactly the metrics the job asked for, each once', async () => {
    const id = await newJob();
    const { leaseId } = (await lease(agentA)).leaseProfilingJob!;
    const before = await latencyTableCount();
    const table = (metric: 'LATENCY' | 'ACCURACY') => ({ ...tables[0]!, metric, content: latencyCsv });
    const attempts = [
      { tables: [table('ACCURACY'), table('LATENCY'), table('LATENCY')], field: ['input', 'tables', 0, 'metric'], message: /did not ask for ACCURACY/ },
      { tables: [table('LATENCY'), table('LATENCY')], field: ['input', 'tables', 1, 'metric'], message: /LATENCY is given twice/ },
    ];
    for (const attempt of attempts) {
      const error = errorOf(await agentA.request(CompleteProfilingJobDocument, { input: { organizationId: org.id, jobId: id, leaseId, tables: attempt.tables } }));
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: attempt.field });
      expect(error.message).toMatch(attempt.message);
    }
    expect(await latencyTableCount()).toBe(before);
    const { completeProfilingJob } = await agentA.data(CompleteProfilingJobDocument, { input: { organizationId: org.id, jobId: id, leaseId, tables: [table('LATENCY')] } });
    expect(completeProfilingJob.costTables).toHaveLength(1);
    expect(await latencyTableCount()).toBe(before + 1);

    const { createProfilingJob } = await org.owner.client.data(CreateProfilingJobDocument, {
      input: { organizationId: org.id, deviceProfileId: profileId, modelSpecId: specId, metrics: ['LATENCY', 'MEMORY'], maxAttempts: 1 },
    });
    const both = (await lease(agentA)).leaseProfilingJob!;
    expect(both.job.id).toBe(createProfilingJob.id);
    const partial = errorOf(await agentA.request(CompleteProfilingJobDocument, { input: { organizationId: org.id, jobId: both.job.id, leaseId: both.leaseId, tables: [table('LATENCY')] } }));
    expect(partial).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'tables'] });
    expect(partial.message).toMatch(/asked for MEMORY too/);
    await agentA.data(FailProfilingJobDocument, { input: { organizationId: org.id, jobId: both.job.id, leaseId: both.leaseId, message: 'test done' } });
  });

  it('a job whose agent died is leased again, and only one table is stored', async () => {
    const id = await newJob();
    const first = (await lease(agentA)).leaseProfilingJob!;
    expect(first.job.id).toBe(id);
    // The agent dies: its lease runs out.
    await t.server.dataSource.query(`UPDATE profiling_jobs SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    const second = (await lease(agentB)).leaseProfilingJob!;
    expect(second.job).toMatchObject({ id, attempts: 2 });
    const before = await latencyTableCount();

    const late = await agentA.request(CompleteProfilingJobDocument, {
      input: { organizationId: org.id, jobId: id, leaseId: first.leaseId, tables: withContent(latencyCsv) },
    });
    expect(errorOf(late).code).toBe('CONFLICT');
    await agentB.data(CompleteProfilingJobDocument, { input: { organizationId: org.id, jobId: id, leaseId: second.leaseId, tables: withContent(latencyCsv) } });
    const again = await agentB.request(CompleteProfilingJobDocument, {
      input: { organizationId: org.id, jobId: id, leaseId: second.leaseId, tables: withContent(latencyCsv) },
    });
    expect(errorOf(again).code).toBe('CONFLICT');
    expect(await latencyTableCount()).toBe(before + 1);
  });

  it('failures return the job to the queue until maxAttempts, then fail it', async () => {
    const id = await newJob(2);
    const one = (await lease(agentA)).leaseProfilingJob!;
    const requeued = await agentA.data(FailProfilingJobDocument, { input: { organizationId: org.id, jobId: id, leaseId: one.leaseId, message: 'OOM' } });
    expect(requeued.failProfilingJob).toMatchObject({ status: 'QUEUED', attempts: 1, errorMessage: 'OOM' });
    const two = (await lease(agentA)).leaseProfilingJob!;
    await agentA.data(FailProfilingJobDocument, { input: { organizationId: org.id, jobId: id, leaseId: two.leaseId, message: 'OOM again' } });
    const { organization } = await org.owner.client.data(ProfilingJobDocument, { slug: org.slug, id });
    expect(organization.profilingJob).toMatchObject({ status: 'FAILED', attempts: 2 });
    expect((await lease(agentA)).leaseProfilingJob).toBeNull();
  });

  it('a job abandoned on its last attempt fails when its lease runs out', async () => {
    const id = await newJob(1);
    const only = (await lease(agentA)).leaseProfilingJob!;
    expect(only.job.id).toBe(id);
    await t.server.dataSource.query(`UPDATE profiling_jobs SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    expect((await lease(agentB)).leaseProfilingJob).toBeNull();
    const { organization } = await org.owner.client.data(ProfilingJobDocument, { slug: org.slug, id });
    expect(organization.profilingJob).toMatchObject({ status: 'FAILED', errorMessage: 'The last lease expired' });
  });

  it('a job shows which agent leased it (its name and token prefix), also after it finished', async () => {
    const id = await newJob();
    const before = await org.owner.client.data(ProfilingJobDocument, { slug: org.slug, id });
    expect(before.organization.profilingJob.agent).toBeNull();
    const leased = (await agentA.data(LeaseProfilingJobDocument, { input: { organizationId: org.id, leaseSeconds: 60, agentName: '  jetson-07 ' } }))
      .leaseProfilingJob!;
    const agent = leased.job.agent!;
    expect(agent.name).toBe('jetson-07');
    expect(agent.tokenPrefix).toBeTruthy();
    expect(agentASecret.startsWith(agent.tokenPrefix!)).toBe(true);
    expect(agent.tokenPrefix!.length).toBeLessThan(agentASecret.length);
    await agentA.data(FailProfilingJobDocument, { input: { organizationId: org.id, jobId: id, leaseId: leased.leaseId, message: 'no device' } });
    const after = await org.owner.client.data(ProfilingJobDocument, { slug: org.slug, id });
    expect(after.organization.profilingJob).toMatchObject({ status: 'QUEUED', agent: { name: 'jetson-07', tokenPrefix: agent.tokenPrefix } });
    // Leave the queue empty for the other tests.
    const again = (await lease(agentB)).leaseProfilingJob!;
    expect(again.job).toMatchObject({ id, agent: { name: null } });
    expect(again.job.agent!.tokenPrefix).not.toBe(agent.tokenPrefix);
    await agentB.data(CompleteProfilingJobDocument, { input: { organizationId: org.id, jobId: id, leaseId: again.leaseId, tables: withContent(latencyCsv) } });
  });

  it('rejects an agent name over 100 characters with its field path', async () => {
    const response = await agentA.request(LeaseProfilingJobDocument, { input: { organizationId: org.id, agentName: 'x'.repeat(101) } });
    expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'agentName'] });
  });

  it('only AGENT tokens (and owners) lease; members cannot', async () => {
    const reader = t.client.as(await createApiToken(org.owner.client, org.id, ['READ']));
    expect(errorOf(await reader.request(LeaseProfilingJobDocument, { input: { organizationId: org.id } })).code).toBe('FORBIDDEN');
  });
});
