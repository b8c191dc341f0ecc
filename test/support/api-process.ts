import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const main = fileURLToPath(new URL('../../apps/api/dist/main.js', import.meta.url));

export interface ApiProcess {
  /** The GraphQL endpoint. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code (or signal). */
  stop(): Promise<number | string>;
}

/**
 * The built API (`apps/api/dist/main.js`) in a process of its own, as `npm start` runs it. With no
 * `DATABASE_URL` in `env` it runs on the embedded database under `ACTNAS_DATA_DIR`.
 */
export async function startApiProcess(env: Record<string, string | undefined>, { timeoutMs = 120_000, nodeArgs = [] }: { readonly timeoutMs?: number; readonly nodeArgs?: readonly string[] } = {}): Promise<ApiProcess> {
  if (!existsSync(main)) throw new Error('apps/api/dist is missing: run `npm run build` first (`npm test` builds before vitest)');
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'DATABASE_URL' && name !== 'ACTNAS_SEED_DEMO'));
  const childEnv: Record<string, string | undefined> = { ...inherited, PORT: '0', HOST: '127.0.0.1', ...env };
  // (Next's typings, in the dashboard bench that uses this too, make NODE_ENV a required key.)
  const child = spawn(process.execPath, [...nodeArgs, main], { cwd: root, env: childEnv as unknown as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the API did not start within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const look = (): void => {
      const match = /ActNAS API listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the API exited (${code}) while starting:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
