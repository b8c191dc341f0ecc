import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { npmStart } from './support/npm-start.js';
import type { NpmStart } from './support/npm-start.js';
import { descendants, stillRunning } from './support/process-tree.js';
import type { ProcessInfo } from './support/process-tree.js';

// `npm start` leaves nothing behind: when one of its processes dies, or when it is told to stop,
// every process it started, and every process those started, is gone when it exits, even one
// that ignores SIGTERM (as the dashboard's next-server was seen to under load).

// The API starts a grandchild that ignores SIGTERM: only the process group and the SIGKILL after
// the grace period stop it.
const stubbornGrandchild = `if (process.argv[1]?.endsWith('apps/api/dist/main.js')) {
  const { spawn } = await import('node:child_process');
  spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); /* stubborn-grandchild */'], { stdio: 'ignore' });
}`;
const env = {
  ACTNAS_SEED_DEMO: '0',
  ACTNAS_STOP_GRACE_MS: '3000',
  NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import=data:text/javascript,${encodeURIComponent(stubbornGrandchild)}`.trim(),
};

let platform: NpmStart | undefined;

afterEach(async () => {
  await platform?.close();
  platform = undefined;
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function gone(processes: readonly ProcessInfo[], timeoutMs: number): Promise<ProcessInfo[]> {
  const deadline = Date.now() + timeoutMs;
  let running = processes.filter(stillRunning);
  while (running.length > 0 && Date.now() < deadline) {
    await sleep(100);
    running = running.filter(stillRunning);
  }
  return running;
}

function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The platform's process tree, checked to hold the API and the dashboard's next-server. */
function treeOf(p: NpmStart): { all: ProcessInfo[]; launcher: ProcessInfo; api: ProcessInfo; web: ProcessInfo; stubborn: ProcessInfo } {
  const all = descendants(p.npm.pid!);
  const find = (what: string, match: (c: string) => boolean): ProcessInfo => {
    const found = all.find((x) => match(x.command));
    if (!found) throw new Error(`no ${what} under npm start:\n${all.map((x) => `${x.pid} ${x.command}`).join('\n')}`);
    return found;
  };
  return {
    all,
    launcher: find('launcher', (c) => /^\S*node scripts\/start\.mjs/.test(c)),
    api: find('API', (c) => c.includes('apps/api/dist/main.js')),
    web: find('next-server', (c) => c.startsWith('next-server')),
    stubborn: find('stubborn grandchild', (c) => c.includes('stubborn-grandchild')),
  };
}

describe('npm start', () => {
  it('stops every process it started when the API is killed with SIGKILL', async () => {
    platform = await npmStart(env);
    const tree = treeOf(platform);
    expect(tree.stubborn.ppid).toBe(tree.api.pid);
    process.kill(tree.api.pid, 'SIGKILL');
    expect(await platform.exited).not.toBe(0);
    expect((await gone(tree.all, 20_000)).map((p) => `${p.pid} ${p.command}`)).toEqual([]);
    expect(platform.output()).toContain('[api] exited (SIGKILL); stopping the platform');
    expect(platform.output()).toContain('still running 3 s after SIGTERM; killing them');
    expect(await listening(platform.webUrl)).toBe(false);
  });

  it('stops every process it started when npm itself gets SIGTERM (as from a supervisor), which npm and its shell do not pass on', async () => {
    platform = await npmStart(env);
    const tree = treeOf(platform);
    process.kill(platform.npm.pid!, 'SIGTERM');
    await platform.exited;
    expect((await gone(tree.all, 20_000)).map((p) => `${p.pid} ${p.command}`)).toEqual([]);
    expect(await listening(platform.apiUrl)).toBe(false);
    expect(await listening(platform.webUrl)).toBe(false);
  });

  it('stops every process it started on SIGTERM, and exits 0', async () => {
    platform = await npmStart(env);
    const tree = treeOf(platform);
    process.kill(tree.launcher.pid, 'SIGTERM');
    expect(await platform.exited).toBe(0);
    expect((await gone(tree.all, 20_000)).map((p) => `${p.pid} ${p.command}`)).toEqual([]);
    expect(await listening(platform.apiUrl)).toBe(false);
    expect(await listening(platform.webUrl)).toBe(false);
  });
});
