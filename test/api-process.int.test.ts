import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApiProcess } from './support/api-process.js';
import type { ApiProcess } from './support/api-process.js';

// The API as `npm start` runs it (built main.js, embedded database) survives a promise that
// rejects with nobody listening, which Node's default would turn into a crash of the process.

let api: ApiProcess | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  await api?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the API process', () => {
  it('logs an unhandled promise rejection and keeps serving', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'actnas-api-process-'));
    const stray = `setTimeout(() => { Promise.reject(new Error('stray rejection from nowhere')); }, 2000);`;
    api = await startApiProcess({ ACTNAS_DATA_DIR: dataDir }, { nodeArgs: [`--import=data:text/javascript,${encodeURIComponent(stray)}`] });
    const deadline = Date.now() + 30_000;
    while (!api.output().includes('stray rejection from nowhere') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(api.output()).toContain('unhandled promise rejection (the API keeps serving)');
    expect(api.output()).toContain('stray rejection from nowhere');
    const health = await fetch(new URL('/healthz', api.url));
    expect(health.status).toBe(200);
    expect(api.child.exitCode).toBeNull();
    // And it still stops cleanly.
    expect(await api.stop()).toBe(0);
  });
});
