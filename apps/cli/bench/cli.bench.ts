// Whole-process figures of the actnas CLI, as CI and users run it (issue 17), each against its
// target and, where the issue names one, a peer measured in the same run:
//   1. `actnas --help` start-up (target < 150 ms).
//   2. `actnas search` on the 69 × 5 yolov5nu example tables, top-10, d = 3, JSON out
//      (target ≤ 250 ms); peer: the paper's PuLP + CBC stack as a process (Debian's python3-pulp
//      and coinor-cbc), on the same tables and budget, when installed.
//   3. `actnas search submit --wait` of the same search against a local API on PostgreSQL
//      (target < 1.5 s).
// Medians (BENCH_RUNS, default 11) of wall time, and of CPU time (user + system, children
// included: on a shared machine the wall time of a short process is mostly waiting for a core).
// Every figure is also given as a multiple of a bare `node -e 0` measured in the same run, which
// stays comparable between a quiet and a loaded machine. Writes bench-results/cli.json.
//
//   npm run bench -w @actnas/cli          (after npm run build; DATABASE_URL as for the tests)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'apps/cli/bin/actnas.js');
const examples = join(root, 'packages/core/examples/yolov5nu-synthetic');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 11);
const TIME = '/usr/bin/time';

interface Sample {
  readonly wallMs: number;
  /** User + system CPU of the process and its children; NaN without /usr/bin/time. */
  readonly cpuMs: number;
  readonly stdout: string;
}

/** Runs a command to completion, timing it (and its CPU through /usr/bin/time when present). */
function timed(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Sample {
  const withTime = existsSync(TIME);
  const started = performance.now();
  const r = spawnSync(withTime ? TIME : command, withTime ? ['-f', 'CPU %U %S', command, ...args] : [...args], { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8' });
  const wallMs = performance.now() - started;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const cpu = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { wallMs, cpuMs: cpu ? 1000 * (Number(cpu[1]) + Number(cpu[2])) : Number.NaN, stdout: r.stdout };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Figure {
  readonly figure: string;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly target: string;
  readonly met: boolean;
  /** A competitor (`ours N× faster`). */
  readonly peer?: { readonly name: string; readonly wallMs: number; readonly cpuMs: number } | { readonly name: string; readonly missing: string };
}

function summarise(samples: readonly Sample[]): { wallMs: number; cpuMs: number } {
  return { wallMs: median(samples.map((s) => s.wallMs)), cpuMs: median(samples.map((s) => s.cpuMs)) };
}

function repeat(n: number, run: () => Sample): Sample[] {
  run(); // warm the file cache; not counted
  return Array.from({ length: n }, run);
}

const node = process.execPath;
for (const built of ['apps/cli/dist/main.js', 'apps/api/dist/main.js']) {
  if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run npm run build first`);
}
const figures: Figure[] = [];
const load: { before: number[]; after?: number[] } = { before: loadavg() };

// 0. The floor: a bare node process, in this run and on this machine as it is now.
const bare = summarise(repeat(RUNS, () => timed(node, ['-e', '0'])));

// 1. Start-up.
{
  const help = summarise(repeat(RUNS, () => timed(node, [bin, '--help'])));
  figures.push({ figure: 'actnas --help (start-up)', ...help, target: '< 150 ms', met: help.wallMs < 150 });
}

// 2. A search from table files.
const searchArgs = ['search', '--latency', 'latency.csv', '--accuracy', 'accuracy.csv', '--max-accuracy-drop', '0.005', '--k', '10', '--diversity', '3', '--json'];
const ours = repeat(RUNS, () => timed(node, [bin, ...searchArgs], { cwd: examples }));
const objectives = (JSON.parse(ours[0]!.stdout) as { proposals: { objective: number }[] }).proposals.map((p) => p.objective);
{
  const search = summarise(ours);
  const python = '/usr/bin/python3';
  const hasPeer = existsSync(python) && spawnSync(python, ['-c', 'import pulp, shutil, sys; sys.exit(0 if shutil.which("cbc") else 1)']).status === 0;
  let peer: Figure['peer'];
  if (hasPeer) {
    const runs = repeat(RUNS, () => timed(python, [join(root, 'apps/cli/bench/pulp-peer.py'), examples, '10', '3', '0.005']));
    const theirs = (JSON.parse(runs[0]!.stdout) as { objectives: number[] }).objectives;
    const agree = theirs.length === objectives.length && theirs.every((o, i) => Math.abs(o - objectives[i]!) < 1e-6);
    if (!agree) throw new Error(`PuLP+CBC and actnas disagree: ${JSON.stringify(theirs)} vs ${JSON.stringify(objectives)}`);
    peer = { name: `PuLP ${pulpVersion(python)} + CBC (same 10 objectives)`, ...summarise(runs) };
  } else {
    peer = { name: 'PuLP + CBC', missing: 'not installed: apt-get install python3-pulp coinor-cbc' };
  }
  figures.push({ figure: 'actnas search, 69×5, top-10, d=3, JSON', ...search, target: '≤ 250 ms', met: search.wallMs <= 250, peer });
}

// 3. The same search on the platform: a local API on a fresh PostgreSQL database.
{
  const databaseUrl = new URL(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const dbName = `actnas_cli_bench_${process.pid}`;
  const psql = (sql: string): void => {
    execFileSync('psql', ['-h', databaseUrl.hostname, '-p', databaseUrl.port || '5432', '-U', decodeURIComponent(databaseUrl.username || 'postgres'), '-d', databaseUrl.pathname.slice(1) || 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', sql]);
  };
  psql(`CREATE DATABASE "${dbName}"`);
  const apiUrl = new URL(databaseUrl);
  apiUrl.pathname = `/${dbName}`;
  const api = spawn(node, [join(root, 'apps/api/dist/main.js')], { env: { ...process.env, DATABASE_URL: apiUrl.toString(), PORT: '0', HOST: '127.0.0.1', SEARCH_WORKERS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const work = mkdtempSync(join(tmpdir(), 'actnas-cli-bench-'));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      api.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      api.once('exit', (code) => reject(new Error(`the API exited ${code} before listening`)));
    });
    const token = await setUpPlatform(url);
    const env = { PATH: process.env['PATH'] ?? '', HOME: work, ACTNAS_CONFIG_DIR: join(work, 'config'), ACTNAS_API: url, ACTNAS_TOKEN: token };
    const submitArgs = ['search', 'submit', '--project', 'detector', '--model', 'yolov5nu', '--device', 'pi5', '--max-accuracy-drop', '0.005', '--k', '10', '--diversity', '3', '--wait', '--json'];
    const runs = repeat(RUNS, () => timed(node, [bin, ...submitArgs], { cwd: work, env }));
    const remote = (JSON.parse(runs[0]!.stdout) as { proposalSet: { proposals: { objective: number }[] } }).proposalSet.proposals.map((p) => p.objective);
    if (remote.some((o, i) => Math.abs(o - objectives[i]!) > 1e-6)) throw new Error('the platform and the local search disagree');
    const submit = summarise(runs);
    figures.push({ figure: 'actnas search submit --wait (same search, local API, PostgreSQL)', ...submit, target: '< 1.5 s', met: submit.wallMs < 1500 });
  } finally {
    api.kill('SIGTERM');
    await new Promise((resolve) => api.once('close', resolve));
    rmSync(work, { recursive: true, force: true });
    psql(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  }
}

function pulpVersion(python: string): string {
  return spawnSync(python, ['-c', 'import pulp; print(pulp.__version__)'], { encoding: 'utf8' }).stdout.trim();
}

/** An organization with device pi5, yolov5nu, project detector, the example tables and a CI token. */
async function setUpPlatform(url: string): Promise<string> {
  const auth: { session?: string } = {};
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const session = auth.session;
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(session ? { authorization: `Bearer ${session}` } : {}) }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length || !body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  auth.session = (await gql<{ signUp: { token: string } }>('mutation($i: SignUpInput!) { signUp(input: $i) { token } }', { i: { email: 'bench@cli.test', password: 'correct horse battery', name: 'bench' } })).signUp.token;
  const org = (await gql<{ createOrganization: { id: string } }>('mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }', { i: { name: 'bench', slug: 'cli-bench' } })).createOrganization.id;
  await gql('mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }', { i: { organizationId: org, name: 'detector' } });
  const device = (await gql<{ createDeviceProfile: { id: string } }>('mutation($i: CreateDeviceProfileInput!) { createDeviceProfile(input: $i) { id } }', { i: { organizationId: org, name: 'pi5', processor: 'Cortex-A76', runtime: 'onnxruntime', runtimeVersion: '1.30', threads: 4, inputSize: 640 } })).createDeviceProfile.id;
  const model = (await gql<{ registerBuiltinModelSpec: { id: string } }>('mutation($i: RegisterBuiltinModelSpecInput!) { registerBuiltinModelSpec(input: $i) { id } }', { i: { organizationId: org, builtinName: 'yolov5nu' } })).registerBuiltinModelSpec.id;
  for (const metric of ['latency', 'accuracy'] as const) {
    const content = readFileSync(join(examples, `${metric}.csv`), 'utf8');
    await gql('mutation($i: PublishCostTableInput!) { publishCostTable(input: $i) { id } }', { i: { organizationId: org, deviceProfileId: device, modelSpecId: model, metric: metric.toUpperCase(), format: 'CSV', content, provenance: { source: 'SYNTHETIC' } } });
  }
  return (await gql<{ createApiToken: { secret: string } }>('mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }', { i: { organizationId: org, name: 'bench', scopes: ['READ', 'SEARCH_WRITE'] } })).createApiToken.secret;
}

// The table.
const ms = (x: number): string => (Number.isNaN(x) ? '-' : `${x.toFixed(0)} ms`);
const rows = figures.map((f) => {
  const p = f.peer;
  const peer =
    p === undefined
      ? '—'
      : 'missing' in p
        ? `${p.name}: ${p.missing}`
        : `${p.name}: ${ms(p.wallMs)} (cpu ${ms(p.cpuMs)}); ours ${(p.wallMs / f.wallMs).toFixed(1)}× faster (cpu ${(p.cpuMs / f.cpuMs).toFixed(1)}×)`;
  const overBare = `${(f.wallMs / bare.wallMs).toFixed(1)}× (cpu ${(f.cpuMs / bare.cpuMs).toFixed(1)}×)`;
  return [f.figure, `${ms(f.wallMs)} (cpu ${ms(f.cpuMs)})`, overBare, `${f.target} ${f.met ? 'met' : 'NOT met'}`, peer];
});
const head = ['figure', `median of ${RUNS}`, '÷ bare node', 'target', 'peer (same run)'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
load.after = loadavg();
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows) console.log(line(r));
console.log(`bare node -e 0 (same run): ${ms(bare.wallMs)} (cpu ${ms(bare.cpuMs)})`);
console.log(`load average (1 min): ${load.before[0]!.toFixed(2)} before, ${load.after[0]!.toFixed(2)} after, on ${cpus().length} cores`);
mkdirSync(join(root, 'apps/cli/bench-results'), { recursive: true });
writeFileSync(join(root, 'apps/cli/bench-results/cli.json'), JSON.stringify({ when: new Date().toISOString(), runs: RUNS, load, bareNode: bare, figures }, null, 2));
