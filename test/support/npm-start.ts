import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { descendants, stillRunning } from './process-tree.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A signal to a process that may have exited in the meantime. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone in between
  }
}

export interface NpmStart {
  /** The `npm` process. */
  readonly npm: ChildProcess;
  readonly apiUrl: string;
  readonly webUrl: string;
  readonly dataDir: string;
  output(): string;
  /** Resolves with npm's exit code (or signal) once it has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM to npm if it still runs, waits for it, removes the data folder. */
  close(): Promise<void>;
}

/**
 * `npm start` exactly as the README has it, in a fresh clone's state: DATABASE_URL unset (the
 * embedded database, here in a temporary ACTNAS_DATA_DIR), ports from API_PORT and PORT.
 */
export async function npmStart(env: Record<string, string> = {}, timeoutMs = 300_000): Promise<NpmStart> {
  const dataDir = await mkdtemp(join(tmpdir(), 'actnas-npm-start-'));
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'DATABASE_URL'));
  const npm = spawn('npm', ['start'], {
    cwd: root,
    env: { ...inherited, ACTNAS_DATA_DIR: dataDir, API_PORT: String(apiPort), PORT: String(webPort), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => npm.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const close = async (): Promise<void> => {
    // npm exits on SIGTERM without passing it on (the launcher only notices a quarter second
    // later), so the launcher, which stops the platform's process groups, is signalled itself,
    // and its whole tree awaited.
    const tree = npm.pid === undefined ? [] : descendants(npm.pid);
    if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGTERM');
    for (const p of tree.filter((x) => /node scripts\/start\.mjs/.test(x.command) && stillRunning(x))) signal(p.pid, 'SIGTERM');
    await exited;
    for (const deadline = Date.now() + 30_000; tree.some(stillRunning) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const p of tree.filter(stillRunning)) signal(p.pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start was not running within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
      const look = (): void => {
        if (output.includes('ActNAS Platform is running')) {
          clearTimeout(timer);
          resolve();
        }
      };
      npm.stdout!.on('data', look);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited (${code}) while starting:\n${output}`));
      });
    });
  } catch (error) {
    await close();
    throw error;
  }
  return {
    npm,
    apiUrl: `http://127.0.0.1:${apiPort}/graphql`,
    webUrl: `http://127.0.0.1:${webPort}`,
    dataDir,
    output: () => output,
    exited,
    close,
  };
}
