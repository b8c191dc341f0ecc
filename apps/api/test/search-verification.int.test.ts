import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditEventsDocument,
  CompleteVerificationJobDocument,
  CreateDeviceProfileDocument,
  DraftOfJobDocument,
  FailVerificationJobDocument,
  LeaseVerificationJobDocument,
  ProjectVersionsDocument,
  SearchVerificationDocument,
  SubmitSearchDocument,
  VerifiedProposalsDocument,
  VerifyProposalSetDocument,
} from '../client/generated.js';
import type { SearchVerificationQuery, SubmitSearchInput } from '../client/generated.js';
import { createServer } from '../src/index.js';
import type { RunningServer } from '../src/index.js';
import { Client, errorOf } from './support/client.js';
import { createApiToken, createDeviceProfile, createOrganization, createProject, deviceProfileInput } from './support/fixtures.js';
import type { OrgFixture } from './support/fixtures.js';
import { searchFixture, searchInput, waitForSearch } from './support/search-fixture.js';
import type { SearchFixture } from './support/search-fixture.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

type Verifying = NonNullable<SearchVerificationQuery['organization']['searchRequest']>;

let t: TestServer;
let org: OrgFixture;
let other: OrgFixture;
let f: SearchFixture;
let agent: Client;
let agentToken: string;
/** The organization owner's client, on whichever server runs now (the restart test moves it). */
let owner: Client;
/** Servers started on the same database, closed after the file. */
const extra: RunningServer[] = [];
let closedFileServer = false;
/** The latency budget, half way between the reference model's predicted total and the fastest reachable one. */
let limit: number;

/** Every measured latency delta is the predicted one plus this: the sum misses the whole model by +0.3 ms. */
const RESIDUAL = 0.3;

beforeAll(async () => {
  t = await startTestServer({ searchWorkers: 1 });
  org = await createOrganization(t.client, 'verify-loop');
  other = await createOrganization(t.client, 'verify-loop-other');
  f = await searchFixture(org);
  owner = org.owner.client;
  agentToken = await createApiToken(owner, org.id, ['AGENT']);
  agent = t.client.as(agentToken);
  // Where the budget bites: a plain search in a scratch project for the fastest total and the reference's.
  const scratch = await createProject(owner, org.id);
  const { submitSearch } = await owner.data(SubmitSearchDocument, { input: searchInput(org, f, { projectId: scratch, budgets: [], k: 1 }) });
  expect((await waitForSearch(org, submitSearch.id)).status).toBe('SUCCEEDED');
  const { organization } = await owner.data(VerifiedProposalsDocument, { slug: org.slug, projectId: scratch, version: 1 });
  const fastest = organization.project.proposalSet.proposals[0]!.totals.find((x) => x.metric === 'LATENCY')!;
  limit = Math.round((fastest.reference + fastest.delta / 2) * 1000) / 1000;
});
afterAll(async () => {
  for (const server of extra) await server.close();
  if (!closedFileServer) await t?.server.close();
  await t?.database.drop();
});

/** Another API process on the same database. */
async function startOnSameDatabase(searchWorkers: number, searchLeaseSeconds?: number): Promise<RunningServer> {
  const server = await createServer({ port: 0, host: '127.0.0.1', introspection: true, passwordScryptLogN: 14, databaseUrl: t.database.url, searchWorkers, ...(searchLeaseSeconds ? { searchLeaseSeconds } : {}) });
  extra.push(server);
  return server;
}

/** The clients move to `server` (the file's server is gone). */
function moveTo(server: RunningServer): void {
  owner = new Client(server.url).as(org.owner.token);
  agent = new Client(server.url).as(agentToken);
}

/** Maximise accuracy under the latency budget: the search returns proposals close to the budget. */
function loopInput(projectId: string, rounds: number, overrides: Partial<SubmitSearchInput> = {}): SubmitSearchInput {
  return searchInput(org, f, {
    projectId,
    objective: { sense: 'MAX', metric: { metric: 'ACCURACY' } },
    budgets: [{ metric: { metric: 'LATENCY' }, bound: 'MAX', value: limit, of: 'TOTAL' }],
    k: 3,
    verify: { rounds },
    ...overrides,
  });
}

async function verification(id: string): Promise<Verifying> {
  const { organization } = await owner.data(SearchVerificationDocument, { slug: org.slug, id });
  return organization.searchRequest;
}

/** Waits until the search reaches a state `done` accepts (the worker runs rounds in the background). */
async function waitUntil(id: string, done: (r: Verifying) => boolean, timeoutMs = 60_000): Promise<Verifying> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const request = await verification(id);
    if (done(request)) return request;
    if (Date.now() > deadline) throw new Error(`search ${id} still ${request.status} (round ${request.verification?.round})`);
    await sleep(50);
  }
}

const verifyingRound = (round: number) => (r: Verifying) => (r.status === 'VERIFYING' && r.verification!.round === round) || r.status === 'SUCCEEDED' || r.status === 'FAILED';

/** Acts as the agent: leases the round's job and reports each asked proposal's latency as predicted + residual (per job rank when a function). */
async function measureRound(request: Verifying, residualOf: number | ((rank: number) => number)): Promise<{ rank: number; predicted: number; measuredTotal: number }[]> {
  const jobId = request.verification!.history.at(-1)!.verificationJob!.id;
  const { leaseVerificationJob: held } = await agent.data(LeaseVerificationJobDocument, { input: { organizationId: org.id, leaseSeconds: 60, agentName: 'loop-test' } });
  expect(held?.job.id).toBe(jobId);
  const { organization } = await owner.data(DraftOfJobDocument, { slug: org.slug, id: jobId });
  const draft = organization.verificationJob.proposalSet;
  expect(draft).toMatchObject({ version: 0, draft: true });
  const measured = organization.verificationJob.ranks.map((rank) => {
    const latency = draft.proposals.find((p) => p.rank === rank)!.totals.find((x) => x.metric === 'LATENCY')!;
    const residual = typeof residualOf === 'number' ? residualOf : residualOf(rank);
    return { rank, predicted: latency.delta, residual, measuredTotal: latency.total + residual };
  });
  await agent.data(CompleteVerificationJobDocument, {
    input: {
      organizationId: org.id,
      jobId,
      leaseId: held!.leaseId,
      measurements: measured.map((m) => ({ rank: m.rank, metric: 'LATENCY' as const, measured: m.predicted + m.residual, measuredTotal: m.measuredTotal, ciLow: m.predicted + m.residual - 0.05, ciHigh: m.predicted + m.residual + 0.05, runs: 40, host: 'rpi5-lab-1' })),
    },
  });
  return measured;
}

/**
 * The verify loop's audit events of one search: its rounds in order, then how it ended (events of
 * one transaction share a time, so they are put in that order here). The worker acts: no actor.
 */
async function loopEvents(searchId: string) {
  const { organization } = await owner.data(AuditEventsDocument, { slug: org.slug, first: 100 });
  const events = organization.auditEvents.nodes.filter((e) => e.targetId === searchId && e.action.startsWith('search_request.verify'));
  const order = (e: (typeof events)[number]): number => (e.action === 'search_request.verify_round' ? Number((e.data as { round: number }).round) : 100);
  return events.sort((a, b) => order(a) - order(b));
}

async function versionsOf(projectId: string) {
  const { organization } = await owner.data(ProjectVersionsDocument, { slug: org.slug, projectId });
  expect(organization.project.latestProposalSet?.version ?? null).toBe(organization.project.proposalSets.nodes[0]?.version ?? null);
  return organization.project.proposalSets.nodes.map((s) => s.version);
}

async function finalSet(projectId: string, version: number) {
  const { organization } = await owner.data(VerifiedProposalsDocument, { slug: org.slug, projectId, version });
  return organization.project;
}

describe('search requests that verify on the device', () => {
  it('tightens the latency budget by the measured residual, searches again, and stores one version once round 2 meets it as measured', async () => {
    const projectId = await createProject(owner, org.id);
    const { submitSearch } = await owner.data(SubmitSearchDocument, { input: loopInput(projectId, 3) });
    const round1 = await waitUntil(submitSearch.id, verifyingRound(1));
    expect(round1).toMatchObject({ status: 'VERIFYING', proposalSet: null, verification: { rounds: 3, round: 1, deviceProfileId: f.deviceProfileId, deviceProfile: { id: f.deviceProfileId }, stoppedBy: null, met: null } });
    expect(round1.verification!.history[0]).toMatchObject({ round: 1, proposals: 3, measured: 3, measuredFeasible: null, tightened: [] });
    expect(round1.verification!.history[0]!.budgets[0]!.value).toBe(limit);
    // The draft is not a version: nothing listed, nothing latest, and verifyProposalSet does not take it.
    expect(await versionsOf(projectId)).toEqual([]);
    const draftId = (await owner.data(DraftOfJobDocument, { slug: org.slug, id: round1.verification!.history[0]!.verificationJob!.id })).organization.verificationJob.proposalSet.id;
    const refused = await owner.request(VerifyProposalSetDocument, { input: { organizationId: org.id, proposalSetId: draftId, deviceProfileId: f.deviceProfileId } });
    expect(errorOf(refused).code).toBe('NOT_FOUND');

    const first = await measureRound(round1, RESIDUAL);
    const broken = first.filter((m) => m.measuredTotal > limit);
    expect(broken.length).toBeGreaterThan(0);

    const round2 = await waitUntil(submitSearch.id, verifyingRound(2));
    expect(round2.status).toBe('VERIFYING');
    const [r1, r2] = round2.verification!.history;
    const tightenedTo = Math.floor((limit - RESIDUAL) * 1e4) / 1e4;
    expect(r1).toMatchObject({ measuredFeasible: 3 - broken.length, tightened: [{ from: limit, value: tightenedTo, breakers: broken.length }] });
    expect(r1!.tightened[0]!.residual).toBeCloseTo(RESIDUAL, 9);
    expect(r2!.budgets[0]!.value).toBe(tightenedTo);
    // Proposals already measured in round 1 are not measured again.
    expect(r2!.measured).toBeLessThanOrEqual(3);
    expect(r2!.verificationJob!.ranks.every((rank) => rank > 3)).toBe(true);
    expect(await versionsOf(projectId)).toEqual([]);

    await measureRound(round2, RESIDUAL);
    const done = await waitUntil(submitSearch.id, (r) => r.status === 'SUCCEEDED' || r.status === 'FAILED');
    expect(done).toMatchObject({ status: 'SUCCEEDED', proposalSet: { version: 1, draft: false }, verification: { round: 2, stoppedBy: 'MET', met: true, missed: [] } });
    expect(done.verification!.history[1]).toMatchObject({ measuredFeasible: 3, tightened: [] });
    expect(done.verification!.jobs.map((j) => j.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(await versionsOf(projectId)).toEqual([1]);

    const project = await finalSet(projectId, 1);
    expect(project.latestProposalSet?.version).toBe(1);
    const proposals = project.proposalSet.proposals;
    // Every proposal found (round 1's and round 2's new ones), ranked 1..n: measured-feasible first, each by measured accuracy.
    expect(proposals.map((p) => p.rank)).toEqual(proposals.map((_p, i) => i + 1));
    expect(proposals.length).toBe(3 + r2!.measured);
    const feasible = proposals.filter((p) => p.measuredFeasible);
    expect(proposals.slice(0, feasible.length).every((p) => p.measuredFeasible)).toBe(true);
    expect(feasible.length).toBe(proposals.length - broken.length);
    for (let i = 1; i < feasible.length; i++) expect(feasible[i - 1]!.measuredObjective!).toBeGreaterThanOrEqual(feasible[i]!.measuredObjective!);
    for (const p of proposals) {
      const latency = p.totals.find((x) => x.metric === 'LATENCY')!;
      // The measurements moved with their proposals to the final ranks.
      expect(p.measurements).toEqual([expect.objectContaining({ rank: p.rank, metric: 'LATENCY', measuredTotal: latency.total + RESIDUAL })]);
      expect(p.measuredFeasible).toBe(latency.total + RESIDUAL <= limit);
      // Breakers come from round 1 only: round 2 searched under the tightened budget.
      expect(p.verifiedRound).toBe(p.measuredFeasible ? p.verifiedRound : 1);
    }
    expect(proposals.filter((p) => p.verifiedRound === 2)).toHaveLength(r2!.measured);

    const events = await loopEvents(submitSearch.id);
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ['search_request.verify_round', { user: null, apiTokenPrefix: null }],
      ['search_request.verify_round', { user: null, apiTokenPrefix: null }],
      ['search_request.verify_end', { user: null, apiTokenPrefix: null }],
    ]);
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ round: 1, proposals: 3, measuredFeasible: 3 - broken.length, budgets: [expect.objectContaining({ value: limit })] }),
      expect.objectContaining({ round: 2, proposals: done.verification!.history[1]!.proposals, measuredFeasible: 3, budgets: [expect.objectContaining({ value: tightenedTo })] }),
      expect.objectContaining({ rounds: 2, stoppedBy: 'met', met: true, version: 1, measuredFeasible: feasible.length, missed: [] }),
    ]);
  });

  it('stores the version when the rounds run out with no proposal meeting the budget, and names the budget and by how much the closest misses it', async () => {
    const projectId = await createProject(owner, org.id);
    const { submitSearch } = await owner.data(SubmitSearchDocument, { input: loopInput(projectId, 1) });
    const round1 = await waitUntil(submitSearch.id, verifyingRound(1));
    const measured = await measureRound(round1, (rank) => 1 + rank / 10);
    const done = await waitUntil(submitSearch.id, (r) => r.status === 'SUCCEEDED' || r.status === 'FAILED');
    const closest = Math.min(...measured.map((m) => m.measuredTotal - limit));
    expect(done).toMatchObject({ status: 'SUCCEEDED', proposalSet: { version: 1 }, verification: { round: 1, stoppedBy: 'ROUNDS', met: false } });
    expect(done.verification!.missed).toEqual([{ budget: `latency ≤ ${limit}`, breakers: 3, excess: expect.closeTo(closest, 9) }]);
    const proposals = (await finalSet(projectId, 1)).proposalSet.proposals;
    expect(proposals.map((p) => p.measuredFeasible)).toEqual([false, false, false]);
  });

  it('is met when the rounds run out with some proposals meeting the budget as measured: those rank first, and nothing is called missed', async () => {
    const projectId = await createProject(owner, org.id);
    const { submitSearch } = await owner.data(SubmitSearchDocument, { input: loopInput(projectId, 1) });
    const round1 = await waitUntil(submitSearch.id, verifyingRound(1));
    // Draft rank 2 as predicted (inside the budget); ranks 1 and 3 a second over it.
    await measureRound(round1, (rank) => (rank === 2 ? 0 : 1000));
    const done = await waitUntil(submitSearch.id, (r) => r.status === 'SUCCEEDED' || r.status === 'FAILED');
    expect(done).toMatchObject({ status: 'SUCCEEDED', proposalSet: { version: 1 }, verification: { round: 1, stoppedBy: 'ROUNDS', met: true, missed: [] } });
    const proposals = (await finalSet(projectId, 1)).proposalSet.proposals;
    expect(proposals.map((p) => p.measuredFeasible)).toEqual([true, false, false]);
  });

  it('fails the search with the reason when its verification job fails for good, and stores no version', async () => {
    const projectId = await createProject(owner, org.id);
    const { submitSearch } = await owner.data(SubmitSearchDocument, { input: loopInput(projectId, 2) });
    const round1 = await waitUntil(submitSearch.id, verifyingRound(1));
    const jobId = round1.verification!.history[0]!.verificationJob!.id;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const { leaseVerificationJob: held } = await agent.data(LeaseVerificationJobDocument, { input: { organizationId: org.id, leaseSeconds: 60 } });
      expect(held?.job.id).toBe(jobId);
      await agent.data(FailVerificationJobDocument, { input: { organizationId: org.id, jobId, leaseId: held!.leaseId, message: `onnxruntime crashed (${attempt})` } });
      if (attempt < 3) expect((await verification(submitSearch.id)).status).toBe('VERIFYING');
    }
    const failed = await verification(submitSearch.id);
    expect(failed).toMatchObject({ status: 'FAILED', proposalSet: null, error: { code: 'VERIFICATION_FAILED' }, verification: { stoppedBy: null } });
    expect(failed.error!.message).toMatch(/failed after 3 attempt\(s\): onnxruntime crashed \(3\)/);
    expect((await loopEvents(submitSearch.id)).map((e) => [e.action, e.data])).toEqual([
      ['search_request.verify_failed', { round: 1, verificationJobId: jobId, attempts: 3, reason: 'onnxruntime crashed (3)' }],
    ]);
    expect(await versionsOf(projectId)).toEqual([]);
    expect((await finalSet(projectId, 1).catch((error: Error) => error)) instanceof Error).toBe(true);
  });

  it('refuses bad verify input with a typed error naming the field, storing nothing', async () => {
    const projectId = await createProject(owner, org.id);
    const bare = (await owner.data(CreateDeviceProfileDocument, { input: deviceProfileInput(org.id) })).createDeviceProfile.id;
    const foreign = await createDeviceProfile(other.owner.client, other.id);
    const cases: { verify: SubmitSearchInput['verify']; field: (string | number)[]; message: RegExp; extra?: Partial<SubmitSearchInput> }[] = [
      { verify: { rounds: 0 }, field: ['input', 'verify', 'rounds'], message: /1 to 5/ },
      { verify: { rounds: 6 }, field: ['input', 'verify', 'rounds'], message: /1 to 5/ },
      { verify: { rounds: 2, deviceProfileId: bare }, field: ['input', 'verify', 'deviceProfileId'], message: /no cost tables for yolov5nu/ },
      { verify: { rounds: 2, deviceProfileId: foreign }, field: ['input', 'verify', 'deviceProfileId'], message: /No such device profile/ },
      { verify: { rounds: 2, ranks: [4] }, field: ['input', 'verify', 'ranks', 0], message: /1–3/ },
      { verify: { rounds: 2 }, extra: { compareWith: ['RANDOM'] }, field: ['input', 'compareWith'], message: /cannot queue comparisons/ },
    ];
    for (const c of cases) {
      const error = errorOf(await owner.request(SubmitSearchDocument, { input: loopInput(projectId, 1, { verify: c.verify, ...c.extra }) }));
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: c.field });
      expect(error.message).toMatch(c.message);
    }
    const { organization } = await owner.data(ProjectVersionsDocument, { slug: org.slug, projectId });
    expect(organization.project.proposalSets.nodes).toEqual([]);
    expect(organization.project.searchRequests.nodes).toEqual([]);
  });

  it('stops when a later round finds nothing under the tightened budget, storing what was measured and saying what was missed', async () => {
    const projectId = await createProject(owner, org.id);
    const { submitSearch } = await owner.data(SubmitSearchDocument, { input: loopInput(projectId, 3) });
    const round1 = await waitUntil(submitSearch.id, verifyingRound(1));
    // Measured a second slower than predicted: the budget tightens past anything the table reaches.
    const measured = await measureRound(round1, 1000);
    const done = await waitUntil(submitSearch.id, (r) => r.status === 'SUCCEEDED' || r.status === 'FAILED');
    expect(done).toMatchObject({ status: 'SUCCEEDED', proposalSet: { version: 1 }, verification: { round: 2, stoppedBy: 'INFEASIBLE', met: false } });
    expect(done.verification!.history.map((r) => [r.status, r.proposals, r.measuredFeasible])).toEqual([['optimal', 3, 0], ['infeasible', 0, 0]]);
    expect(done.verification!.history[1]!.budgets[0]!.value).toBe(Math.floor((limit - 1000) * 1e4) / 1e4);
    const excess = Math.min(...measured.map((m) => m.measuredTotal - limit));
    expect(done.verification!.missed).toEqual([{ budget: `latency ≤ ${limit}`, breakers: 3, excess: expect.closeTo(excess, 9) }]);
    const proposals = (await finalSet(projectId, 1)).proposalSet.proposals;
    expect(proposals.map((p) => p.measuredFeasible)).toEqual([false, false, false]);
    // Still ranked by measured objective (max accuracy: measured where measured, else as predicted).
    for (let i = 1; i < proposals.length; i++) expect(proposals[i - 1]!.measuredObjective!).toBeGreaterThanOrEqual(proposals[i]!.measuredObjective!);
  });

  it('keeps round 1\'s measured-feasible proposals when the tightened round 2 finds nothing: met, they rank first, nothing missed', async () => {
    const projectId = await createProject(owner, org.id);
    const { submitSearch } = await owner.data(SubmitSearchDocument, { input: loopInput(projectId, 3) });
    const round1 = await waitUntil(submitSearch.id, verifyingRound(1));
    // Draft rank 1 as predicted; ranks 2 and 3 a second over: the budget tightens past anything the table reaches.
    await measureRound(round1, (rank) => (rank === 1 ? 0 : 1000));
    const done = await waitUntil(submitSearch.id, (r) => r.status === 'SUCCEEDED' || r.status === 'FAILED');
    expect(done).toMatchObject({ status: 'SUCCEEDED', proposalSet: { version: 1 }, verification: { round: 2, stoppedBy: 'INFEASIBLE', met: true, missed: [] } });
    expect(done.verification!.history.map((r) => [r.status, r.proposals, r.measuredFeasible])).toEqual([['optimal', 3, 1], ['infeasible', 0, 0]]);
    const proposals = (await finalSet(projectId, 1)).proposalSet.proposals;
    expect(proposals.map((p) => p.measuredFeasible)).toEqual([true, false, false]);
  });

  it('fails the search when its job fails without a report (the last lease ran out): the reaper notices', async () => {
    const projectId = await createProject(owner, org.id);
    const { submitSearch } = await owner.data(SubmitSearchDocument, { input: loopInput(projectId, 2) });
    const round1 = await waitUntil(submitSearch.id, verifyingRound(1));
    const jobId = round1.verification!.history[0]!.verificationJob!.id;
    const lease = async (leaseSeconds: number) => (await agent.data(LeaseVerificationJobDocument, { input: { organizationId: org.id, leaseSeconds } })).leaseVerificationJob;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const held = await lease(60);
      await agent.data(FailVerificationJobDocument, { input: { organizationId: org.id, jobId, leaseId: held!.leaseId, message: 'out of memory' } });
    }
    expect((await lease(10))?.job.id).toBe(jobId);
    await sleep(10_500);
    // The next lease call fails the abandoned job (its last attempt); a worker's reaper then fails the search.
    expect(await lease(60)).toBeNull();
    const reaper = await startOnSameDatabase(1, 2);
    const failed = await waitUntil(submitSearch.id, (r) => r.status === 'FAILED' || r.status === 'SUCCEEDED', 20_000);
    await reaper.close();
    extra.splice(extra.indexOf(reaper), 1);
    expect(failed).toMatchObject({ status: 'FAILED', proposalSet: null, error: { code: 'VERIFICATION_FAILED' } });
    expect(failed.error!.message).toMatch(/failed after 3 attempt\(s\): The last lease expired/);
    expect(await versionsOf(projectId)).toEqual([]);
  });

  // Last: it stops the file's server.
  it('survives restarts: the loop state is in the database, the next round is queued durably and run by a new worker', async () => {
    const projectId = await createProject(owner, org.id);
    const { submitSearch } = await owner.data(SubmitSearchDocument, { input: loopInput(projectId, 3) });
    const round1 = await waitUntil(submitSearch.id, verifyingRound(1));
    await t.server.close();
    closedFileServer = true;
    // An API process without workers takes the completion: round 2 is queued in its transaction and waits.
    moveTo(await startOnSameDatabase(0));
    await measureRound(round1, RESIDUAL);
    await sleep(1500);
    expect(await verification(submitSearch.id)).toMatchObject({ status: 'QUEUED', proposalSet: null, verification: { round: 1 } });
    // A process with a worker runs round 2 from the database alone.
    moveTo(await startOnSameDatabase(1));
    const round2 = await waitUntil(submitSearch.id, verifyingRound(2));
    expect(round2.status).toBe('VERIFYING');
    await measureRound(round2, RESIDUAL);
    const done = await waitUntil(submitSearch.id, (r) => r.status === 'SUCCEEDED' || r.status === 'FAILED');
    expect(done).toMatchObject({ status: 'SUCCEEDED', proposalSet: { version: 1 }, verification: { round: 2, stoppedBy: 'MET' } });
    expect(await versionsOf(projectId)).toEqual([1]);
  });
});
