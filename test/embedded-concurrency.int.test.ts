import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiProcess } from './support/api-process.js';
import type { ApiProcess } from './support/api-process.js';
import { driveConcurrentUse, summarize } from './support/concurrent-use.js';

// The default install (`npm start` with DATABASE_URL unset) is used by a team at once: twenty
// people reading dashboards, searches running in the workers, and a device agent reporting.
// The API runs as `npm start` runs it, in its own process on the embedded database.

const DURATION_MS = 60_000;

let dataDir: string;
let api: ApiProcess;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'actnas-concurrency-'));
  api = await startApiProcess({ ACTNAS_DATA_DIR: dataDir });
});

afterAll(async () => {
  await api?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the embedded default under concurrent use', () => {
  it(
    'serves 20 dashboard readers, 5 searches and an agent for 60 s without one error',
    async () => {
      const report = await driveConcurrentUse({ apiUrl: api.url, durationMs: DURATION_MS, readers: 20, searches: 5 });
      console.log(summarize(report));
      expect(api.child.exitCode, `the API exited:\n${api.output()}`).toBeNull();
      expect(report.serverErrors, summarize(report)).toBe(0);
      expect(report.failedRequests, summarize(report)).toBe(0);
      expect(report.graphqlErrors.slice(0, 20)).toEqual([]);
      expect(report.searches.map((s) => s.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      // Each succeeded search is its own version after the set-up search's version 1.
      expect(report.searches.map((s) => s.version).sort()).toEqual([2, 3, 4, 5, 6]);
      expect(report.agent).toMatchObject({ status: 'SUCCEEDED', tables: 1 });
      expect(report.agent.reports).toBeGreaterThan(20);
      // Readers were not starved: every one of them loaded pages throughout.
      expect(report.samples.filter((s) => s.kind.startsWith('read:')).length).toBeGreaterThan(200);
      const health = (await (await fetch(new URL('/healthz', api.url))).json()) as { ok: boolean };
      expect(health.ok).toBe(true);
      expect(api.output()).not.toMatch(/unhandled|portal "" does not exist|prepared statement/i);
    },
    DURATION_MS + 240_000,
  );
});
