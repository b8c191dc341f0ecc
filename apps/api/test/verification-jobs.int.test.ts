import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompleteVerificationJobDocument,
  CreateDeviceProfileDocument,
  FailVerificationJobDocument,
  LeaseVerificationJobDocument,
  ProposalMeasurementsDocument,
  ReportVerificationProgressDocument,
  SubmitSearchDocument,
  VerificationJobDocument,
  VerificationJobsDocument,
  VerifyProposalSetDocument,
} from '../client/generated.js';
import type { ProposalMeasurementInput, VerifyProposalSetInput } from '../client/generated.js';
import type { Client } from './support/client.js';
import { errorOf } from './support/client.js';
import { createApiToken, createDeviceProfile, createOrganization, deviceProfileInput } from './support/fixtures.js';
import type { OrgFixture } from './support/fixtures.js';
import { searchFixture, searchInput, waitForSearch } from './support/search-fixture.js';
import type { SearchFixture } from './support/search-fixture.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

let t: TestServer;
let org: OrgFixture;
let other: OrgFixture;
let f: SearchFixture;
let setId: string;
let agentA: Client;
let agentB: Client;
let otherAgent: Client;
let ci: Client;
let bareDeviceName: string;
let bareDeviceId: string;

beforeAll(async () => {
  t = await startTestServer({ searchWorkers: 1 });
  org = await createOrganization(t.client, 'verify');
  other = await createOrganization(t.client, 'verify-other');
  f = await searchFixture(org);
  const { submitSearch } = await org.owner.client.data(SubmitSearchDocument, { input: searchInput(org, f) });
  const done = await waitForSearch(org, submitSearch.id);
  expect(done).toMatchObject({ status: 'SUCCEEDED', proposalSet: { version: 1 } });
  setId = done.proposalSet!.id;
  agentA = t.client.as(await createApiToken(org.owner.client, org.id, ['AGENT']));
  agentB = t.client.as(await createApiToken(org.owner.client, org.id, ['AGENT']));
  ci = t.client.as(await createApiToken(org.owner.client, org.id, ['SEARCH_WRITE']));
  otherAgent = t.client.as(await createApiToken(other.owner.client, other.id, ['AGENT']));
  const input = deviceProfileInput(org.id);
  bareDeviceName = input.name;
  bareDeviceId = (await org.owner.client.data(CreateDeviceProfileDocument, { input })).createDeviceProfile.id;
});
afterAll(async () => {
  await t?.close();
});

const verifyInput = (overrides: Partial<VerifyProposalSetInput> = {}): VerifyProposalSetInput => ({
  organizationId: org.id,
  proposalSetId: setId,
  deviceProfileId: f.deviceProfileId,
  ...overrides,
});
const lease = (agent: Client, organizationId = org.id) => agent.data(LeaseVerificationJobDocument, { input: { organizationId, leaseSeconds: 60, agentName: 'bench-host' } });
const measurement = (rank: number, overrides: Partial<ProposalMeasurementInput> = {}): ProposalMeasurementInput => ({
  rank,
  metric: 'LATENCY',
  measured: -1.5 - rank / 10,
  measuredTotal: 40 - rank / 10,
  ciLow: -1.9,
  ciHigh: -1.2,
  runs: 60,
  host: 'rpi5-lab-1',
  measuredAt: '2026-12-03T12:00:00.000Z',
  ...overrides,
});

async function proposalsOfVersion1() {
  const { organization } = await org.owner.client.data(ProposalMeasurementsDocument, { slug: org.slug, projectId: f.projectId, version: 1 });
  return organization.project.proposalSet;
}

describe('verification jobs', () => {
  it('queues a verification that an agent leases, beats and completes; the measurements attach to the proposals and the set does not change', async () => {
    const before = await proposalsOfVersion1();
    expect(before.proposals.map((p) => p.measurements)).toEqual([[], [], []]);

    const { verifyProposalSet: job } = await ci.data(VerifyProposalSetDocument, { input: verifyInput({ ranks: [2, 1] }) });
    expect(job).toMatchObject({ status: 'QUEUED', ranks: [1, 2], attempts: 0, agent: null, proposalSet: { id: setId, version: 1 }, deviceProfile: { id: f.deviceProfileId }, measurements: [] });
    expect([...job.metrics].sort()).toEqual(['ACCURACY', 'LATENCY', 'MEMORY']);

    const held = (await lease(agentA)).leaseVerificationJob!;
    expect(held.job).toMatchObject({ id: job.id, status: 'RUNNING', attempts: 1, agent: { name: 'bench-host' }, modelSpec: { builtinName: 'yolov5nu' } });
    expect((await lease(agentB)).leaseVerificationJob).toBeNull();

    const beat = await agentA.data(ReportVerificationProgressDocument, { input: { organizationId: org.id, jobId: job.id, leaseId: held.leaseId, progress: 0.5, leaseSeconds: 120 } });
    expect(beat.reportVerificationProgress.progress).toBe(0.5);
    expect(new Date(beat.reportVerificationProgress.leaseExpiresAt!).getTime()).toBeGreaterThan(new Date(held.expiresAt).getTime());

    const complete = (measurements: ProposalMeasurementInput[]) =>
      agentA.request(CompleteVerificationJobDocument, { input: { organizationId: org.id, jobId: job.id, leaseId: held.leaseId, measurements } });
    const refused = [
      { measurements: [measurement(1), measurement(3)], field: ['input', 'measurements', 1, 'rank'], message: /did not ask for rank 3/ },
      { measurements: [measurement(1, { metric: 'PEAK_MEMORY' })], field: ['input', 'measurements', 0, 'metric'] },
      { measurements: [measurement(1), measurement(1)], field: ['input', 'measurements', 1], message: /given twice/ },
      { measurements: [measurement(1, { ciLow: 1, ciHigh: 0 })], field: ['input', 'measurements', 0, 'ciLow'] },
      { measurements: [], field: ['input', 'measurements'] },
    ];
    for (const attempt of refused) {
      const error = errorOf(await complete(attempt.measurements));
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: attempt.field });
      if (attempt.message) expect(error.message).toMatch(attempt.message);
    }

    const { completeVerificationJob } = await agentA.data(CompleteVerificationJobDocument, {
      input: {
        organizationId: org.id,
        jobId: job.id,
        leaseId: held.leaseId,
        measurements: [measurement(1), measurement(2), measurement(1, { metric: 'MEMORY', measured: -120, measuredTotal: 9000, ciLow: null, ciHigh: null, runs: 1 })],
      },
    });
    expect(completeVerificationJob).toMatchObject({ status: 'SUCCEEDED', progress: 1, finishedAt: expect.any(String) });
    expect(completeVerificationJob.measurements).toHaveLength(3);
    expect(errorOf(await complete([measurement(1)])).code).toBe('CONFLICT');

    const after = await proposalsOfVersion1();
    expect(after.id).toBe(before.id);
    expect(after.version).toBe(1);
    expect(after.proposals.map(({ measurements: _m, ...p }) => p)).toEqual(before.proposals.map(({ measurements: _m, ...p }) => p));
    const [one, two, three] = after.proposals;
    const predictedLatency = (p: typeof one) => p!.totals.find((total) => total.metric === 'LATENCY' && total.deviceProfileId === f.deviceProfileId)!.delta;
    expect(one!.measurements.map((m) => m.metric).sort()).toEqual(['LATENCY', 'MEMORY']);
    const latency = one!.measurements.find((m) => m.metric === 'LATENCY')!;
    expect(latency).toMatchObject({
      rank: 1,
      deviceProfileId: f.deviceProfileId,
      measured: -1.6,
      measuredTotal: 39.9,
      ciLow: -1.9,
      ciHigh: -1.2,
      runs: 60,
      host: 'rpi5-lab-1',
      measuredAt: '2026-12-03T12:00:00.000Z',
      verificationJobId: job.id,
    });
    expect(latency.predicted).toBeCloseTo(predictedLatency(one), 9);
    expect(two!.measurements).toEqual([expect.objectContaining({ rank: 2, metric: 'LATENCY', predicted: predictedLatency(two) })]);
    expect(three!.measurements).toEqual([]);

    // Reading the job back, and no new version for the project.
    const { organization } = await org.owner.client.data(VerificationJobDocument, { slug: org.slug, id: job.id });
    expect(organization.verificationJob).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    const [{ version }] = await t.server.dataSource.query(`SELECT last_proposal_version AS version FROM projects WHERE id = $1`, [f.projectId]);
    expect(version).toBe(1);
    const audits = await t.server.dataSource.query(`SELECT action FROM audit_events WHERE target_id = $1 ORDER BY created_at`, [job.id]);
    expect(audits.map((a: { action: string }) => a.action)).toEqual(['verification_job.create', 'verification_job.complete']);
  });

  it('a job whose agent died is leased again; the first agent stores nothing', async () => {
    const { verifyProposalSet: job } = await org.owner.client.data(VerifyProposalSetDocument, { input: verifyInput({ ranks: [3] }) });
    expect(job.ranks).toEqual([3]);
    const first = (await lease(agentA)).leaseVerificationJob!;
    expect(first.job.id).toBe(job.id);
    // The agent dies: its lease runs out.
    await t.server.dataSource.query(`UPDATE verification_jobs SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [job.id]);
    const beat = await agentA.request(ReportVerificationProgressDocument, { input: { organizationId: org.id, jobId: job.id, leaseId: first.leaseId, progress: 0.9 } });
    expect(errorOf(beat).code).toBe('CONFLICT');
    const second = (await lease(agentB)).leaseVerificationJob!;
    expect(second.job).toMatchObject({ id: job.id, status: 'RUNNING', attempts: 2 });

    const late = await agentA.request(CompleteVerificationJobDocument, { input: { organizationId: org.id, jobId: job.id, leaseId: first.leaseId, measurements: [measurement(3)] } });
    expect(errorOf(late).code).toBe('CONFLICT');
    await agentB.data(CompleteVerificationJobDocument, { input: { organizationId: org.id, jobId: job.id, leaseId: second.leaseId, measurements: [measurement(3)] } });
    const set = await proposalsOfVersion1();
    expect(set.proposals[2]!.measurements).toHaveLength(1);
  });

  it('failures return the job to the queue until maxAttempts, then fail it; an expired last lease fails it too', async () => {
    const { verifyProposalSet: job } = await org.owner.client.data(VerifyProposalSetDocument, { input: verifyInput({ maxAttempts: 2 }) });
    expect(job.ranks).toEqual([1, 2, 3]);
    const one = (await lease(agentA)).leaseVerificationJob!;
    const requeued = await agentA.data(FailVerificationJobDocument, { input: { organizationId: org.id, jobId: job.id, leaseId: one.leaseId, message: 'session crashed' } });
    expect(requeued.failVerificationJob).toMatchObject({ status: 'QUEUED', attempts: 1, errorMessage: 'session crashed' });
    const two = (await lease(agentA)).leaseVerificationJob!;
    expect(two.job).toMatchObject({ id: job.id, attempts: 2 });
    const failed = await agentA.data(FailVerificationJobDocument, { input: { organizationId: org.id, jobId: job.id, leaseId: two.leaseId, message: 'again' } });
    expect(failed.failVerificationJob).toMatchObject({ status: 'FAILED', attempts: 2, finishedAt: expect.any(String) });
    expect((await lease(agentA)).leaseVerificationJob).toBeNull();

    const { verifyProposalSet: last } = await org.owner.client.data(VerifyProposalSetDocument, { input: verifyInput({ ranks: [1], maxAttempts: 1 }) });
    expect((await lease(agentA)).leaseVerificationJob!.job.id).toBe(last.id);
    await t.server.dataSource.query(`UPDATE verification_jobs SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [last.id]);
    expect((await lease(agentB)).leaseVerificationJob).toBeNull();
    const { organization } = await org.owner.client.data(VerificationJobDocument, { slug: org.slug, id: last.id });
    expect(organization.verificationJob).toMatchObject({ status: 'FAILED', errorMessage: 'The last lease expired' });
  });

  it('refuses bad input with typed errors', async () => {
    const cases: { input: VerifyProposalSetInput; code: string; field?: (string | number)[]; message?: RegExp }[] = [
      { input: verifyInput({ ranks: [1, 4] }), code: 'BAD_USER_INPUT', field: ['input', 'ranks', 1], message: /no proposal of rank 4 \(it has ranks 1–3\)/ },
      { input: verifyInput({ ranks: [0] }), code: 'BAD_USER_INPUT', field: ['input', 'ranks', 0], message: /ranks 1–3/ },
      { input: verifyInput({ ranks: [2, 2] }), code: 'BAD_USER_INPUT', field: ['input', 'ranks', 1], message: /twice/ },
      { input: verifyInput({ ranks: [] }), code: 'BAD_USER_INPUT', field: ['input', 'ranks'] },
      { input: verifyInput({ deviceProfileId: bareDeviceId }), code: 'BAD_USER_INPUT', field: ['input', 'deviceProfileId'], message: new RegExp(`"${bareDeviceName}" has no cost tables`) },
      { input: verifyInput({ proposalSetId: '00000000-0000-4000-8000-000000000000' }), code: 'NOT_FOUND', message: /Proposal set not found/ },
      { input: verifyInput({ proposalSetId: 'not-a-uuid' }), code: 'NOT_FOUND', message: /Proposal set not found/ },
      { input: verifyInput({ maxAttempts: 0 }), code: 'BAD_USER_INPUT', field: ['input', 'maxAttempts'] },
      { input: verifyInput({ metrics: [] }), code: 'BAD_USER_INPUT', field: ['input', 'metrics'], message: /at least one metric/ },
      { input: verifyInput({ metrics: ['MEMORY', 'PEAK_MEMORY'] }), code: 'BAD_USER_INPUT', field: ['input', 'metrics', 1], message: /has no PEAK_MEMORY table .*\(it has LATENCY, MEMORY, ACCURACY\)/ },
    ];
    for (const c of cases) {
      const error = errorOf(await org.owner.client.request(VerifyProposalSetDocument, { input: c.input }));
      expect(error, JSON.stringify(c.input)).toMatchObject({ code: c.code, ...(c.field ? { field: c.field } : {}) });
      if (c.message) expect(error.message).toMatch(c.message);
    }
    // Agents measure; they do not queue.
    expect(errorOf(await agentA.request(VerifyProposalSetDocument, { input: verifyInput() })).code).toBe('FORBIDDEN');
    const { organization } = await org.owner.client.data(VerificationJobsDocument, { slug: org.slug, first: 100 });
    expect(organization.verificationJobs.nodes.every((job) => job.status !== 'QUEUED')).toBe(true);
  });

  it("another organization's proposal sets, devices and jobs answer NOT_FOUND exactly like missing ones", async () => {
    const otherDevice = await createDeviceProfile(other.owner.client, other.id);
    // The other organization names this organization's proposal set.
    const foreignSet = errorOf(await other.owner.client.request(VerifyProposalSetDocument, { input: { organizationId: other.id, proposalSetId: setId, deviceProfileId: otherDevice } }));
    const missingSet = errorOf(
      await other.owner.client.request(VerifyProposalSetDocument, { input: { organizationId: other.id, proposalSetId: '00000000-0000-4000-8000-000000000000', deviceProfileId: otherDevice } }),
    );
    expect(foreignSet).toEqual(missingSet);
    expect(foreignSet.code).toBe('NOT_FOUND');
    // This organization names the other's private device profile.
    const foreignDevice = errorOf(await org.owner.client.request(VerifyProposalSetDocument, { input: verifyInput({ deviceProfileId: otherDevice }) }));
    expect(foreignDevice).toMatchObject({ code: 'NOT_FOUND', message: 'Device profile not found' });
    // Into another organization through its id: the organization itself is hidden.
    expect(errorOf(await other.owner.client.request(VerifyProposalSetDocument, { input: verifyInput() })).code).toBe('NOT_FOUND');

    const { verifyProposalSet: job } = await org.owner.client.data(VerifyProposalSetDocument, { input: verifyInput({ ranks: [1], maxAttempts: 1 }) });
    const foreignJob = errorOf(await other.owner.client.request(VerificationJobDocument, { slug: other.slug, id: job.id }));
    const missingJob = errorOf(await other.owner.client.request(VerificationJobDocument, { slug: other.slug, id: '00000000-0000-4000-8000-000000000000' }));
    expect(foreignJob).toEqual(missingJob);
    expect(foreignJob).toMatchObject({ code: 'NOT_FOUND', message: 'Verification job not found' });
    const { organization } = await other.owner.client.data(VerificationJobsDocument, { slug: other.slug });
    expect(organization.verificationJobs.nodes).toEqual([]);
    // Nor by naming this organization's proposal set.
    const bySet = await other.owner.client.data(VerificationJobsDocument, { slug: other.slug, proposalSetId: setId });
    expect(bySet.organization.verificationJobs.nodes).toEqual([]);

    // The other organization's agent leases nothing of this one, and cannot finish its job.
    expect((await lease(otherAgent, other.id)).leaseVerificationJob).toBeNull();
    const held = (await lease(agentA)).leaseVerificationJob!;
    expect(held.job.id).toBe(job.id);
    const foreignComplete = errorOf(
      await otherAgent.request(CompleteVerificationJobDocument, { input: { organizationId: other.id, jobId: job.id, leaseId: held.leaseId, measurements: [measurement(1)] } }),
    );
    expect(foreignComplete).toMatchObject({ code: 'NOT_FOUND', message: 'Verification job not found' });
    await agentA.data(FailVerificationJobDocument, { input: { organizationId: org.id, jobId: job.id, leaseId: held.leaseId, message: 'test done' } });
  });

  it('measures only the metrics asked for, each one the device has a table of', async () => {
    const job = (await ci.data(VerifyProposalSetDocument, { input: verifyInput({ ranks: [1], metrics: ['MEMORY', 'LATENCY'] }) })).verifyProposalSet;
    expect(job).toMatchObject({ status: 'QUEUED', ranks: [1], metrics: ['LATENCY', 'MEMORY'] });
    const { organization } = await org.owner.client.data(VerificationJobsDocument, { slug: org.slug, first: 1 });
    expect(organization.verificationJobs.nodes[0]).toMatchObject({ id: job.id, metrics: ['LATENCY', 'MEMORY'] });
  });

  it('lists the jobs of one proposal set, however many newer jobs other sets have', async () => {
    const { submitSearch } = await org.owner.client.data(SubmitSearchDocument, { input: searchInput(org, f) });
    const otherSetId = (await waitForSearch(org, submitSearch.id)).proposalSet!.id;
    const mine = (await ci.data(VerifyProposalSetDocument, { input: verifyInput({ ranks: [1] }) })).verifyProposalSet;
    for (let i = 0; i < 3; i++) await ci.data(VerifyProposalSetDocument, { input: verifyInput({ proposalSetId: otherSetId, ranks: [1] }) });
    const list = async (proposalSetId: string | null, first = 1) =>
      (await org.owner.client.data(VerificationJobsDocument, { slug: org.slug, first, proposalSetId })).organization.verificationJobs.nodes.map((j) => j.id);
    // The newest job of the organization is another set's; filtered, this set's newest comes first.
    expect(await list(null)).not.toEqual([mine.id]);
    expect(await list(setId)).toEqual([mine.id]);
    const ofOther = (await org.owner.client.data(VerificationJobsDocument, { slug: org.slug, first: 10, proposalSetId: otherSetId })).organization.verificationJobs.nodes;
    expect(ofOther).toHaveLength(3);
    expect(ofOther.every((j) => j.proposalSet.id === otherSetId)).toBe(true);
    expect(await list('not-a-uuid', 10)).toEqual([]);
  });
});
