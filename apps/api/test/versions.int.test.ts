import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubmitSearchDocument } from '../client/generated.js';
import { createOrganization } from './support/fixtures.js';
import { searchFixture, searchInput, waitForSearch } from './support/search-fixture.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ searchWorkers: 6 });
});
afterAll(async () => {
  await t?.close();
});

describe('proposal-set versions under concurrency', () => {
  it('100 concurrent submissions in one project produce versions 1..100 exactly', async () => {
    const org = await createOrganization(t.client, 'versions');
    const f = await searchFixture(org);
    const submitted = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        org.owner.client.data(SubmitSearchDocument, { input: searchInput(org, f, { k: 1, idempotencyKey: `run-${i}` }) }),
      ),
    );
    const done = await Promise.all(submitted.map((s) => waitForSearch(org, s.submitSearch.id, 120_000)));
    expect(done.every((d) => d.status === 'SUCCEEDED')).toBe(true);
    expect(done.map((d) => d.proposalSet!.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const rows = await t.server.dataSource.query<{ version: number }[]>(
      `SELECT version FROM proposal_sets WHERE project_id = $1 ORDER BY version`,
      [f.projectId],
    );
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const [project] = await t.server.dataSource.query<{ last: number }[]>(`SELECT last_proposal_version AS last FROM projects WHERE id = $1`, [
      f.projectId,
    ]);
    expect(project!.last).toBe(100);
  });
});
