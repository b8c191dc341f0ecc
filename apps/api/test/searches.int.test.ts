import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOnnx } from '@actnas/core';
import { ExportProposalDocument, ProjectProposalsDocument, ProposalSetDiffDocument, ProposalSetTopDocument, ProposalSetVersionDocument, SearchRequestDetailsDocument, SubmitSearchDocument } from '../client/generated.js';
import { errorOf } from './support/client.js';
import { createOrganization } from './support/fixtures.js';
import type { OrgFixture } from './support/fixtures.js';
import { searchFixture, searchInput, waitForSearch } from './support/search-fixture.js';
import type { SearchFixture } from './support/search-fixture.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

let t: TestServer;
let org: OrgFixture;
let f: SearchFixture;
beforeAll(async () => {
  t = await startTestServer({ searchWorkers: 2 });
  org = await createOrganization(t.client, 'search');
  f = await searchFixture(org);
});
afterAll(async () => {
  await t?.close();
});

describe('search requests and proposal sets', () => {
  it('runs a search as a job and stores its proposals as version 1', async () => {
    const started = Date.now();
    const { submitSearch } = await org.owner.client.data(SubmitSearchDocument, { input: searchInput(org, f) });
    expect(submitSearch).toMatchObject({ status: 'QUEUED', strategy: 'ILP', k: 3 });
    const done = await waitForSearch(org, submitSearch.id);
    console.log(`submission to proposal set: ${Date.now() - started} ms`);
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempts: 1, error: null, proposalSet: { version: 1 } });

    const { organization } = await org.owner.client.data(ProjectProposalsDocument, { slug: org.slug, projectId: f.projectId });
    const latest = organization.project.latestProposalSet!;
    expect(latest).toMatchObject({ version: 1, strategy: 'ilp', searchRequest: { id: submitSearch.id } });
    expect(latest.proposals.map((p) => p.rank)).toEqual([1, 2, 3]);
    const best = latest.proposals[0]!;
    const accuracy = best.totals.find((total) => total.metric === 'ACCURACY')!;
    expect(accuracy.delta).toBeGreaterThanOrEqual(-0.005 - 1e-9);
    expect(best.changes.length).toBe(best.changedSites);
  });

  it('never runs a search twice for one idempotency key, even when retried concurrently', async () => {
    const input = searchInput(org, f, { idempotencyKey: 'ci-run-42' });
    const responses = await Promise.all(Array.from({ length: 8 }, () => org.owner.client.data(SubmitSearchDocument, { input })));
    const ids = new Set(responses.map((r) => r.submitSearch.id));
    expect(ids.size).toBe(1);
    const done = await waitForSearch(org, [...ids][0]!);
    expect(done.status).toBe('SUCCEEDED');
    const again = await org.owner.client.data(SubmitSearchDocument, { input });
    expect(again.submitSearch).toMatchObject({ id: done.id, status: 'SUCCEEDED', proposalSet: done.proposalSet });
    const [row] = await t.server.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM search_requests WHERE idempotency_key = 'ci-run-42'`,
    );
    expect(row!.count).toBe(1);

    const different = await org.owner.client.request(SubmitSearchDocument, { input: { ...input, k: 1 } });
    expect(errorOf(different).code).toBe('CONFLICT');
  });

  it('fails INFEASIBLE budgets without using a version number', async () => {
    const before = await org.owner.client.data(ProjectProposalsDocument, { slug: org.slug, projectId: f.projectId });
    const { submitSearch } = await org.owner.client.data(SubmitSearchDocument, {
      input: searchInput(org, f, { budgets: [{ metric: { metric: 'LATENCY' }, bound: 'MAX', value: 1, of: 'TOTAL' }] }),
    });
    const done = await waitForSearch(org, submitSearch.id);
    expect(done).toMatchObject({ status: 'FAILED', proposalSet: null, error: { code: 'INFEASIBLE' } });
    const after = await org.owner.client.data(ProjectProposalsDocument, { slug: org.slug, projectId: f.projectId });
    expect(after.organization.project.latestProposalSet?.version).toBe(before.organization.project.latestProposalSet?.version);
  });

  it('rejects requests the engine cannot compile, before queueing', async () => {
    const response = await org.owner.client.request(SubmitSearchDocument, {
      input: searchInput(org, f, { costTableIds: [f.tables.latency], objective: { sense: 'MIN', metric: { metric: 'MEMORY' } } }),
    });
    expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input'] });
  });

  it('queries any version and the diff between two', async () => {
    const { submitSearch } = await org.owner.client.data(SubmitSearchDocument, {
      input: searchInput(org, f, { budgets: [{ metric: { metric: 'ACCURACY' }, bound: 'MIN', value: -0.0005, of: 'DELTA' }], k: 1 }),
    });
    const done = await waitForSearch(org, submitSearch.id);
    const to = done.proposalSet!.version;
    const v1 = await org.owner.client.data(ProposalSetVersionDocument, { slug: org.slug, projectId: f.projectId, version: 1 });
    expect(v1.organization.project.proposalSet.version).toBe(1);
    const { organization } = await org.owner.client.data(ProposalSetDiffDocument, { slug: org.slug, projectId: f.projectId, from: 1, to });
    const diff = organization.project.proposalSetDiff;
    expect(diff).toMatchObject({ from: 1, to });
    expect(diff.changedSites.length).toBeGreaterThan(0);
    const latency = diff.metricDeltas.find((d) => d.metric === 'LATENCY')!;
    expect(latency.delta).toBeCloseTo(latency.to! - latency.from!, 9);
    expect(latency.unit).toBe('ms');
    const missing = await org.owner.client.request(ProposalSetVersionDocument, { slug: org.slug, projectId: f.projectId, version: 999 });
    expect(errorOf(missing).code).toBe('NOT_FOUND');
  });

  it('exports a proposal as JSON, Ultralytics YAML and rewritten ONNX', async () => {
    const vars = { slug: org.slug, projectId: f.projectId, version: 1, rank: 1 };
    const json = await org.owner.client.data(ExportProposalDocument, { ...vars, format: 'JSON' });
    const body = JSON.parse(json.organization.project.proposalSet.export.content) as { sites: { site: string; activation: string }[] };
    expect(body.sites).toHaveLength(68);
    const yaml = (await org.owner.client.data(ExportProposalDocument, { ...vars, format: 'ULTRALYTICS_YAML' })).organization.project.proposalSet.export;
    expect(yaml).toMatchObject({ filename: 'yolov5nu-v1-rank1.yaml', weights: 'NONE', encoding: 'utf8' });
    expect(yaml.content).toMatch(/backbone/);
    const onnx = (await org.owner.client.data(ExportProposalDocument, { ...vars, format: 'ONNX' })).organization.project.proposalSet.export;
    expect(onnx).toMatchObject({ filename: 'yolov5nu-v1-rank1.onnx', weights: 'SEEDED', encoding: 'base64' });
    const imported = importOnnx(new Uint8Array(Buffer.from(onnx.content, 'base64')));
    expect(imported.sites).toHaveLength(68);
    const chosen = new Map(body.sites.map((s) => [s.site, s.activation]));
    const mismatched = imported.sites.filter((site) => chosen.get(site.name) !== site.activation.id);
    expect(mismatched.map((s) => s.name)).toEqual([]);
  });

  it('queues comparison strategies with a search in one transaction and answers what it searched, typed', async () => {
    const input = searchInput(org, f, { compareWith: ['LZCM', 'NAIVE', 'ILP'], locks: [{ site: 'model.0.act', activation: 'relu' }], diversity: 2 });
    const { submitSearch } = await org.owner.client.data(SubmitSearchDocument, { input });
    const { organization } = await org.owner.client.data(SearchRequestDetailsDocument, { slug: org.slug, id: submitSearch.id });
    const request = organization.searchRequest;
    expect(request).toMatchObject({
      strategy: 'ILP',
      diversity: 2,
      objective: { sense: 'MIN', metric: { metric: 'LATENCY', deviceProfileId: null }, terms: [] },
      budgets: [{ metric: { metric: 'ACCURACY', deviceProfileId: null }, bound: 'MIN', value: -0.005, of: 'DELTA' }],
      locks: [{ site: 'model.0.act', activation: 'relu' }],
      modelSpec: { id: f.modelSpecId, name: 'yolov5nu', kind: 'BUILTIN' },
      comparisonOf: null,
    });
    expect(request.costTables.map((table) => table.id)).toEqual([f.tables.latency, f.tables.memory, f.tables.accuracy]);
    // The main strategy is not queued twice; each comparison is k = 1 and points back.
    expect(request.comparisons.map((c) => [c.strategy, c.k, c.comparisonOf?.id])).toEqual([
      ['LZCM', 1, submitSearch.id],
      ['NAIVE', 1, submitSearch.id],
    ]);
    for (const comparison of request.comparisons) expect((await waitForSearch(org, comparison.id)).status).toBe('SUCCEEDED');
    expect((await waitForSearch(org, submitSearch.id)).status).toBe('SUCCEEDED');
  });

  it('queues nothing when one table of a compared search is missing', async () => {
    const count = async () =>
      (await t.server.dataSource.query<{ count: number }[]>(`SELECT count(*)::int AS count FROM search_requests WHERE project_id = $1`, [f.projectId]))[0]!.count;
    const before = await count();
    const response = await org.owner.client.request(SubmitSearchDocument, {
      input: searchInput(org, f, { costTableIds: [f.tables.latency, '00000000-0000-4000-8000-000000000000'], compareWith: ['LZCM', 'NAIVE'] }),
    });
    expect(errorOf(response)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await count()).toBe(before);
  });

  it('answers the best few proposals and the uniform baselines typed', async () => {
    const vars = { slug: org.slug, projectId: f.projectId, version: 1 };
    const { organization } = await org.owner.client.data(ProposalSetTopDocument, { ...vars, first: 2 });
    const set = organization.project.proposalSet;
    expect(set.proposals.map((p) => p.rank)).toEqual([1, 2]);
    expect(set.second?.rank).toBe(2);
    expect(set.missing).toBeNull();
    expect(set.baselines.map((b) => b.name)).toEqual(['all-reference', 'all-relu', 'all-hardswish']);
    const reference = set.baselines[0]!;
    expect(reference.available).toBe(true);
    expect(reference.activations).toHaveLength(68);
    expect(reference.activations.every((a) => a.activation === 'silu')).toBe(true);
    expect(reference.totals.find((t) => t.metric === 'LATENCY')!.delta).toBe(0);
    const all = await org.owner.client.data(ProposalSetTopDocument, vars);
    expect(all.organization.project.proposalSet.proposals.map((p) => p.rank)).toEqual([1, 2, 3]);
    const negative = await org.owner.client.request(ProposalSetTopDocument, { ...vars, first: -1 });
    expect(errorOf(negative)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['first'] });
  });
});
