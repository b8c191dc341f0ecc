import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { YOLOV5U_YAML, importOnnx } from '@actnas/core';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CostTableDocument,
  CreateDeviceProfileDocument,
  CreateProfilingJobDocument,
  ExportProposalDocument,
  ModelSpecDocument,
  ProfilingJobDocument,
  ProposalSetVersionDocument,
  SubmitSearchDocument,
} from '../apps/api/client/generated.js';
import type { Metric } from '../apps/api/client/generated.js';
import { createApiToken, createOrganization, createProject, deviceProfileInput } from '../apps/api/test/support/fixtures.js';
import type { OrgFixture } from '../apps/api/test/support/fixtures.js';
import { waitForSearch } from '../apps/api/test/support/search-fixture.js';
import { startTestServer } from '../apps/api/test/support/server.js';
import type { TestServer } from '../apps/api/test/support/server.js';

// Bring your own model through the platform: an ONNX file uploaded over HTTP, profiled by the real
// `actnas agent` (built CLI, own process) against a real API on a fresh PostgreSQL database,
// searched over the agent's table, and the rewritten upload loaded in onnxruntime-node.
const bin = fileURLToPath(new URL('../apps/cli/bin/actnas.js', import.meta.url));
const builtCli = new URL('../apps/cli/dist/main.js', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`fixtures/models/${name}`, import.meta.url)));
const YOLOV8N = fixture('yolov8n-pytorch-export-opset17.onnx');
const YOLO11N = fixture('yolo11n-ultralytics-opset17.onnx');
const IMGSZ = 640;

let t: TestServer;
let workDir: string;

beforeAll(async () => {
  if (!existsSync(builtCli)) throw new Error('apps/cli/dist is missing: run `npm run build` first (`npm test` builds before vitest)');
  workDir = await mkdtemp(join(tmpdir(), 'actnas-byom-platform-'));
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const url = (path: string): URL => new URL(path, t.server.url);

async function upload(org: OrgFixture, name: string, bytes: Buffer, format: 'onnx' | 'yaml' = 'onnx'): Promise<{ id: string; sha256: string; siteCount: number }> {
  const response = await fetch(url(`/uploads/model-specs?${new URLSearchParams({ organizationId: org.id, name, format })}`), {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${org.owner.token}` },
    body: new Uint8Array(bytes),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; sha256: string; siteCount: number };
}

interface Setup {
  readonly org: OrgFixture;
  readonly profileId: string;
  readonly specId: string;
  readonly jobId: string;
  readonly token: string;
}

/** An organization with a device profile (640 px unless told), the uploaded file, an AGENT token and one queued job on the upload. */
async function setUp(name: string, file: Buffer, metrics: Metric[], o: { readonly inputSize?: number; readonly format?: 'onnx' | 'yaml' } = {}): Promise<Setup> {
  const org = await createOrganization(t.client, name);
  const owner = org.owner.client;
  const input = deviceProfileInput(org.id, { name: `${name}-cpu`, inputSize: o.inputSize ?? IMGSZ, threads: 1 });
  const profileId = (await owner.data(CreateDeviceProfileDocument, { input })).createDeviceProfile.id;
  const spec = await upload(org, `${name}-model`, file, o.format);
  const token = await createApiToken(owner, org.id, ['AGENT']);
  const job = await owner.data(CreateProfilingJobDocument, { input: { organizationId: org.id, deviceProfileId: profileId, modelSpecId: spec.id, metrics } });
  return { org, profileId, specId: spec.id, jobId: job.createProfilingJob.id, token };
}

function runAgent(token: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, 'agent', '--api', t.server.url, '--token', token, '--work-dir', workDir, '--once', '--threads', '1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function jobOf(s: Setup) {
  return (await s.org.owner.client.data(ProfilingJobDocument, { slug: s.org.slug, id: s.jobId })).organization.profilingJob;
}

describe('bring your own ONNX model through the platform', () => {
  it('upload → agent profiles the upload → search over its table → the exported rewrite runs in onnxruntime with the chosen activations', async () => {
    const s = await setUp('byom', YOLOV8N, ['MEMORY']);
    const owner = s.org.owner.client;
    const { organization } = await owner.data(ModelSpecDocument, { slug: s.org.slug, id: s.specId });
    const spec = organization.modelSpec;
    expect(spec).toMatchObject({ kind: 'ONNX', sha256: sha256(YOLOV8N), sizeBytes: YOLOV8N.length, downloadPath: `/model-specs/${s.specId}/file?organizationId=${s.org.id}` });

    const run = await runAgent(s.token, '--name', 'byom-agent');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/published memory v1/);
    // Kept by hash in the work dir: a restarted agent does not download it again.
    expect(sha256(readFileSync(join(workDir, 'models', spec.sha256!)))).toBe(spec.sha256);

    const job = await jobOf(s);
    expect(job).toMatchObject({ status: 'SUCCEEDED', attempts: 1, costTables: [{ metric: 'MEMORY', version: 1 }] });
    const tableId = job.costTables[0]!.id;
    const table = (await owner.data(CostTableDocument, { slug: s.org.slug, id: tableId })).organization.costTable;
    expect(table.modelSpecName).toBe('byom-model');
    expect(table.partial).toBe(false);
    expect(table.sites).toEqual(spec.sites.map((site) => site.name));
    expect(table.provenance.note).toContain('actnas agent "byom-agent"');

    const projectId = await createProject(owner, s.org.id);
    const submitted = await owner.data(SubmitSearchDocument, {
      input: { organizationId: s.org.id, projectId, modelSpecId: s.specId, costTableIds: [tableId], objective: { sense: 'MIN', metric: { metric: 'MEMORY' } } },
    });
    const search = await waitForSearch(s.org, submitted.submitSearch.id, 120_000);
    expect(search.status, JSON.stringify(search.error)).toBe('SUCCEEDED');
    const version = search.proposalSet!.version;
    const set = (await owner.data(ProposalSetVersionDocument, { slug: s.org.slug, projectId, version })).organization.project.proposalSet!;
    const best = set.proposals.find((p) => p.rank === 1)!;
    expect(best.changedSites).toBeGreaterThan(0);

    const exported = (await owner.data(ExportProposalDocument, { slug: s.org.slug, projectId, version, rank: 1, format: 'ONNX' })).organization.project.proposalSet!.export;
    expect(exported).toMatchObject({ weights: 'UPLOADED', encoding: 'base64' });
    const bytes = Buffer.from(exported.content, 'base64');
    const changed = new Map(best.changes.map((c) => [c.site, c.activation]));
    const expected = spec.sites.map((site) => [site.name, changed.get(site.name) ?? site.reference]);
    expect(importOnnx(bytes).sites.map((site) => [site.name, site.activation.id])).toEqual(expected);

    const session = await ort.InferenceSession.create(bytes);
    try {
      const input = new ort.Tensor('float32', new Float32Array(3 * IMGSZ * IMGSZ).fill(0.5), [1, 3, IMGSZ, IMGSZ]);
      const outputs = await session.run({ [session.inputNames[0]!]: input });
      const first = outputs[session.outputNames[0]!]!;
      expect(first.dims[0]).toBe(1);
      expect((first.data as Float32Array).every(Number.isFinite)).toBe(true);
    } finally {
      await session.release();
    }
  });

  it('an uploaded Ultralytics YAML: the agent builds it at the device profile\'s size and publishes a table of every site', async () => {
    const s = await setUp('byom-yaml', Buffer.from(YOLOV5U_YAML), ['MEMORY'], { inputSize: 64, format: 'yaml' });
    const run = await runAgent(s.token);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const job = await jobOf(s);
    expect(job).toMatchObject({ status: 'SUCCEEDED', attempts: 1, costTables: [{ metric: 'MEMORY', version: 1 }] });
    const spec = (await s.org.owner.client.data(ModelSpecDocument, { slug: s.org.slug, id: s.specId })).organization.modelSpec;
    const table = (await s.org.owner.client.data(CostTableDocument, { slug: s.org.slug, id: job.costTables[0]!.id })).organization.costTable;
    expect(spec.kind).toBe('YAML');
    expect(table.sites).toEqual(spec.sites.map((site) => site.name));
    expect(table.provenance.note).toContain('imgsz=64');
  });

  it('an ONNX file fixed at another size than the device profile\'s fails its job saying so', async () => {
    const s = await setUp('byom-size', YOLOV8N, ['MEMORY'], { inputSize: 320 });
    const run = await runAgent(s.token);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const job = await jobOf(s);
    expect(job).toMatchObject({ status: 'QUEUED', attempts: 1, costTables: [] });
    expect(job.errorMessage).toMatch(/^model spec "byom-size-model": input "images" is fixed at 640×640, not the requested 320×320: .+ \[INPUT_SIZE_MISMATCH\]$/);
  });

  it('a file that fails the hash check fails its job with that reason, and the attempt counts', async () => {
    const s = await setUp('byom-hash', YOLO11N, ['MEMORY']);
    // The stored bytes change under the spec (a corrupted blob): the agent must not profile them.
    await t.server.dataSource.query(`UPDATE model_blobs SET content = overlay(content placing '\\x00'::bytea from 200 for 1) WHERE sha256 = $1`, [sha256(YOLO11N)]);
    const run = await runAgent(s.token);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const job = await jobOf(s);
    expect(job).toMatchObject({ status: 'QUEUED', attempts: 1, costTables: [] });
    expect(job.errorMessage).toMatch(/^model spec "byom-hash-model": the downloaded file's sha256 [0-9a-f]{64} does not match the spec's [0-9a-f]{64}$/);
    expect(existsSync(join(workDir, 'models', sha256(YOLO11N)))).toBe(false);
  });

  it('a file over the agent\'s --max-model-mb fails its job with that reason, and the attempt counts', async () => {
    const s = await setUp('byom-large', YOLOV8N, ['MEMORY']);
    const run = await runAgent(s.token, '--max-model-mb', '1');
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const job = await jobOf(s);
    expect(job).toMatchObject({ status: 'QUEUED', attempts: 1, costTables: [] });
    expect(job.errorMessage).toBe(`model spec "byom-large-model": the file is ${YOLOV8N.length} bytes, over this agent's limit of 1048576 bytes (--max-model-mb)`);
  });

  it('the download route: the bytes with their hash to the owner and to an agent with a job on the spec; 404 to another tenant or an agent without one, 401 without a token', async () => {
    const s = await setUp('byom-route', YOLOV8N, ['MEMORY']);
    const path = `/model-specs/${s.specId}/file?organizationId=${s.org.id}`;
    const get = (token: string | undefined, at = path, headers: Record<string, string> = {}) =>
      fetch(url(at), { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
    const errorOf = async (response: Response) => ((await response.json()) as { errors: { message: string; extensions: { code: string } }[] }).errors[0]!;

    for (const token of [s.org.owner.token, s.token]) {
      const ok = await get(token);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('application/octet-stream');
      expect(ok.headers.get('content-length')).toBe(String(YOLOV8N.length));
      expect(ok.headers.get('x-content-sha256')).toBe(sha256(YOLOV8N));
      expect(ok.headers.get('etag')).toBe(`"${sha256(YOLOV8N)}"`);
      expect(sha256(new Uint8Array(await ok.arrayBuffer()))).toBe(sha256(YOLOV8N));
    }
    expect((await get(s.token, path, { 'if-none-match': `"${sha256(YOLOV8N)}"` })).status).toBe(304);

    // Another organization: its owner naming this one, or naming its own with this spec id, sees nothing.
    const other = await createOrganization(t.client, 'byom-other');
    const otherAgent = await createApiToken(other.owner.client, other.id, ['AGENT']);
    const missing = await get(s.org.owner.token, `/model-specs/00000000-0000-4000-8000-000000000000/file?organizationId=${s.org.id}`);
    expect(missing.status).toBe(404);
    const missingError = await errorOf(missing);
    expect(missingError.extensions.code).toBe('NOT_FOUND');
    for (const [token, at] of [
      [other.owner.token, path],
      [other.owner.token, `/model-specs/${s.specId}/file?organizationId=${other.id}`],
      [otherAgent, `/model-specs/${s.specId}/file?organizationId=${other.id}`],
    ] as const) {
      const hidden = await get(token, at);
      expect(hidden.status, `${at}`).toBe(404);
      expect((await errorOf(hidden)).extensions.code).toBe('NOT_FOUND');
    }
    // An agent of the organization with no job on the spec: hidden exactly like a missing spec.
    const idle = await upload(s.org, 'byom-route-idle', YOLO11N);
    const noJob = await get(s.token, `/model-specs/${idle.id}/file?organizationId=${s.org.id}`);
    expect(noJob.status).toBe(404);
    expect(await errorOf(noJob)).toEqual(missingError);

    const anonymous = await get(undefined);
    expect(anonymous.status).toBe(401);
    expect((await errorOf(anonymous)).extensions.code).toBe('UNAUTHENTICATED');
  });
});
