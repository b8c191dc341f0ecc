import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompleteVerificationJobDocument, DraftOfJobDocument, LeaseVerificationJobDocument, SearchVerificationDocument, SubmitSearchDocument, VerifiedProposalsDocument } from '../client/generated.js';
import type { SearchVerificationQuery } from '../client/generated.js';
import { createServer } from '../src/index.js';
import type { RunningServer } from '../src/index.js';
import { Client } from './support/client.js';
import { createApiToken, createOrganization, createProject } from './support/fixtures.js';
import type { OrgFixture } from './support/fixtures.js';
import { searchFixture, searchInput } from './support/search-fixture.js';
import type { SearchFixture } from './support/search-fixture.js';

// The verify loop on the embedded default (PGlite: one database session for the whole process).
// Every step of a round runs in one transaction, so a query on another connection inside it
// waits for the session the transaction holds: found by hand as a 30 s stall per round.
type Verifying = NonNullable<SearchVerificationQuery['organization']['searchRequest']>;

/** Far below the 30 s the embedded session's idle watchdog takes to end a stuck transaction. */
const STEP_MS = 15_000;

let dataDir: string;
let server: RunningServer;
let org: OrgFixture;
let f: SearchFixture;
let agent: Client;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'actnas-pglite-verify-'));
  server = await createServer({ databaseUrl: undefined, dataDir, port: 0, host: '127.0.0.1', searchWorkers: 1 });
  org = await createOrganization(new Client(server.url), 'embedded-verify');
  f = await searchFixture(org);
  agent = new Client(server.url).as(await createApiToken(org.owner.client, org.id, ['AGENT']));
});
afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function waitUntil(id: string, done: (r: Verifying) => boolean): Promise<Verifying> {
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    const request = (await org.owner.client.data(SearchVerificationDocument, { slug: org.slug, id })).organization.searchRequest;
    if (done(request)) return request;
    if (Date.now() > deadline) throw new Error(`search ${id} still ${request.status} (round ${request.verification?.round}) after ${STEP_MS} ms`);
    await sleep(50);
  }
}

/** As the agent: the round's proposals measured `residual` ms slower than their sums. */
async function measureRound(request: Verifying, residual: number): Promise<void> {
  const jobId = request.verification!.history.at(-1)!.verificationJob!.id;
  const { leaseVerificationJob: held } = await agent.data(LeaseVerificationJobDocument, { input: { organizationId: org.id, leaseSeconds: 60, agentName: 'embedded' } });
  expect(held?.job.id).toBe(jobId);
  const job = (await org.owner.client.data(DraftOfJobDocument, { slug: org.slug, id: jobId })).organization.verificationJob;
  const measurements = job.ranks.map((rank) => {
    const latency = job.proposalSet.proposals.find((p) => p.rank === rank)!.totals.find((x) => x.metric === 'LATENCY')!;
    const measured = latency.delta + residual;
    return { rank, metric: 'LATENCY' as const, measured, measuredTotal: latency.total + residual, ciLow: measured - 0.05, ciHigh: measured + 0.05, runs: 40, host: 'embedded' };
  });
  await agent.data(CompleteVerificationJobDocument, { input: { organizationId: org.id, jobId, leaseId: held!.leaseId, measurements } });
}

describe('a search that verifies on the device, on the embedded database', () => {
  it('runs its rounds without waiting on its own transaction: round 1 breaks the budget as measured, round 2 meets it, one version', async () => {
    // The budget half way between the reference and the fastest predicted total, so a +0.3 ms residual breaks some proposals.
    const scratch = await createProject(org.owner.client, org.id);
    const plain = await org.owner.client.data(SubmitSearchDocument, { input: searchInput(org, f, { projectId: scratch, budgets: [], k: 1 }) });
    expect(await waitUntil(plain.submitSearch.id, (r) => r.status === 'SUCCEEDED' || r.status === 'FAILED')).toMatchObject({ status: 'SUCCEEDED' });
    const { organization } = await org.owner.client.data(VerifiedProposalsDocument, { slug: org.slug, projectId: scratch, version: 1 });
    const fastest = organization.project.proposalSet.proposals[0]!.totals.find((x) => x.metric === 'LATENCY')!;
    const limit = Math.round((fastest.reference + fastest.delta / 2) * 1000) / 1000;
    const projectId = await createProject(org.owner.client, org.id);
    const input = searchInput(org, f, {
      projectId,
      objective: { sense: 'MAX', metric: { metric: 'ACCURACY' } },
      budgets: [{ metric: { metric: 'LATENCY' }, bound: 'MAX', value: limit, of: 'TOTAL' }],
      k: 3,
      verify: { rounds: 3 },
    });
    const { submitSearch } = await org.owner.client.data(SubmitSearchDocument, { input });
    const round1 = await waitUntil(submitSearch.id, (r) => r.status === 'VERIFYING' || r.status === 'FAILED');
    expect(round1).toMatchObject({ status: 'VERIFYING', verification: { round: 1 } });
    await measureRound(round1, 0.3);
    const round2 = await waitUntil(submitSearch.id, (r) => (r.status === 'VERIFYING' && r.verification!.round === 2) || (r.status !== 'VERIFYING' && r.status !== 'QUEUED' && r.status !== 'RUNNING'));
    expect(round2).toMatchObject({ status: 'VERIFYING', verification: { round: 2 } });
    expect(round2.verification!.history[0]!.tightened).toHaveLength(1);
    await measureRound(round2, 0.3);
    const done = await waitUntil(submitSearch.id, (r) => r.status === 'SUCCEEDED' || r.status === 'FAILED');
    expect(done).toMatchObject({ status: 'SUCCEEDED', proposalSet: { draft: false }, verification: { stoppedBy: 'MET', met: true } });
  });
});
