import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CostTableLiveSetDocument,
  MemoryTablesWithLiveSetsDocument,
  ProjectProposalsDocument,
  PublishCostTableDocument,
  SubmitSearchDocument,
} from '../client/generated.js';
import type { BudgetInput, PublishCostTableInput } from '../client/generated.js';
import { errorOf } from './support/client.js';
import { exampleTable } from './support/examples.js';
import { createOrganization } from './support/fixtures.js';
import type { OrgFixture } from './support/fixtures.js';
import { searchFixture, searchInput, waitForSearch } from './support/search-fixture.js';
import type { SearchFixture } from './support/search-fixture.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

const KB = 1024;
/**
 * Two steps; at step 0 model.0.act's output is live: 200 KB as SiLU or LeakyReLU (unfused), 100 KB
 * as Hardswish, 50 KB when fused (ReLU, ReLU6). The reference model peaks at 1100 KB. SiLU, the
 * reference, is the most accurate choice there (example accuracy table), so a peak budget of 1000 KB binds.
 */
const liveSet = {
  alignment: 64,
  base: [900 * KB, 800 * KB],
  terms: [
    { step: 0, site: 'model.0.act', activation: 'silu', bytes: 200 * KB },
    { step: 0, site: 'model.0.act', activation: 'leakyrelu', bytes: 200 * KB },
    { step: 0, site: 'model.0.act', activation: 'hardswish', bytes: 100 * KB },
    ...['relu', 'relu6'].map((activation) => ({ step: 0, site: 'model.0.act', activation, bytes: 50 * KB })),
  ],
};

let t: TestServer;
let org: OrgFixture;
let f: SearchFixture;
let memoryWithRows: string;

async function memoryInput(overrides: Partial<PublishCostTableInput> = {}): Promise<PublishCostTableInput> {
  return {
    organizationId: org.id, deviceProfileId: f.deviceProfileId, modelSpecId: f.modelSpecId, metric: 'MEMORY', format: 'CSV',
    content: await exampleTable('memory'), provenance: { source: 'SYNTHETIC' }, liveSet, ...overrides,
  };
}

async function versions(metric: 'MEMORY' | 'LATENCY'): Promise<number[]> {
  const { organization } = await org.owner.client.data(MemoryTablesWithLiveSetsDocument, { slug: org.slug, deviceProfileId: f.deviceProfileId, metric });
  return organization.costTables.nodes.map((n) => n.version);
}

/** max-accuracy (the reference is best) over latency, accuracy and the memory table with rows. */
function peakSearch(budgets: BudgetInput[], overrides: Record<string, unknown> = {}) {
  return searchInput(org, f, {
    costTableIds: [f.tables.latency, memoryWithRows, f.tables.accuracy],
    objective: { sense: 'MAX', metric: { metric: 'ACCURACY' } },
    budgets,
    k: 2,
    ...overrides,
  });
}

beforeAll(async () => {
  t = await startTestServer({ searchWorkers: 1 });
  org = await createOrganization(t.client, 'peak');
  f = await searchFixture(org);
  memoryWithRows = (await org.owner.client.data(PublishCostTableDocument, { input: await memoryInput() })).publishCostTable.id;
});
afterAll(async () => {
  await t?.close();
});

describe('live-set rows and PEAK_MEMORY budgets', () => {
  it('stores live-set rows with a memory table and says how many steps they have', async () => {
    const { organization } = await org.owner.client.data(CostTableLiveSetDocument, { slug: org.slug, id: memoryWithRows });
    expect(organization.costTable).toMatchObject({ metric: 'MEMORY', version: 2, liveSetSteps: 2 });
    const { organization: list } = await org.owner.client.data(MemoryTablesWithLiveSetsDocument, { slug: org.slug, deviceProfileId: f.deviceProfileId, metric: 'MEMORY' });
    expect(list.costTables.nodes.map((n) => n.liveSetSteps)).toEqual([2, null]);
  });

  it('refuses live-set rows with another metric, or rows that are malformed, and stores no version', async () => {
    const before = { memory: await versions('MEMORY'), latency: await versions('LATENCY') };
    const latency = await org.owner.client.request(PublishCostTableDocument, { input: await memoryInput({ metric: 'LATENCY', content: await exampleTable('latency') }) });
    expect(errorOf(latency)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'liveSet'], message: 'Live-set rows go with a memory table' });
    const foreign = await org.owner.client.request(PublishCostTableDocument, {
      input: await memoryInput({ liveSet: { ...liveSet, terms: [{ step: 0, site: 'model.99.act', activation: 'relu', bytes: 1 }] } }),
    });
    expect(errorOf(foreign)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'liveSet'] });
    expect(errorOf(foreign).message).toMatch(/site "model\.99\.act" is not a site of the table/);
    const negative = await org.owner.client.request(PublishCostTableDocument, { input: await memoryInput({ liveSet: { base: [-1], terms: [] } }) });
    expect(errorOf(negative).message).toMatch(/base\[0\] is not a byte count/);
    expect({ memory: await versions('MEMORY'), latency: await versions('LATENCY') }).toEqual(before);
  });

  it('a PEAK_MEMORY budget keeps the peak of every proposal within it, and each proposal reports its peak', async () => {
    const { submitSearch } = await org.owner.client.data(SubmitSearchDocument, {
      input: peakSearch([{ metric: { metric: 'PEAK_MEMORY', deviceProfileId: f.deviceProfileId }, bound: 'MAX', value: 1000, of: 'TOTAL' }]),
    });
    const done = await waitForSearch(org, submitSearch.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', error: null });
    const { organization } = await org.owner.client.data(ProjectProposalsDocument, { slug: org.slug, projectId: f.projectId });
    const set = organization.project.latestProposalSet!;
    expect(set.budgets).toEqual([`peak_memory@${f.deviceProfileId} ≤ 1000`]);
    for (const p of set.proposals) {
      const peak = p.totals.find((total) => total.metric === 'PEAK_MEMORY')!;
      expect(peak).toMatchObject({ label: `peak_memory@${f.deviceProfileId}`, deviceProfileId: f.deviceProfileId, unit: 'KB', reference: 1100 });
      expect(peak.total).toBeLessThanOrEqual(1000);
      // SiLU and LeakyReLU at model.0.act are what the budget rules out.
      expect(p.changes.find((c) => c.site === 'model.0.act')?.activation).toMatch(/^(hardswish|relu|relu6)$/);
    }
    // Without the budget the best proposal keeps SiLU there, over the budget.
    const { submitSearch: free } = await org.owner.client.data(SubmitSearchDocument, { input: peakSearch([]) });
    expect((await waitForSearch(org, free.id)).status).toBe('SUCCEEDED');
    const { organization: after } = await org.owner.client.data(ProjectProposalsDocument, { slug: org.slug, projectId: f.projectId });
    const best = after.project.latestProposalSet!.proposals[0]!;
    expect(best.changes.find((c) => c.site === 'model.0.act')).toBeUndefined();
    expect(best.totals.find((total) => total.metric === 'ACCURACY')!.total).toBeGreaterThan(set.proposals[0]!.totals.find((total) => total.metric === 'ACCURACY')!.total);
  });

  it('an unreachable peak fails the search as INFEASIBLE, naming the smallest peak', async () => {
    const { submitSearch } = await org.owner.client.data(SubmitSearchDocument, {
      input: peakSearch([{ metric: { metric: 'PEAK_MEMORY' }, bound: 'MAX', value: 900, of: 'TOTAL' }]),
    });
    const done = await waitForSearch(org, submitSearch.id);
    expect(done.status).toBe('FAILED');
    expect(done.error).toEqual({ code: 'INFEASIBLE', message: `No assignment meets the budgets: peak_memory@${f.deviceProfileId} ≤ 900 (best reachable ≥ 950)` });
  });

  it('refuses PEAK_MEMORY as an objective, as a MIN or DELTA budget, without live-set rows, and as a table filter', async () => {
    const peak = (overrides: Partial<BudgetInput> = {}): BudgetInput => ({ metric: { metric: 'PEAK_MEMORY' }, bound: 'MAX', value: 1000, of: 'TOTAL', ...overrides });
    const objective = await org.owner.client.request(SubmitSearchDocument, { input: peakSearch([], { objective: { sense: 'MIN', metric: { metric: 'PEAK_MEMORY' } } }) });
    expect(errorOf(objective)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'objective', 'metric'] });
    expect(errorOf(await org.owner.client.request(SubmitSearchDocument, { input: peakSearch([peak({ bound: 'MIN' })]) }))).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'budgets', 0] });
    expect(errorOf(await org.owner.client.request(SubmitSearchDocument, { input: peakSearch([peak({ of: 'DELTA' })]) }))).toMatchObject({ code: 'BAD_USER_INPUT' });
    const noRows = await org.owner.client.request(SubmitSearchDocument, { input: peakSearch([peak()], { costTableIds: [f.tables.latency, f.tables.memory, f.tables.accuracy] }) });
    expect(errorOf(noRows)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(errorOf(noRows).message).toMatch(/needs live-set rows: publish the memory table with liveSet/);
    const noMemory = await org.owner.client.request(SubmitSearchDocument, { input: peakSearch([peak()], { costTableIds: [f.tables.latency, f.tables.accuracy] }) });
    expect(errorOf(noMemory).message).toMatch(/peak_memory needs a chosen memory table/);
    const filter = await org.owner.client.request(MemoryTablesWithLiveSetsDocument, { slug: org.slug, metric: 'PEAK_MEMORY' });
    expect(errorOf(filter)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['metric'] });
  });
});
