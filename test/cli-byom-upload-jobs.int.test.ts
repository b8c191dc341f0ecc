import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDeviceProfileDocument, ModelSpecDocument } from '../apps/api/client/generated.js';
import { createApiToken, createOrganization, deviceProfileInput } from '../apps/api/test/support/fixtures.js';
import type { OrgFixture } from '../apps/api/test/support/fixtures.js';
import { startTestServer } from '../apps/api/test/support/server.js';
import type { TestServer } from '../apps/api/test/support/server.js';

// Your own model on the platform from the CLI alone, as the README shows it: `actnas model upload`,
// `actnas jobs create`, the real agent (built bin, own process) doing the job, `actnas jobs wait`
// and `jobs list` — against a real API on a fresh PostgreSQL database.
const bin = fileURLToPath(new URL('../apps/cli/bin/actnas.js', import.meta.url));
const builtCli = new URL('../apps/cli/dist/main.js', import.meta.url);
const FIXTURE = fileURLToPath(new URL('fixtures/models/yolov8n-pytorch-export-opset17.onnx', import.meta.url));

let t: TestServer;
let work: string;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cwd: string, args: readonly string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: cwd, ACTNAS_CONFIG_DIR: join(cwd, 'config'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  if (!existsSync(builtCli)) throw new Error('apps/cli/dist is missing: run `npm run build` first (`npm test` builds before vitest)');
  work = await mkdtemp(join(tmpdir(), 'actnas-cli-byom-'));
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

interface Setup {
  readonly org: OrgFixture;
  readonly dir: string;
  readonly ci: (args: readonly string[], token?: string) => Promise<Run>;
  readonly agentToken: string;
}

/** An organization with devices cpu640 and cpu320, a CI token (READ, SEARCH_WRITE, DEVICES_WRITE), an AGENT token and yolov8n.onnx in a folder. */
async function setUp(name: string): Promise<Setup> {
  const org = await createOrganization(t.client, name);
  const owner = org.owner.client;
  for (const [device, inputSize] of [['cpu640', 640], ['cpu320', 320]] as const) {
    await owner.data(CreateDeviceProfileDocument, { input: deviceProfileInput(org.id, { name: device, inputSize, threads: 1 }) });
  }
  const token = await createApiToken(owner, org.id, ['READ', 'SEARCH_WRITE', 'DEVICES_WRITE']);
  const agentToken = await createApiToken(owner, org.id, ['AGENT']);
  const dir = await mkdtemp(join(work, `${name}-`));
  await copyFile(FIXTURE, join(dir, 'yolov8n.onnx'));
  const ci = (args: readonly string[], as = token) => run(dir, args, { ACTNAS_API: t.server.url, ACTNAS_TOKEN: as });
  return { org, dir, ci, agentToken };
}

const agentOnce = (s: Setup): Promise<Run> => run(s.dir, ['agent', '--api', t.server.url, '--token', s.agentToken, '--work-dir', join(s.dir, 'agent'), '--once', '--threads', '1'], {});

function oneLineError(r: Run, pattern: RegExp): void {
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe('actnas model upload and actnas jobs', () => {
  it('uploads a file once, queues a job by names, and waits for the agent that runs it', async () => {
    const s = await setUp('cli-byom');
    const up = await s.ci(['model', 'upload', 'yolov8n.onnx', '--json']);
    expect(up.code, up.stderr + up.stdout).toBe(0);
    const uploaded = JSON.parse(up.stdout) as { id: string; name: string; sha256: string; siteCount: number; created: boolean };
    const bytes = readFileSync(FIXTURE);
    expect(uploaded).toMatchObject({ name: 'yolov8n', created: true, siteCount: 57, sha256: createHash('sha256').update(bytes).digest('hex') });
    const { organization } = await s.org.owner.client.data(ModelSpecDocument, { slug: s.org.slug, id: uploaded.id });
    expect(organization.modelSpec).toMatchObject({ name: 'yolov8n', kind: 'ONNX', sizeBytes: bytes.length });

    const again = await s.ci(['model', 'upload', 'yolov8n.onnx']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^already uploaded, unchanged: model spec yolov8n \\(${uploaded.id}\\): 57 sites, `));

    const queued = await s.ci(['jobs', 'create', '--device', 'cpu640', '--model', 'yolov8n', '--metrics', 'memory', '--json']);
    expect(queued.code, queued.stderr).toBe(0);
    const job = JSON.parse(queued.stdout) as { id: string; status: string; metrics: string[] };
    expect(job).toMatchObject({ status: 'QUEUED', metrics: ['MEMORY'] });

    // Nothing runs it yet: a short wait times out with exit 3 and leaves it queued.
    const early = await s.ci(['jobs', 'wait', job.id, '--timeout', '1']);
    expect(early.code).toBe(3);
    oneLineError(early, new RegExp(`job ${job.id}: memory of yolov8n on cpu640, queued \\(up to 3 attempts\\) after 1 s; .*actnas jobs wait ${job.id}`));

    const agent = await agentOnce(s);
    expect(agent.code, agent.stdout + agent.stderr).toBe(0);
    const done = await s.ci(['jobs', 'wait', job.id]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(new RegExp(`^job ${job.id}: memory of yolov8n on cpu640, succeeded \\(attempt 1 of 3\\); published memory v1 \\(\\S+\\)\\n$`));

    const list = await s.ci(['jobs', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`job ${job.id}: memory of yolov8n on cpu640, succeeded`);
  });

  it('a job the agent cannot run ends FAILED with its reason, and --wait exits 1 saying it', async () => {
    const s = await setUp('cli-byom-fail');
    expect((await s.ci(['model', 'upload', 'yolov8n.onnx', '--name', 'fixed640'])).code).toBe(0);
    const waiting = s.ci(['jobs', 'create', '--device', 'cpu320', '--model', 'fixed640', '--metrics', 'memory', '--max-attempts', '1', '--wait', '--timeout', '120']);
    // The job is queued before the agent looks (the CLI resolves names first): retry the agent until it has leased something.
    let agent: Run;
    do agent = await agentOnce(s);
    while (/no queued/.test(agent.stdout + agent.stderr));
    const failed = await waiting;
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stdout).toMatch(/^job \S+: memory of fixed640 on cpu320, failed \(attempt 1 of 1\): model spec "fixed640": input "images" is fixed at 640×640, not the requested 320×320/);
  });

  it('bad input: one line naming the problem, exit 2, nothing stored', async () => {
    const s = await setUp('cli-byom-bad');
    await writeFile(join(s.dir, 'notes.txt'), 'not a model');
    await writeFile(join(s.dir, 'empty.onnx'), '');
    await writeFile(join(s.dir, 'garbage.onnx'), 'definitely not protobuf');
    oneLineError(await s.ci(['model', 'upload', 'notes.txt']), /notes\.txt: upload an \.onnx file or an Ultralytics \.yaml/);
    oneLineError(await s.ci(['model', 'upload', 'missing.onnx']), /missing\.onnx: no such file/);
    oneLineError(await s.ci(['model', 'upload', 'empty.onnx']), /empty\.onnx: the file is empty/);
    const garbage = await s.ci(['model', 'upload', 'garbage.onnx']);
    expect(garbage.code, garbage.stderr).toBe(2);
    oneLineError(garbage, /not an ONNX model: invalid protobuf at byte 0/);
    const readOnly = await createApiToken(s.org.owner.client, s.org.id, ['READ']);
    const forbidden = await s.ci(['model', 'upload', 'yolov8n.onnx'], readOnly);
    expect(forbidden.code).toBe(2);
    oneLineError(forbidden, /lacks the scope for this \(.*SEARCH_WRITE to submit searches or upload models/);
    const small = await startTestServer({ modelMaxBytes: 1_048_576 });
    try {
      const org = await createOrganization(small.client, 'cli-byom-small');
      const token = await createApiToken(org.owner.client, org.id, ['READ', 'SEARCH_WRITE']);
      const large = await run(s.dir, ['model', 'upload', 'yolov8n.onnx'], { ACTNAS_API: small.server.url, ACTNAS_TOKEN: token });
      expect(large.code).toBe(2);
      oneLineError(large, /^actnas: Model files are limited to 1048576 bytes\n$/);
    } finally {
      await small.close();
    }
    const badMetric = await s.ci(['jobs', 'create', '--device', 'cpu640', '--model', 'yolov8n', '--metrics', 'latency,speed']);
    expect(badMetric.code).toBe(2);
    oneLineError(badMetric, /--metrics.*speed/);
    const unknown = await s.ci(['jobs', 'create', '--device', 'cpu640', '--model', 'nope']);
    expect(unknown.code).toBe(2);
    oneLineError(unknown, /unknown model spec "nope"/);
    const list = await s.ci(['jobs', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });
});
