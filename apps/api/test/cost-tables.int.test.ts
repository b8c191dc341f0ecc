import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { YOLOV5U_YAML, buildGraph, emitOnnx, parseModelYaml } from '@actnas/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BuiltinModelNamesDocument,
  CostTableDocument,
  CostTablesDocument,
  ModelSpecDocument,
  ModelSpecsDocument,
  PublishCostTableDocument,
  RegisterBuiltinModelSpecDocument,
  SetCostTableVisibilityDocument,
  SetDeviceProfileVisibilityDocument,
  SubmitSearchDocument,
  UploadModelSpecDocument,
} from '../client/generated.js';
import type { PublishCostTableInput } from '../client/generated.js';
import { errorOf } from './support/client.js';
import { exampleTable } from './support/examples.js';
import { createApiToken, createDeviceProfile, createOrganization, createProject } from './support/fixtures.js';
import type { OrgFixture } from './support/fixtures.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

let t: TestServer;
let owner: OrgFixture;
let partner: OrgFixture;
let profileId: string;
let specId: string;
let latencyCsv: string;

beforeAll(async () => {
  t = await startTestServer({ modelMaxBytes: 64 * 1024 });
  [owner, partner] = await Promise.all([createOrganization(t.client, 'tables'), createOrganization(t.client, 'reader')]);
  profileId = await createDeviceProfile(owner.owner.client, owner.id);
  const { registerBuiltinModelSpec } = await owner.owner.client.data(RegisterBuiltinModelSpecDocument, {
    input: { organizationId: owner.id, builtinName: 'yolov5nu' },
  });
  specId = registerBuiltinModelSpec.id;
  latencyCsv = await exampleTable('latency');
});
afterAll(async () => {
  await t?.close();
});

const publishInput = (overrides: Partial<PublishCostTableInput> = {}): PublishCostTableInput => ({
  organizationId: owner.id,
  deviceProfileId: profileId,
  modelSpecId: specId,
  metric: 'LATENCY',
  format: 'CSV',
  content: latencyCsv,
  provenance: { source: 'SYNTHETIC', note: 'core example' },
  ...overrides,
});

describe('model specs', () => {
  it('registers built-ins with their sites', async () => {
    const { builtinModelNames } = await t.client.data(BuiltinModelNamesDocument);
    expect(builtinModelNames).toContain('yolov5nu');
    const { organization } = await owner.owner.client.data(ModelSpecDocument, { slug: owner.slug, id: specId });
    expect(organization.modelSpec).toMatchObject({ kind: 'BUILTIN', builtinName: 'yolov5nu', siteCount: 68, sha256: null });
    expect(organization.modelSpec.sites[0]).toEqual({ name: 'model.0.act', reference: 'silu' });
    const unknown = await owner.owner.client.request(RegisterBuiltinModelSpecDocument, {
      input: { organizationId: owner.id, builtinName: 'yolov99', name: 'x' },
    });
    expect(errorOf(unknown)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'builtinName'] });
  });

  it('stores uploaded files once by content hash, within the size limit', async () => {
    const yaml = YOLOV5U_YAML;
    const a = await owner.owner.client.request(UploadModelSpecDocument, { input: { organizationId: owner.id, name: 'tiny', format: 'YAML', content: yaml } });
    const b = await partner.owner.client.request(UploadModelSpecDocument, { input: { organizationId: partner.id, name: 'tiny', format: 'YAML', content: yaml } });
    expect(a.errors).toBeUndefined();
    expect(a.data!.uploadModelSpec).toMatchObject({ kind: 'YAML', siteCount: 68 });
    expect(a.data!.uploadModelSpec.sha256).toBe(b.data!.uploadModelSpec.sha256);
    const [row] = await t.server.dataSource.query<{ count: number }[]>(`SELECT count(*)::int AS count FROM model_blobs`);
    expect(row!.count).toBe(1);
    const badYaml = await owner.owner.client.request(UploadModelSpecDocument, {
      input: { organizationId: owner.id, name: 'broken', format: 'YAML', content: 'backbone: [[' },
    });
    expect(errorOf(badYaml)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'content'] });
    const garbage = await owner.owner.client.request(UploadModelSpecDocument, {
      input: { organizationId: owner.id, name: 'bad', format: 'ONNX', content: Buffer.from('not onnx').toString('base64') },
    });
    expect(errorOf(garbage)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'content'] });
    const huge = await owner.owner.client.request(UploadModelSpecDocument, {
      input: { organizationId: owner.id, name: 'huge', format: 'ONNX', content: Buffer.alloc(65 * 1024).toString('base64') },
    });
    expect(errorOf(huge)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'content'] });
    expect(errorOf(huge).message).toMatch(/limited to 65536 bytes/);
    const { organization } = await owner.owner.client.data(ModelSpecsDocument, { slug: owner.slug });
    expect(organization.modelSpecs.nodes.map((s) => s.name)).not.toContain('huge');
  });
});

describe('cost tables', () => {
  it('publishes immutable numbered versions from the core parser', async () => {
    const v1 = (await owner.owner.client.data(PublishCostTableDocument, { input: publishInput() })).publishCostTable;
    const v2 = (await owner.owner.client.data(PublishCostTableDocument, { input: publishInput() })).publishCostTable;
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v1).toMatchObject({ metric: 'LATENCY', unit: 'ms', modelSpecName: 'yolov5nu', provenance: { source: 'SYNTHETIC' } });
    const { organization } = await owner.owner.client.data(CostTableDocument, { slug: owner.slug, id: v1.id });
    expect(organization.costTable.sites).toHaveLength(68);
    expect(organization.costTable.cells.length).toBeGreaterThan(68);
    expect(organization.costTable.csv.split('\n')[0]).toMatch(/^layer,activation,reference,delta/);
    const schema = await t.server.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM information_schema.columns WHERE table_name = 'cost_tables' AND column_name = 'updated_at'`,
    );
    expect(schema[0]!.count).toBe(0);
  });

  it('keeps the run count of each cell, as the profiler writes it, through publish, cells and csv', async () => {
    const [header, ...rows] = latencyCsv.trim().split('\n');
    const columns = header!.split(',');
    const withRuns = [[...columns.slice(0, -1), 'runs', columns.at(-1)].join(','), ...rows.map((r, i) => { const c = r.split(','); return [...c.slice(0, -1), String(10 + i), c.at(-1)].join(','); })].join('\n');
    const published = (await owner.owner.client.data(PublishCostTableDocument, { input: publishInput({ content: withRuns }) })).publishCostTable;
    const { organization } = await owner.owner.client.data(CostTableDocument, { slug: owner.slug, id: published.id });
    const first = rows[0]!.split(',');
    expect(organization.costTable.cells.find((c) => c.site === first[0] && c.activation === first[1])?.runs).toBe(10);
    expect(organization.costTable.csv.split('\n')[0]).toMatch(/,runs,unit$/);
    const bad = await owner.owner.client.request(PublishCostTableDocument, { input: publishInput({ content: withRuns.replace(/,10,(ms)$/m, ',-3,$1') }) });
    expect(errorOf(bad).code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(bad.errors![0]!.extensions!['issues'])).toContain('runs must be a positive whole number, got -3');
  });

  it('answers a huge bad upload with the first 100 issues and their count, not a 17 MB error', async () => {
    const [header] = latencyCsv.trim().split('\n');
    const rows = Array.from({ length: 100_000 }, (_, i) => `model.${1000 + i}.act,relu,937.89,-1,0.1,ms`);
    const content = [header, ...rows].join('\n');
    expect(content.length).toBeGreaterThan(2_500_000);
    const response = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.owner.token}` },
      body: JSON.stringify({ query: `mutation($input: PublishCostTableInput!) { publishCostTable(input: $input) { id } }`, variables: { input: publishInput({ content }) } }),
    });
    const text = await response.text();
    expect(text.length).toBeLessThan(100_000);
    const error = (JSON.parse(text) as { errors: { extensions: { code: string; issues: unknown[]; issueCount: number } }[] }).errors[0]!;
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issueCount: 100_000 });
    expect(error.extensions.issues).toHaveLength(100);
  });

  it('rejects malformed uploads whole, listing every issue', async () => {
    const [header, ...rows] = latencyCsv.trim().split('\n');
    const broken = [header, ...rows.slice(0, 10), 'model.0.act,relu,937.89,not-a-number,0.1,ms', 'model.999.act,relu,937.89,1,0.1,ms'].join('\n');
    const before = await owner.owner.client.data(CostTablesDocument, { slug: owner.slug, first: 100 });
    const response = await owner.owner.client.request(PublishCostTableDocument, { input: publishInput({ content: broken }) });
    expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'content'] });
    const issues = response.errors![0]!.extensions!['issues'] as unknown[];
    expect(issues.length).toBeGreaterThanOrEqual(1);
    const unknownSite = await owner.owner.client.request(PublishCostTableDocument, {
      input: publishInput({ content: `${header}\nmodel.999.act,relu,937.89,-1,0.1,ms\n` }),
    });
    expect(errorOf(unknownSite).code).toBe('BAD_USER_INPUT');
    const after = await owner.owner.client.data(CostTablesDocument, { slug: owner.slug, first: 100 });
    expect(after.organization.costTables.nodes.length).toBe(before.organization.costTables.nodes.length);
  });

  it('are readable where the device profile is shared, and never publishable there', async () => {
    const { publishCostTable } = await owner.owner.client.data(PublishCostTableDocument, { input: publishInput({ metric: 'MEMORY', content: await exampleTable('memory') }) });
    expect(errorOf(await partner.owner.client.request(CostTableDocument, { slug: partner.slug, id: publishCostTable.id })).code).toBe('NOT_FOUND');
    await owner.owner.client.data(SetDeviceProfileVisibilityDocument, {
      input: { organizationId: owner.id, id: profileId, visibility: 'SHARED', sharedWith: [partner.slug] },
    });
    const seen = await partner.owner.client.data(CostTableDocument, { slug: partner.slug, id: publishCostTable.id });
    expect(seen.organization.costTable).toMatchObject({ id: publishCostTable.id, deviceProfile: { owner: { slug: owner.slug } } });
    const listed = await partner.owner.client.data(CostTablesDocument, { slug: partner.slug, deviceProfileId: profileId, metric: 'MEMORY' });
    expect(listed.organization.costTables.nodes.map((n) => n.id)).toEqual([publishCostTable.id]);

    const { registerBuiltinModelSpec } = await partner.owner.client.data(RegisterBuiltinModelSpecDocument, {
      input: { organizationId: partner.id, builtinName: 'yolov5nu' },
    });
    const foreign = await partner.owner.client.request(PublishCostTableDocument, {
      input: publishInput({ organizationId: partner.id, modelSpecId: registerBuiltinModelSpec.id }),
    });
    expect(errorOf(foreign).code).toBe('FORBIDDEN');
  });

  it('a restricted (PRIVATE) table stays with its organization where its profile is shared; only the owner lifts it', async () => {
    const sharedProfileId = await createDeviceProfile(owner.owner.client, owner.id);
    await owner.owner.client.data(SetDeviceProfileVisibilityDocument, {
      input: { organizationId: owner.id, id: sharedProfileId, visibility: 'SHARED', sharedWith: [partner.slug] },
    });
    const accuracy = await exampleTable('accuracy');
    const publish = async (visibility?: 'PRIVATE') =>
      (await owner.owner.client.data(PublishCostTableDocument, { input: publishInput({ deviceProfileId: sharedProfileId, metric: 'ACCURACY', content: accuracy, ...(visibility ? { visibility } : {}) }) }))
        .publishCostTable;
    const restricted = await publish('PRIVATE');
    const inheriting = await publish();
    expect([restricted.visibility, inheriting.visibility]).toEqual(['PRIVATE', 'INHERIT']);
    const ownView = await owner.owner.client.data(CostTableDocument, { slug: owner.slug, id: restricted.id });
    expect(ownView.organization.costTable.visibility).toBe('PRIVATE');

    const partnerSees = async () => {
      const listed = await partner.owner.client.data(CostTablesDocument, { slug: partner.slug, deviceProfileId: sharedProfileId });
      return listed.organization.costTables.nodes.map((n) => n.id);
    };
    const hidden = await partner.owner.client.request(CostTableDocument, { slug: partner.slug, id: restricted.id });
    const missing = await partner.owner.client.request(CostTableDocument, { slug: partner.slug, id: '00000000-0000-4000-8000-000000000000' });
    expect(errorOf(hidden)).toEqual(errorOf(missing));
    expect(errorOf(hidden).code).toBe('NOT_FOUND');
    expect(await partnerSees()).toEqual([inheriting.id]);

    const { registerBuiltinModelSpec } = await partner.owner.client.data(RegisterBuiltinModelSpecDocument, {
      input: { organizationId: partner.id, builtinName: 'yolov5nu', name: `mine-${Date.now()}` },
    });
    const search = await partner.owner.client.request(SubmitSearchDocument, {
      input: {
        organizationId: partner.id,
        projectId: await createProject(partner.owner.client, partner.id),
        modelSpecId: registerBuiltinModelSpec.id,
        costTableIds: [restricted.id],
        objective: { sense: 'MAX', metric: { metric: 'ACCURACY' } },
      },
    });
    expect(errorOf(search).code).toBe('NOT_FOUND');

    const lift = (id: string, visibility: 'INHERIT' | 'PRIVATE', as = owner) =>
      as.owner.client.request(SetCostTableVisibilityDocument, { input: { organizationId: as.id, id, visibility } });
    expect(errorOf(await lift(restricted.id, 'INHERIT', partner)).code).toBe('NOT_FOUND');
    expect(errorOf(await lift(inheriting.id, 'PRIVATE', partner)).code).toBe('FORBIDDEN');
    expect((await lift(restricted.id, 'INHERIT')).data?.setCostTableVisibility).toEqual({ id: restricted.id, visibility: 'INHERIT' });
    expect((await partnerSees()).sort()).toEqual([restricted.id, inheriting.id].sort());
    await lift(restricted.id, 'PRIVATE');
    expect(await partnerSees()).toEqual([inheriting.id]);
  });
});

describe('model uploads over HTTP (PUT /uploads/model-specs)', () => {
  const put = (token: string | undefined, params: Record<string, string>, body: NonNullable<RequestInit['body']>, headers: Record<string, string> = {}) =>
    fetch(new URL(`/uploads/model-specs?${new URLSearchParams(params)}`, t.server.url), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body,
      duplex: 'half',
    } as RequestInit);
  const errorBody = async (response: Response) => ((await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors[0]!;
  const counts = async () =>
    (await t.server.dataSource.query<{ specs: number; blobs: number }[]>(
      `SELECT (SELECT count(*)::int FROM model_specs) AS specs, (SELECT count(*)::int FROM model_blobs) AS blobs`,
    ))[0]!;
  const tinyOnnx = () => emitOnnx(buildGraph(parseModelYaml('nc: 1\nbackbone:\n  - [-1, 1, Conv, [3, 1, 1]]\nhead: []\n', { name: 'tiny' }), { imgsz: 32 }));

  it('streams a model in, stores it once by content hash, and answers the same id for the same upload', async () => {
    const onnx = tinyOnnx();
    const params = { organizationId: owner.id, name: 'tiny-streamed' };
    const first = await put(owner.owner.token, params, onnx);
    expect(first.status).toBe(201);
    const created = (await first.json()) as { id: string; sha256: string; sizeBytes: number; siteCount: number; created: boolean };
    expect(created).toMatchObject({ sha256: createHash('sha256').update(onnx).digest('hex'), sizeBytes: onnx.length, siteCount: 1, created: true });
    const before = await counts();
    const again = await put(owner.owner.token, params, onnx);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: created.id, created: false });
    const elsewhere = await put(partner.owner.token, { organizationId: partner.id, name: 'theirs' }, onnx);
    expect(elsewhere.status).toBe(201);
    expect((await counts()).blobs).toBe(before.blobs);
    const { organization } = await owner.owner.client.data(ModelSpecDocument, { slug: owner.slug, id: created.id });
    expect(organization.modelSpec).toMatchObject({ kind: 'ONNX', siteCount: 1, sha256: created.sha256 });
    const other = await put(owner.owner.token, params, Buffer.from(YOLOV5U_YAML), {});
    expect(other.status).toBe(409);
    expect((await errorBody(other)).extensions['code']).toBe('CONFLICT');
  });

  it('rejects a body over the limit with 413 while it streams, storing nothing', async () => {
    const before = await counts();
    const chunk = new Uint8Array(16 * 1024);
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.length;
        if (sent > 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const streamed = await put(owner.owner.token, { organizationId: owner.id, name: 'too-big' }, endless);
    expect(streamed.status).toBe(413);
    expect(await errorBody(streamed)).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'PAYLOAD_TOO_LARGE', limitBytes: 65_536 } });
    const declared = await put(owner.owner.token, { organizationId: owner.id, name: 'too-big' }, new Uint8Array(65_537));
    expect(declared.status).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it('names the problem of a malformed ONNX file (core OnnxFormatError code), 400', async () => {
    const before = await counts();
    const response = await put(owner.owner.token, { organizationId: owner.id, name: 'garbage' }, Buffer.from('definitely not a protobuf'));
    expect(response.status).toBe(400);
    const error = await errorBody(response);
    expect(error.message).toMatch(/^Not a usable ONNX model: /);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['body'] });
    expect(error.extensions['reason']).toMatch(/^[A-Z_]+$/);
    const truncated = await put(owner.owner.token, { organizationId: owner.id, name: 'truncated' }, tinyOnnx().slice(0, 100));
    expect(truncated.status).toBe(400);
    expect((await errorBody(truncated)).extensions['reason']).toMatch(/^[A-Z_]+$/);
    expect(await counts()).toEqual(before);
  });

  it('checks the bearer and the organization before reading the body; a foreign organization answers like a missing one', async () => {
    const onnx = tinyOnnx();
    const anonymous = await put(undefined, { organizationId: owner.id, name: 'x' }, onnx);
    expect(anonymous.status).toBe(401);
    expect((await errorBody(anonymous)).extensions['code']).toBe('UNAUTHENTICATED');
    const foreign = await put(partner.owner.token, { organizationId: owner.id, name: 'x' }, onnx);
    const missing = await put(partner.owner.token, { organizationId: '00000000-0000-4000-8000-000000000000', name: 'x' }, onnx);
    expect(foreign.status).toBe(404);
    expect(await errorBody(foreign)).toEqual(await errorBody(missing));
    const noName = await put(owner.owner.token, { organizationId: owner.id }, onnx);
    expect(noName.status).toBe(400);
    expect((await errorBody(noName)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['query', 'name'] });
  });

  /** Headers only, with `Expect: 100-continue`: which the server sends first, `100 Continue` or its final answer. */
  const expectContinue = (token: string, params: Record<string, string>, body: Uint8Array) =>
    new Promise<{ first: 'continue' | 'response'; status: number }>((resolve, reject) => {
      const url = new URL(`/uploads/model-specs?${new URLSearchParams(params)}`, t.server.url);
      const req = httpRequest(url, { method: 'PUT', headers: { 'content-length': String(body.length), authorization: `Bearer ${token}`, expect: '100-continue' } });
      let first: 'continue' | 'response' | undefined;
      req.on('continue', () => {
        first ??= 'continue';
        req.end(body);
      });
      req.on('response', (res) => {
        first ??= 'response';
        res.resume();
        res.on('end', () => resolve({ first: first!, status: res.statusCode ?? 0 }));
        req.destroy();
      });
      req.on('error', (err) => (first === 'response' ? undefined : reject(err)));
      req.flushHeaders();
    });

  it('answers Expect: 100-continue only after its checks: a refused upload is refused before its body is sent', async () => {
    const onnx = tinyOnnx();
    const reader = await createApiToken(owner.owner.client, owner.id, ['READ']);
    expect(await expectContinue(reader, { organizationId: owner.id, name: 'tiny-expect' }, onnx)).toEqual({ first: 'response', status: 403 });
    expect(await expectContinue(owner.owner.token, { organizationId: owner.id, name: 'tiny-expect' }, new Uint8Array(65_537))).toEqual({ first: 'response', status: 413 });
    expect(await expectContinue(owner.owner.token, { organizationId: owner.id, name: 'tiny-expect' }, onnx)).toEqual({ first: 'continue', status: 201 });
  });
});
