import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CostTablesDocument,
  CreateApiTokenDocument,
  CreateDeviceProfileDocument,
  CompleteVerificationJobDocument,
  CreateProjectDocument,
  DraftOfJobDocument,
  LeaseVerificationJobDocument,
  PublishCostTableDocument,
  RegisterBuiltinModelSpecDocument,
  RevokeApiTokenDocument,
  SetDeviceProfileVisibilityDocument,
} from '../apps/api/client/generated.js';
import { exampleTable } from '../apps/api/test/support/examples.js';
import { createApiToken, createOrganization, deviceProfileInput } from '../apps/api/test/support/fixtures.js';
import type { OrgFixture } from '../apps/api/test/support/fixtures.js';
import { startTestServer } from '../apps/api/test/support/server.js';
import type { TestServer } from '../apps/api/test/support/server.js';

// The platform commands as CI runs them: the built bin in its own process, against a real API on
// a fresh PostgreSQL database of this file, with the token in the environment or the stored login.
const bin = fileURLToPath(new URL('../apps/cli/bin/actnas.js', import.meta.url));

let t: TestServer;
let idle: TestServer;
let work: string;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the bin in `cwd` with a clean environment: no CI variables unless given. */
function actnas(cwd: string, args: readonly string[], env: Record<string, string | undefined> = {}, stdin?: string): Promise<Run> {
  const base: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: cwd, ACTNAS_CONFIG_DIR: join(cwd, 'config') };
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: Object.fromEntries(Object.entries({ ...base, ...env }).filter((e): e is [string, string] => e[1] !== undefined)),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(stdin ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function oneLineError(r: Run, pattern: RegExp): void {
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

/** A port nothing listens on: one the OS just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Metric = 'latency' | 'memory' | 'accuracy';

/** An organization of its own per test: devices pi5 and jetson, yolov5nu, project detector, a CI token, a folder with the example tables. */
interface Setup {
  readonly org: OrgFixture;
  readonly server: TestServer;
  readonly token: string;
  readonly devices: { readonly pi5: string; readonly jetson: string };
  readonly modelSpecId: string;
  readonly dir: string;
  /** ACTNAS_API and ACTNAS_TOKEN of the CI token, plus `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
  run(args: readonly string[], env?: Record<string, string | undefined>, stdin?: string): Promise<Run>;
  /** Publishes the synthetic example table of `metric` through the API (not the CLI). */
  publish(device: string, metric: Metric): Promise<void>;
  versions(device: string, metric: Metric): Promise<number[]>;
}

async function setup(name: string, server: TestServer = t): Promise<Setup> {
  const org = await createOrganization(server.client, name);
  const owner = org.owner.client;
  const device = async (deviceName: string) => (await owner.data(CreateDeviceProfileDocument, { input: deviceProfileInput(org.id, { name: deviceName }) })).createDeviceProfile.id;
  const devices = { pi5: await device('pi5'), jetson: await device('jetson') };
  const modelSpecId = (await owner.data(RegisterBuiltinModelSpecDocument, { input: { organizationId: org.id, builtinName: 'yolov5nu' } })).registerBuiltinModelSpec.id;
  await owner.data(CreateProjectDocument, { input: { organizationId: org.id, name: 'detector' } });
  const token = await createApiToken(owner, org.id, ['READ', 'SEARCH_WRITE', 'DEVICES_WRITE']);
  const dir = await mkdtemp(join(work, `${name}-`));
  for (const metric of ['latency', 'memory', 'accuracy'] as const) await writeFile(join(dir, `${metric}.csv`), await exampleTable(metric));
  const env = (extra: Record<string, string> = {}) => ({ ACTNAS_API: server.server.url, ACTNAS_TOKEN: token, ...extra });
  return {
    org, server, token, devices, modelSpecId, dir, env,
    run: (args, runEnv = env(), stdin) => actnas(dir, args, runEnv, stdin),
    publish: async (deviceProfileId, metric) => {
      const input = { organizationId: org.id, deviceProfileId, modelSpecId, metric: metric.toUpperCase() as 'LATENCY', format: 'CSV' as const, content: await exampleTable(metric), provenance: { source: 'SYNTHETIC' as const } };
      await owner.data(PublishCostTableDocument, { input });
    },
    versions: async (deviceProfileId, metric) => {
      const { organization } = await owner.data(CostTablesDocument, { slug: org.slug, deviceProfileId, metric: metric.toUpperCase() as 'LATENCY', first: 100 });
      return organization.costTables.nodes.map((n) => n.version);
    },
  };
}

async function withTables(name: string): Promise<Setup> {
  const s = await setup(name);
  for (const metric of ['latency', 'memory', 'accuracy'] as const) await s.publish(s.devices.pi5, metric);
  return s;
}

beforeAll(async () => {
  if (!existsSync(new URL('../apps/cli/dist/main.js', import.meta.url))) throw new Error('apps/cli/dist is missing: run `npm run build` first');
  work = await mkdtemp(join(tmpdir(), 'actnas-platform-cli-'));
  t = await startTestServer({ searchWorkers: 1 });
  idle = await startTestServer({ searchWorkers: 0 });
});

afterAll(async () => {
  await t?.close();
  await idle?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('actnas login / whoami / logout', () => {
  it('checks the token, stores it readable by the user only, and forgets it again', async () => {
    const s = await setup('login');
    const login = await s.run(['login', '--api', t.server.url], { ACTNAS_TOKEN: s.token });
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(new RegExp(`logged in as API token actnas_pat_.{6}… at ${t.server.url}; organizations: ${s.org.slug}`));
    const config = join(s.dir, 'config', 'config.json');
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(statSync(join(s.dir, 'config')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(config, 'utf8'))).toEqual({ api: t.server.url, token: s.token });

    const who = await s.run(['whoami', '--json'], {});
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ api: t.server.url, kind: 'api-token', organizations: [{ slug: s.org.slug }] });
    // Commands use the stored login.
    const pull = await s.run(['tables', 'pull', 'pi5/yolov5nu/latency', '-o', 'x.csv'], {});
    expect(pull.code).toBe(2);
    oneLineError(pull, /no latency table of yolov5nu on pi5 is published/);

    const logout = await s.run(['logout'], {});
    expect(logout.code).toBe(0);
    expect(existsSync(config)).toBe(false);
    const after = await s.run(['whoami'], {});
    expect(after.code).toBe(2);
    oneLineError(after, /not logged in: run actnas login/);
  });

  it('reads the token from stdin, and names a session user', async () => {
    const s = await setup('session');
    const login = await s.run(['login', '--api', t.server.url, '--json'], {}, `${s.org.owner.token}\n`);
    expect(login.code).toBe(0);
    expect(JSON.parse(login.stdout)).toMatchObject({ kind: 'session', user: { email: s.org.owner.email }, organizations: [{ slug: s.org.slug, role: 'OWNER' }] });
    expect((await s.run(['logout', '--json'], {})).stdout).toMatch(/"removed":true,"signedOut":true/);
    // The session was signed out on the API too.
    const stale = await s.run(['whoami'], { ACTNAS_API: t.server.url, ACTNAS_TOKEN: s.org.owner.token });
    expect(stale.code).toBe(2);
    oneLineError(stale, /UNAUTHENTICATED from .*: The bearer token is invalid, revoked or expired; run actnas login/);
  });

  it('refuses a wrong token or none, and stores nothing', async () => {
    const dir = await mkdtemp(join(work, 'wrong-'));
    const login = await actnas(dir, ['login', '--api', t.server.url], { ACTNAS_TOKEN: 'actnas_pat_wrong' });
    expect(login.code).toBe(2);
    oneLineError(login, /UNAUTHENTICATED/);
    expect(existsSync(join(dir, 'config', 'config.json'))).toBe(false);
    const none = await actnas(dir, ['login', '--api', t.server.url]);
    expect(none.code).toBe(2);
    oneLineError(none, /no token: set ACTNAS_TOKEN or pipe the token/);
    const url = await actnas(dir, ['login', '--api', 'ftp://example.test'], { ACTNAS_TOKEN: 'x' });
    expect(url.code).toBe(2);
    oneLineError(url, /--api must be an http\(s\) URL/);
  });

  it('refuses a stored login that others could read', async () => {
    const s = await setup('modes');
    expect((await s.run(['login', '--api', t.server.url], { ACTNAS_TOKEN: s.token })).code).toBe(0);
    await chmod(join(s.dir, 'config', 'config.json'), 0o644);
    const who = await s.run(['whoami'], {});
    expect(who.code).toBe(2);
    oneLineError(who, /others may read it \(mode 644\); run chmod 600/);
  });

  it('an expired or revoked token exits 2 with one line, an unreachable API 4', async () => {
    const s = await setup('expiry');
    const soon = new Date(Date.now() + 1500).toISOString();
    const { createApiToken: expiring } = await s.org.owner.client.data(CreateApiTokenDocument, { input: { organizationId: s.org.id, name: 'short', scopes: ['READ'], expiresAt: soon } });
    await sleep(Math.max(0, Date.parse(soon) - Date.now()) + 300);
    const expired = await s.run(['tables', 'pull', 'pi5/yolov5nu/latency', '-o', 'x.csv'], { ACTNAS_API: t.server.url, ACTNAS_TOKEN: expiring.secret });
    expect(expired.code).toBe(2);
    oneLineError(expired, /UNAUTHENTICATED .*invalid, revoked or expired/);

    const { createApiToken: revokedToken } = await s.org.owner.client.data(CreateApiTokenDocument, { input: { organizationId: s.org.id, name: 'revoke-me', scopes: ['READ'] } });
    await s.org.owner.client.data(RevokeApiTokenDocument, { input: { organizationId: s.org.id, id: revokedToken.apiToken.id } });
    const revoked = await s.run(['whoami'], { ACTNAS_API: t.server.url, ACTNAS_TOKEN: revokedToken.secret });
    expect(revoked.code).toBe(2);
    oneLineError(revoked, /UNAUTHENTICATED/);

    const port = await closedPort();
    const down = await s.run(['whoami', '--json'], { ACTNAS_API: `http://127.0.0.1:${port}/graphql`, ACTNAS_TOKEN: s.token });
    expect(down.code).toBe(4);
    oneLineError(down, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/graphql: ECONNREFUSED`));
    expect(JSON.parse(down.stdout)).toEqual({ error: { code: 'UNAVAILABLE', message: expect.stringMatching(/ECONNREFUSED/), exitCode: 4 } });
  });
});

describe('actnas tables publish / pull', () => {
  it('publishes by device and model name and prints the new version', async () => {
    const s = await setup('publish');
    for (const metric of ['latency', 'memory', 'accuracy'] as const) {
      const r = await s.run(['tables', 'publish', `${metric}.csv`, '--device', 'pi5', '--model', 'yolov5nu', '--metric', metric, '--source', 'synthetic']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^published ${metric} table v1 \\([0-9a-f-]{36}\\) of yolov5nu on pi5: 340 cells\\n$`));
    }
    const again = await s.run(['tables', 'publish', 'latency.csv', '--device', s.devices.pi5, '--model', 'yolov5nu', '--metric', 'latency', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ version: 2, metric: 'LATENCY', deviceProfile: { name: 'pi5' }, cells: 340 });
    expect(await s.versions(s.devices.pi5, 'latency')).toEqual([2, 1]);
  });

  it('a bad file, an unknown name or a missing scope stores no version and says what is wrong in one line', async () => {
    const s = await setup('badpublish');
    await s.publish(s.devices.jetson, 'latency');
    await writeFile(join(s.dir, 'bad.csv'), 'layer,activation,reference,delta\nmodel.0.act,relu,1,oops\n');
    const bad = await s.run(['tables', 'publish', 'bad.csv', '--device', 'jetson', '--model', 'yolov5nu', '--metric', 'latency']);
    expect(bad.code).toBe(2);
    oneLineError(bad, /bad\.csv: 2 problems: row 2, column "delta": not a decimal number: "oops"/);

    await writeFile(join(s.dir, 'foreign.csv'), 'layer,activation,reference,delta\nmodel.99.act,relu,1,-0.1\n');
    const foreign = await s.run(['tables', 'publish', 'foreign.csv', '--device', 'jetson', '--model', 'yolov5nu', '--metric', 'latency']);
    expect(foreign.code).toBe(2);
    oneLineError(foreign, /site "model\.99\.act" is not in model spec "yolov5nu"/);

    const device = await s.run(['tables', 'publish', 'latency.csv', '--device', 'pi4', '--model', 'yolov5nu', '--metric', 'latency']);
    expect(device.code).toBe(2);
    oneLineError(device, new RegExp(`unknown device profile "pi4" in organization ${s.org.slug} \\(known: (pi5, jetson|jetson, pi5)\\)`));
    const model = await s.run(['tables', 'publish', 'latency.csv', '--device', 'jetson', '--model', 'yolov9t', '--metric', 'latency', '--json']);
    expect(model.code).toBe(2);
    expect(JSON.parse(model.stdout)).toMatchObject({ error: { code: 'NOT_FOUND', exitCode: 2 } });
    const metric = await s.run(['tables', 'publish', 'latency.csv', '--device', 'jetson', '--model', 'yolov5nu', '--metric', 'speed']);
    expect(metric.code).toBe(2);
    oneLineError(metric, /--metric must be one of latency, memory, accuracy, got "speed"/);
    const missing = await s.run(['tables', 'publish', 'nope.csv', '--device', 'jetson', '--model', 'yolov5nu', '--metric', 'latency']);
    expect(missing.code).toBe(2);
    oneLineError(missing, /nope\.csv: no such file/);

    const readOnly = await createApiToken(s.org.owner.client, s.org.id, ['READ']);
    const forbidden = await s.run(['tables', 'publish', 'latency.csv', '--device', 'jetson', '--model', 'yolov5nu', '--metric', 'latency'], { ACTNAS_API: t.server.url, ACTNAS_TOKEN: readOnly });
    expect(forbidden.code).toBe(2);
    oneLineError(forbidden, /DEVICES_WRITE/);
    expect(await s.versions(s.devices.jetson, 'latency')).toEqual([1]);
  });

  it('two device profiles of one name (own and shared) are ambiguous, and name@owner picks one', async () => {
    const s = await setup('ambiguous');
    const other = await createOrganization(t.client, 'partner');
    const shared = (await other.owner.client.data(CreateDeviceProfileDocument, { input: deviceProfileInput(other.id, { name: 'jetson' }) })).createDeviceProfile.id;
    await other.owner.client.data(SetDeviceProfileVisibilityDocument, { input: { organizationId: other.id, id: shared, visibility: 'SHARED', sharedWith: [s.org.slug] } });
    const r = await s.run(['search', 'submit', '--project', 'detector', '--model', 'yolov5nu', '--device', 'jetson']);
    expect(r.code).toBe(2);
    oneLineError(r, new RegExp(`device profile "jetson" is ambiguous .*${s.devices.jetson} \\(jetson@${s.org.slug}\\), ${shared} \\(jetson@${other.slug}\\); pass an id instead`));
    const own = await s.run(['search', 'submit', '--project', 'detector', '--model', 'yolov5nu', '--device', `jetson@${s.org.slug}`]);
    // The organization's own jetson, which has no table of the model.
    expect(own.code).toBe(2);
    oneLineError(own, /needs a latency table, and none of the model is published for jetson/);
  });

  it('pulls the newest version by device/model/metric, or a version, as CSV or JSON that publishes again', async () => {
    const s = await setup('pull');
    await s.publish(s.devices.pi5, 'latency');
    await s.publish(s.devices.pi5, 'latency');
    const csv = await s.run(['tables', 'pull', 'pi5/yolov5nu/latency', '-o', 'pulled/lat.csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toMatch(/^pulled latency table v2 .* → pulled\/lat\.csv\n$/);
    const text = await readFile(join(s.dir, 'pulled', 'lat.csv'), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^layer,activation,reference,delta/);
    expect(text.trim().split('\n')).toHaveLength(1 + 340);

    const v1 = await s.run(['tables', 'pull', 'pi5/yolov5nu/latency', '--version', '1', '-o', 'v1.json', '--json']);
    expect(v1.code).toBe(0);
    const meta = JSON.parse(v1.stdout) as { id: string; version: number };
    expect(meta.version).toBe(1);
    const json = JSON.parse(await readFile(join(s.dir, 'v1.json'), 'utf8')) as { format: string; metric: string; cells: unknown[]; provenance: { source: string } };
    expect(json).toMatchObject({ format: 'actnas.cost-table/v1', metric: 'latency', provenance: { source: 'synthetic' } });
    expect(json.cells).toHaveLength(340);
    const back = await s.run(['tables', 'publish', 'v1.json', '--device', 'jetson', '--model', 'yolov5nu', '--metric', 'latency']);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/published latency table v1 .* of yolov5nu on jetson: 340 cells/);

    const byId = await s.run(['tables', 'pull', meta.id, '-o', 'byid.csv']);
    expect(byId.code).toBe(0);
    const missing = await s.run(['tables', 'pull', 'pi5/yolov5nu/latency', '--version', '9', '-o', 'x.csv']);
    expect(missing.code).toBe(2);
    oneLineError(missing, /no latency table v9 of yolov5nu on pi5 is published/);
  });
});

describe('actnas search submit --wait', () => {
  const gate = ['search', 'submit', '--project', 'detector', '--model', 'yolov5nu', '--device', 'pi5', '--max-accuracy-drop', '0.005', '--max-memory', '1200', '--k', '5', '--wait'];

  it('exits 0 when a proposal meets the budgets and prints the version, the best proposal and its totals', async () => {
    const s = await withTables('gate');
    const r = await s.run(gate);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^search [0-9a-f-]{36}: succeeded · project detector version 1 \(optimal\)\n/);
    expect(r.stdout).toMatch(/budgets: .*memory@pi5 ≤ 1200/);
    expect(r.stdout).toMatch(/proposal 1: objective \d+\.\d+\n {2}latency@pi5 +\d+\.\d+ ms {2}\(-\d/);
    expect(r.stdout).toMatch(/ {2}memory@pi5 +\d+\.\d+ KB/);
    expect(r.stdout).toMatch(/ \d+ sites changed: model\.\d+\.\S+=\w+/);
  });

  it('in CI the run id is the idempotency key: a retried step returns the same search, another search gets another', async () => {
    const s = await withTables('idempotent');
    const github = { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'acme/detector', GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1', GITHUB_JOB: 'gate' };
    interface Report { searchRequest: { id: string; idempotencyKey: string }; proposalSet: { version: number }; passed: boolean; exitCode: number }
    const first = JSON.parse((await s.run([...gate, '--json'], s.env(github))).stdout) as Report;
    expect(first.searchRequest.idempotencyKey).toMatch(/^github:acme\/detector:4242:1:gate:[0-9a-f]{16}$/);
    expect(first).toMatchObject({ passed: true, exitCode: 0 });
    const retry = JSON.parse((await s.run([...gate, '--json'], s.env(github))).stdout) as Report;
    expect(retry.searchRequest.id).toBe(first.searchRequest.id);
    expect(retry.proposalSet.version).toBe(first.proposalSet.version);
    const other = JSON.parse((await s.run([...gate, '--k', '3', '--json'], s.env(github))).stdout) as Report;
    expect(other.searchRequest.id).not.toBe(first.searchRequest.id);
    const gitlab = JSON.parse((await s.run([...gate, '--json'], s.env({ GITLAB_CI: 'true', CI_PROJECT_ID: '7', CI_PIPELINE_ID: '99', CI_JOB_ID: '1234' }))).stdout) as Report;
    expect(gitlab.searchRequest.idempotencyKey).toMatch(/^gitlab:7:99:1234:[0-9a-f]{16}$/);
    const explicit = JSON.parse((await s.run([...gate, '--json', '--idempotency-key', 'release-1.2'], s.env(github))).stdout) as Report;
    expect(explicit.searchRequest.idempotencyKey).toBe('release-1.2');
  });

  it('exits 1 when the budgets are infeasible, naming the best reachable value', async () => {
    const s = await withTables('infeasible');
    const r = await s.run(['search', 'submit', '--project', 'detector', '--model', 'yolov5nu', '--device', 'pi5', '--max-memory', '100', '--wait']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/: failed\nINFEASIBLE: No assignment meets the budgets: memory@pi5 ≤ 100 \(best reachable \d+/);
  });

  it('with --verify-rounds waits through the verify loop: exits 0 when a proposal meets the budgets as measured, 1 when none does, 2 for bad rounds', async () => {
    const s = await withTables('verify');
    const agent = s.server.client.as(await createApiToken(s.org.owner.client, s.org.id, ['AGENT']));
    const limit = 100_000;
    const verifyGate = ['search', 'submit', '--project', 'detector', '--model', 'yolov5nu', '--device', 'pi5', '--max-latency', String(limit), '--k', '2', '--wait', '--timeout', '120', '--verify-rounds', '1'];
    /** Acts as the agent: measures each asked proposal as predicted, or `over` ms past the latency budget. */
    const measure = async (over: number | null) => {
      const input = { organizationId: s.org.id, leaseSeconds: 60 };
      let held = (await agent.data(LeaseVerificationJobDocument, { input })).leaseVerificationJob;
      for (const deadline = Date.now() + 60_000; !held && Date.now() < deadline; await sleep(100)) held = (await agent.data(LeaseVerificationJobDocument, { input })).leaseVerificationJob;
      const { organization } = await s.org.owner.client.data(DraftOfJobDocument, { slug: s.org.slug, id: held!.job.id });
      const measurements = organization.verificationJob.ranks.map((rank) => {
        const latency = organization.verificationJob.proposalSet.proposals.find((p) => p.rank === rank)!.totals.find((x) => x.metric === 'LATENCY')!;
        return { rank, metric: 'LATENCY' as const, measured: over === null ? latency.delta : limit + over - latency.reference, runs: 30 };
      });
      await agent.data(CompleteVerificationJobDocument, { input: { organizationId: s.org.id, jobId: held!.job.id, leaseId: held!.leaseId, measurements } });
    };
    const [pass] = await Promise.all([s.run([...verifyGate, '--json']), measure(null)]);
    expect(pass.code, pass.stderr).toBe(0);
    expect(JSON.parse(pass.stdout)).toMatchObject({ passed: true, exitCode: 0, best: { rank: 1, measuredFeasible: true }, proposalSet: { version: 1 } });

    const [fail] = await Promise.all([s.run(verifyGate), measure(1)]);
    expect(fail.code, fail.stderr).toBe(1);
    expect(fail.stdout).toMatch(/: succeeded · project detector version 2/);
    expect(fail.stdout).toMatch(/verify round 1\/1: 2 proposal\(s\), 2 measured, 0 meet every budget as measured/);
    expect(fail.stdout).toMatch(/not verified: the rounds ran out; latency@pi5 ≤ 100000 broken by 2, the closest by 1\.0000; no proposal meets every budget as measured/);

    const bad = await s.run([...verifyGate.slice(0, -1), '6']);
    expect(bad.code).toBe(2);
    oneLineError(bad, /--verify-rounds/);
  });

  it('exits 3 when the search does not finish in --timeout, and 2 for an unknown project', async () => {
    const s = await setup('idle', idle);
    await s.publish(s.devices.pi5, 'latency');
    const started = Date.now();
    const r = await s.run(['search', 'submit', '--project', 'detector', '--model', 'yolov5nu', '--device', 'pi5', '--wait', '--timeout', '2']);
    expect(r.code).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    oneLineError(r, /search [0-9a-f-]{36} is still queued after 2 s; it keeps running: run the same command again to keep waiting/);

    const project = await s.run(['search', 'submit', '--project', 'nope', '--model', 'yolov5nu', '--device', 'pi5']);
    expect(project.code).toBe(2);
    oneLineError(project, new RegExp(`unknown project "nope" in organization ${s.org.slug} \\(known: detector\\)`));
  });
});

describe('peak-memory budgets on the platform', () => {
  it('publishes a memory table with its live-set rows, and search submit --max-peak-memory budgets its peak', async () => {
    const s = await setup('peak');
    await s.publish(s.devices.pi5, 'latency');
    await s.publish(s.devices.pi5, 'accuracy');
    const profile = await s.run(['profile', '--metric', 'memory', '--imgsz', '160', '--live-set', 'rows.json', '-o', 'mem.csv'], {});
    expect(profile.code, profile.stderr).toBe(0);

    // Without rows first: a peak budget says what is missing.
    expect((await s.run(['tables', 'publish', 'mem.csv', '--device', 'pi5', '--model', 'yolov5nu', '--metric', 'memory'])).code).toBe(0);
    const bare = await s.run(['search', 'submit', '--project', 'detector', '--model', 'yolov5nu', '--device', 'pi5', '--max-peak-memory', '750', '--wait']);
    expect(bare.code).toBe(2);
    oneLineError(bare, /--max-peak-memory needs live-set rows with the memory table v1 of pi5: publish it with actnas tables publish mem\.csv --metric memory --live-set rows\.json/);

    const publish = await s.run(['tables', 'publish', 'mem.csv', '--device', 'pi5', '--model', 'yolov5nu', '--metric', 'memory', '--live-set', 'rows.json']);
    expect(publish.code, publish.stderr).toBe(0);
    expect(publish.stdout).toMatch(/^published memory table v2 .*: 340 cells, live-set rows of \d+ steps\n$/);

    const gate = await s.run(['search', 'submit', '--project', 'detector', '--model', 'yolov5nu', '--device', 'pi5', '--max-peak-memory', '750', '--k', '3', '--wait', '--json']);
    expect(gate.code, gate.stderr).toBe(0);
    const report = JSON.parse(gate.stdout) as { proposalSet: { budgets: string[]; proposals: { totals: { metric: string; total: number; reference: number }[] }[] } };
    expect(report.proposalSet.budgets).toEqual([`peak_memory@${s.devices.pi5} ≤ 750`]);
    for (const p of report.proposalSet.proposals) {
      const peak = p.totals.find((t) => t.metric === 'PEAK_MEMORY')!;
      expect(peak.total).toBeLessThanOrEqual(750);
      expect(peak.reference).toBeGreaterThan(750);
    }
    const text = await s.run(['search', 'submit', '--project', 'detector', '--model', 'yolov5nu', '--device', 'pi5', '--max-peak-memory', '750', '--k', '3', '--wait']);
    expect(text.stdout).toMatch(/budgets: peak_memory@pi5 ≤ 750/);
    expect(text.stdout).toMatch(/ {2}peak_memory@pi5 +\d+\.\d+ KB/);

    const tight = await s.run(['search', 'submit', '--project', 'detector', '--model', 'yolov5nu', '--device', 'pi5', '--max-peak-memory', '100', '--wait']);
    expect(tight.code).toBe(1);
    expect(tight.stdout).toMatch(/INFEASIBLE: No assignment meets the budgets: peak_memory@pi5 ≤ 100 \(best reachable ≥ \d+/);
  });

  it('refuses live-set rows with another metric or malformed rows before any request, storing nothing', async () => {
    const s = await setup('peakbad');
    await writeFile(join(s.dir, 'rows.json'), JSON.stringify({ base: [1024], terms: [{ step: 0, site: 'model.0.act', activation: 'relu', bytes: 64 }] }));
    const latency = await s.run(['tables', 'publish', 'latency.csv', '--device', 'pi5', '--model', 'yolov5nu', '--metric', 'latency', '--live-set', 'rows.json']);
    expect(latency.code).toBe(2);
    oneLineError(latency, /--live-set goes with --metric memory/);
    await writeFile(join(s.dir, 'bad.json'), JSON.stringify({ base: [1024], terms: [{ step: 5, site: 'model.0.act', activation: 'relu', bytes: 64 }] }));
    const bad = await s.run(['tables', 'publish', 'memory.csv', '--device', 'pi5', '--model', 'yolov5nu', '--metric', 'memory', '--live-set', 'bad.json']);
    expect(bad.code).toBe(2);
    oneLineError(bad, /bad\.json: 1 problem: column "terms\[0\]": step must be an integer from 0 to 0/);
    expect(await s.versions(s.devices.pi5, 'memory')).toEqual([]);
  });
});

describe('actnas proposals export / diff', () => {
  it('exports a proposal as ONNX that onnxruntime runs, and as YAML; diffs two versions', async () => {
    const s = await withTables('proposals');
    expect((await s.run(['search', 'submit', '--project', 'detector', '--model', 'yolov5nu', '--device', 'pi5', '--max-accuracy-drop', '0.005', '--k', '2', '--wait'])).code).toBe(0);
    expect((await s.run(['search', 'submit', '--project', 'detector', '--model', 'yolov5nu', '--device', 'pi5', '--max-accuracy-drop', '0.01', '--k', '2', '--wait'])).code).toBe(0);

    const onnx = await s.run(['proposals', 'export', '--project', 'detector', '--rank', '1', '--format', 'onnx', '-o', 'best.onnx']);
    expect(onnx.code).toBe(0);
    expect(onnx.stdout).toMatch(/^proposal 1 of detector version 2 as onnx \(\d+ bytes\) → best\.onnx\n$/);
    const session = await ort.InferenceSession.create(join(s.dir, 'best.onnx'));
    expect(session.inputNames).toEqual(['images']);
    await session.release();
    const yaml = await s.run(['proposals', 'export', '--project', 'detector', '--version', '1', '--format', 'yaml', '-o', 'best.yaml', '--json']);
    expect(yaml.code).toBe(0);
    expect(JSON.parse(yaml.stdout)).toMatchObject({ version: 1, rank: 1, format: 'ultralytics_yaml' });
    expect(await readFile(join(s.dir, 'best.yaml'), 'utf8')).toMatch(/backbone:/);
    const bad = await s.run(['proposals', 'export', '--project', 'detector', '--format', 'tflite', '-o', 'x']);
    expect(bad.code).toBe(2);
    oneLineError(bad, /--format must be one of onnx, yaml, json, got "tflite"/);

    const diff = await s.run(['proposals', 'diff', '--project', 'detector', '--from', '1', '--to', '2', '--json']);
    expect(diff.code).toBe(0);
    const parsed = JSON.parse(diff.stdout) as { from: number; to: number; metricDeltas: { label: string; delta: number }[] };
    expect(parsed).toMatchObject({ from: 1, to: 2 });
    expect(parsed.metricDeltas.map((m) => m.label)).toContain(`latency@${s.devices.pi5}`);
    expect(parsed.metricDeltas.find((m) => m.label === `latency@${s.devices.pi5}`)).toMatchObject({ device: 'pi5' });
    const text = await s.run(['proposals', 'diff', '--project', 'detector', '--from', '1', '--to', '2']);
    expect(text.stdout).toMatch(/^best proposal of detector, version 1 → 2: \d+ sites? changed/);
    expect(text.stdout).toMatch(/\n {2}latency@pi5: \d+\.\d+ → \d+\.\d+ \([+-]\d/);
    const missing = await s.run(['proposals', 'diff', '--project', 'detector', '--from', '1', '--to', '99']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });
});
