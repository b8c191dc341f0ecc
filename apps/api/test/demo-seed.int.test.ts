import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, seedDemo } from '../src/index.js';
import { SignInDocument } from '../client/generated.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';
import { waitForSearch } from './support/search-fixture.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

describe('demo seed', () => {
  it('creates a demo organization with synthetic tables and a finished search, once', async () => {
    const seeded = await seedDemo(t.server.dataSource, t.server.services, new Date());
    expect(seeded.created).toBe(true);
    const { signIn } = await t.client.data(SignInDocument, { input: { email: DEMO.email, password: DEMO.password } });
    const owner = { client: t.client.as(signIn.token), token: signIn.token, userId: signIn.user.id, email: DEMO.email };
    const done = await waitForSearch({ owner, id: seeded.organizationId, slug: DEMO.slug }, seeded.searchRequestId!);
    expect(done).toMatchObject({ status: 'SUCCEEDED', proposalSet: { version: 1 } });
    const [provenance] = await t.server.dataSource.query<{ source: string }[]>(
      `SELECT DISTINCT provenance->>'source' AS source FROM cost_tables WHERE organization_id = $1`,
      [seeded.organizationId],
    );
    expect(provenance!.source).toBe('synthetic');
    expect((await seedDemo(t.server.dataSource, t.server.services, new Date())).created).toBe(false);
  });
});
