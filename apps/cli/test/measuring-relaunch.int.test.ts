import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Commands that time models relaunch themselves with glibc's malloc tunables set
// (@actnas/devices/measuring-process); the user sees one command: its output, its exit code, its
// signals, and no process left behind.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = join(root, 'apps/cli/bin/actnas.js');
const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
const { npm_command: _npmCommand, GLIBC_TUNABLES: _tunables, ACTNAS_RELAUNCHED: _relaunched, ACTNAS_MALLOC_TUNING: _tuning, ...baseEnv } = process.env;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'actnas-relaunch-'));
});
afterAll(() => {
  // A test that failed before it ended its command leaves it measuring: end it here, stopped or not.
  for (const pid of processesWith(dir)) {
    for (const signal of ['SIGCONT', 'SIGKILL'] as const) {
      try {
        process.kill(pid, signal);
      } catch {
        // Gone already.
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function actnas(args: readonly string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: { ...baseEnv, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The malloc part of a table's provenance note, as the process that measured it saw its start. */
function mallocNote(out: string, env: NodeJS.ProcessEnv = {}): string | undefined {
  const r = actnas(['profile', '--metric', 'memory', '--imgsz', '64', '-o', out], env);
  expect(r.code, r.stderr).toBe(0);
  const note = (JSON.parse(readFileSync(join(dir, out), 'utf8')) as { provenance: { note: string } }).provenance.note;
  return /malloc=([^;]+)/.exec(note)?.[1];
}

/** Pids of the processes whose command line holds `token` (the parent, and the relaunched child). */
function processesWith(token: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(token);
    } catch {
      return false;
    }
  }).map(Number);
}

/** A process's state letter from /proc/<pid>/stat: R running, S sleeping, T stopped. */
function processState(pid: number): string {
  return /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))![1]!;
}

async function until<T>(what: string, probe: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A latency profile that runs for minutes unless stopped, and its exit. Its output path is in this
 * run's own folder, so `processesWith(output)` finds this run's processes and no others'.
 */
function longProfile(token: string): { child: ChildProcess; output: string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const output = join(dir, `${token}.csv`);
  const args = ['profile', '--metric', 'latency', '--mode', 'micro', '--imgsz', '64', '--min-pairs', '100000', '--max-pairs', '100000', '--max-cell-seconds', '600', '-o', output];
  const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: baseEnv, stdio: 'ignore' });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, output, exited };
}

describe.runIf(process.platform === 'linux' && glibc)('actnas relaunches measuring commands with the malloc tunables (Linux, glibc)', () => {
  it('a table measured by the plain command says huge pages and fixed thresholds; ACTNAS_MALLOC_TUNING=0 and own tunables are respected', () => {
    expect(mallocNote('tuned.json')).toBe('glibc-hugetlb+fixed-thresholds');
    expect(mallocNote('untuned.json', { ACTNAS_MALLOC_TUNING: '0' })).toBeUndefined();
    expect(mallocNote('own.json', { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' })).toBe('glibc-hugetlb');
  });

  it("passes the child's exit code and its one-line error through, printed once", () => {
    const r = actnas(['profile', '--model', 'no-such-model', '--metric', 'memory', '-o', 'x.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^actnas: unknown model "no-such-model"/)]);
  });

  it('SIGTERM to the command reaches the measuring child: both end, the command by the same signal', async () => {
    const token = 'relaunch-sigterm';
    const run = longProfile(token);
    // The parent and the relaunched child (the same command line).
    await until('the relaunched child', () => (processesWith(run.output).length >= 2 ? true : undefined));
    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGTERM' });
    await until('no process left', () => (processesWith(run.output).length === 0 ? true : undefined), 5_000);
  });

  it('Ctrl-Z (SIGTSTP) stops the command and its measuring child; SIGCONT (fg) continues both', async () => {
    const token = 'relaunch-sigtstp';
    const run = longProfile(token);
    const pids = await until('the relaunched child', () => (processesWith(run.output).length >= 2 ? processesWith(run.output) : undefined));
    run.child.kill('SIGTSTP');
    await until('both stopped', () => (pids.every((p) => processState(p) === 'T') ? true : undefined), 5_000);
    run.child.kill('SIGCONT');
    await until('both running again', () => (pids.every((p) => ['R', 'S', 'D'].includes(processState(p))) ? true : undefined), 5_000);
    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('kill -9 of the command: the measuring child ends too, nothing measures on as an orphan', async () => {
    const token = 'relaunch-sigkill';
    const run = longProfile(token);
    await until('the relaunched child', () => (processesWith(run.output).length >= 2 ? true : undefined));
    run.child.kill('SIGKILL');
    expect((await run.exited).signal).toBe('SIGKILL');
    await until('no process left', () => (processesWith(run.output).length === 0 ? true : undefined), 5_000);
  });

});
