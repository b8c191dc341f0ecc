import { migrations } from '@actnas/migrations';
import { print } from 'graphql/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CostTableCheckDocument,
  CostTableDocument,
  CostTablesDocument,
  ModelSpecDocument,
  PublishCostTableDocument,
  RegisterBuiltinModelSpecDocument,
  SubmitSearchDocument,
} from '../client/generated.js';
import type { PublishCostTableInput, SubmitSearchInput } from '../client/generated.js';
import { errorOf } from './support/client.js';
import { exampleTable } from './support/examples.js';
import { createDeviceProfile, createOrganization, createProject } from './support/fixtures.js';
import type { OrgFixture } from './support/fixtures.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

let t: TestServer;
let org: OrgFixture;
let profileId: string;
let specId: string;
let projectId: string;
let latencyCsv: string;
let siteNames: string[];

/** The example table without the rows of `dropped` sites. */
const without = (csv: string, dropped: readonly string[]): string =>
  csv
    .split('\n')
    .filter((line) => !dropped.includes(line.split(',')[0]!))
    .join('\n');

beforeAll(async () => {
  t = await startTestServer();
  org = await createOrganization(t.client, 'partial');
  profileId = await createDeviceProfile(org.owner.client, org.id);
  const { registerBuiltinModelSpec } = await org.owner.client.data(RegisterBuiltinModelSpecDocument, { input: { organizationId: org.id, builtinName: 'yolov5nu' } });
  specId = registerBuiltinModelSpec.id;
  projectId = await createProject(org.owner.client, org.id);
  latencyCsv = await exampleTable('latency');
  const { organization } = await org.owner.client.data(ModelSpecDocument, { slug: org.slug, id: specId });
  siteNames = organization.modelSpec.sites.map((s) => s.name);
});
afterAll(async () => {
  await t?.close();
});

const publishInput = (overrides: Partial<PublishCostTableInput> = {}): PublishCostTableInput => ({
  organizationId: org.id,
  deviceProfileId: profileId,
  modelSpecId: specId,
  metric: 'LATENCY',
  format: 'CSV',
  content: latencyCsv,
  provenance: { source: 'SYNTHETIC' },
  ...overrides,
});

const tableCount = async (): Promise<number> =>
  (await org.owner.client.data(CostTablesDocument, { slug: org.slug, first: 100 })).organization.costTables.nodes.length;

describe('a cost table that lacks sites of its model spec', () => {
  it('is rejected at publish, naming every missing site, and nothing is stored', async () => {
    const missing = siteNames.slice(20, 29);
    const before = await tableCount();
    const response = await org.owner.client.request(PublishCostTableDocument, { input: publishInput({ content: without(latencyCsv, missing) }) });
    expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'content'] });
    expect(errorOf(response).message).toContain('lacks 9 of the 68 sites of model spec "yolov5nu"');
    expect(errorOf(response).message).toContain(`${missing.slice(0, 5).join(', ')} and 4 more`);
    const extensions = response.errors![0]!.extensions!;
    expect(extensions['missingSites']).toEqual(missing);
    expect((extensions['issues'] as { message: string }[]).map((i) => i.message)).toEqual(missing.map((site) => `no rows for site "${site}" of model spec "yolov5nu"`));
    expect(await tableCount()).toBe(before);
  });

  it('is stored as partial when published with partial: true, and says which sites it lacks', async () => {
    const missing = [siteNames[3]!, siteNames[40]!];
    const { publishCostTable } = await org.owner.client.data(PublishCostTableDocument, { input: publishInput({ content: without(latencyCsv, missing), partial: true }) });
    expect(publishCostTable).toMatchObject({ partial: true, missingSites: missing });
    const listed = await org.owner.client.data(CostTablesDocument, { slug: org.slug, first: 100 });
    expect(listed.organization.costTables.nodes.find((n) => n.id === publishCostTable.id)).toMatchObject({ partial: true, missingSites: missing });
    const { organization } = await org.owner.client.data(CostTableDocument, { slug: org.slug, id: publishCostTable.id });
    expect(organization.costTable.sites).toHaveLength(66);
    const complete = await org.owner.client.data(PublishCostTableDocument, { input: publishInput({ partial: true }) });
    expect(complete.publishCostTable).toMatchObject({ partial: false, missingSites: [] });
  });

  it('serves no search that needs its missing sites, and serves one that locks them to their reference', async () => {
    const missing = [siteNames[5]!, siteNames[6]!];
    const { publishCostTable: partial } = await org.owner.client.data(PublishCostTableDocument, { input: publishInput({ content: without(latencyCsv, missing), partial: true }) });
    const submit = (overrides: Partial<SubmitSearchInput> = {}) =>
      org.owner.client.request(SubmitSearchDocument, {
        input: { organizationId: org.id, projectId, modelSpecId: specId, costTableIds: [partial.id], objective: { sense: 'MIN', metric: { metric: 'LATENCY' } }, ...overrides },
      });
    const refused = await submit();
    expect(errorOf(refused)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'costTableIds', 0] });
    expect(errorOf(refused).message).toBe(
      `The latency table v${partial.version} is partial: it has no rows for 2 sites of yolov5nu this search needs (${missing.join(', ')}). Lock them to their reference activation or choose a complete table.`,
    );
    const lockedElsewhere = await submit({ locks: missing.map((site) => ({ site, activation: 'relu' })) });
    expect(errorOf(lockedElsewhere).field).toEqual(['input', 'costTableIds', 0]);
    const served = await submit({ locks: missing.map((site) => ({ site, activation: 'silu' })) });
    expect(served.errors).toBeUndefined();
    expect(served.data?.submitSearch.status).toMatch(/QUEUED|RUNNING|SUCCEEDED/);
  });
});

describe('costTableCheck', () => {
  const check = (content: string) =>
    org.owner.client.data(CostTableCheckDocument, { slug: org.slug, input: { modelSpecId: specId, metric: 'LATENCY', format: 'CSV', content } });

  it('checks a file as publish would, storing nothing: missing sites, counts, unit', async () => {
    const before = await tableCount();
    const missing = siteNames.slice(60);
    const { organization } = await check(without(latencyCsv, missing));
    expect(organization.costTableCheck).toEqual({ issues: [], issueCount: 0, siteCount: 60, cellCount: 300, unit: 'ms', missingSites: missing, modelSiteCount: 68 });
    expect(await tableCount()).toBe(before);
  });

  it('reports the same rows as a rejected publish, the first 100 problems and how many in all', async () => {
    const wrongUnit = latencyCsv.replace(/,ms$/gm, ',us');
    const { organization } = await check(wrongUnit);
    expect(organization.costTableCheck.issueCount).toBe(340);
    expect(organization.costTableCheck.issues).toHaveLength(100);
    expect(organization.costTableCheck.issues[0]).toEqual({ row: 2, column: 'unit', message: 'unit "us" does not match the latency table\'s unit "ms"' });

    const lines = latencyCsv.split('\n');
    const broken = [lines[0], lines[1], '', '', lines[2]!.replace(/,0,/, ',abc,'), ...lines.slice(3)].join('\n');
    const checked = (await check(broken)).organization.costTableCheck;
    const published = await org.owner.client.request(PublishCostTableDocument, { input: publishInput({ content: broken }) });
    expect(checked.issues[0]).toEqual({ row: 5, column: 'delta', message: 'not a decimal number: "abc"' });
    expect(published.errors![0]!.extensions!['issues']).toEqual(checked.issues);
  });

  it('answers a file-sized check without the response cache, which keeps only small requests', async () => {
    const post = async (content: string) => {
      const response = await fetch(t.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${org.owner.token}` },
        body: JSON.stringify({ query: print(CostTableCheckDocument), variables: { slug: org.slug, input: { modelSpecId: specId, metric: 'LATENCY', format: 'CSV', content } } }),
      });
      expect(response.status).toBe(200);
      return response.headers.get('x-actnas-cache');
    };
    const small = latencyCsv.split('\n').slice(0, 3).join('\n');
    await post(small);
    expect(await post(small)).toBe('hit');
    const large = latencyCsv.repeat(5);
    expect(large.length).toBeGreaterThan(64 * 1024);
    await post(large);
    expect(await post(large)).not.toBe('hit');
  });

  it('names unknown sites and answers NOT_FOUND for a model spec of another organization', async () => {
    const [header] = latencyCsv.split('\n');
    const { organization } = await check(`${header}\nmodel.999.act,relu,937.89,-1,0.1,ms\n`);
    expect(organization.costTableCheck.issues).toEqual([{ row: null, column: 'site', message: 'site "model.999.act" is not in model spec "yolov5nu"' }]);
    const other = await createOrganization(t.client, 'other');
    const foreign = await other.owner.client.request(CostTableCheckDocument, { slug: other.slug, input: { modelSpecId: specId, metric: 'LATENCY', format: 'CSV', content: latencyCsv } });
    expect(errorOf(foreign).code).toBe('NOT_FOUND');
  });
});

describe('the PartialCostTables migration', () => {
  it('marks tables published before it that lack sites of their model spec as partial', async () => {
    const missing = [siteNames[1]!, siteNames[67]!];
    const { publishCostTable: partial } = await org.owner.client.data(PublishCostTableDocument, { input: publishInput({ content: without(latencyCsv, missing), partial: true }) });
    const { publishCostTable: complete } = await org.owner.client.data(PublishCostTableDocument, { input: publishInput() });
    const Migration = migrations.find((m) => new m().name?.startsWith('PartialCostTables'))!;
    const runner = t.server.dataSource.createQueryRunner();
    try {
      await new Migration().down(runner);
      await new Migration().up(runner);
    } finally {
      await runner.release();
    }
    const rows = await t.server.dataSource.query<{ id: string; missing_sites: string[] }[]>(`SELECT id, missing_sites FROM cost_tables WHERE id = ANY($1)`, [[partial.id, complete.id]]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.missing_sites]))).toEqual({ [partial.id]: missing, [complete.id]: [] });
  });
});
