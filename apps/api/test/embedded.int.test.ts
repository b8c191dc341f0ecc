import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateOrganizationDocument, OrganizationsDocument, PublicDeviceProfilesDocument } from '../client/generated.js';
import { createServer } from '../src/index.js';
import { Client } from './support/client.js';
import { signUp } from './support/fixtures.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'actnas-pglite-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('embedded PostgreSQL (DATABASE_URL unset)', () => {
  it('starts on PGlite in a local folder, migrates, serves, and keeps data across restarts', async () => {
    const first = await createServer({ databaseUrl: undefined, dataDir, port: 0, host: '127.0.0.1' });
    let token: string;
    try {
      const anonymous = new Client(first.url);
      // The change feed hears NOTIFY sent from other connections of the one session (its probe
      // proves it), so the response cache is on.
      const health = (await (await fetch(new URL('/healthz', first.url))).json()) as { responseCache: boolean };
      expect(health.responseCache).toBe(true);
      expect((await anonymous.data(PublicDeviceProfilesDocument, {})).publicDeviceProfiles.nodes).toEqual([]);
      const user = await signUp(anonymous, 'embedded');
      token = user.token;
      await user.client.data(CreateOrganizationDocument, { input: { name: 'Local', slug: 'local-org' } });
      const [{ count }] = (await first.dataSource.query(`SELECT count(*)::int AS count FROM typeorm_migrations`)) as [{ count: number }];
      expect(count).toBe(first.dataSource.migrations.length);
    } finally {
      await first.close();
    }

    const second = await createServer({ databaseUrl: undefined, dataDir, port: 0, host: '127.0.0.1' });
    try {
      const { organizations } = await new Client(second.url, token).data(OrganizationsDocument, {});
      expect(organizations.edges.map((e) => e.node.slug)).toEqual(['local-org']);
      // The dashboard's lean prepared statements, twice so PGlite also serves them once prepared.
      const dashboard = `{ organization(slug: "local-org") { viewerRole projects { nodes { id latestProposalSet { version } } } deviceProfiles { nodes { id } } costTables { nodes { id } } } }`;
      for (let i = 0; i < 2; i++) {
        const response = await new Client(second.url, token).raw(dashboard);
        expect(response.errors).toBeUndefined();
        expect(response.data).toEqual({ organization: { viewerRole: 'OWNER', projects: { nodes: [] }, deviceProfiles: { nodes: [] }, costTables: { nodes: [] } } });
      }
      // A repeated read is a cache hit; a write from another connection (as the search worker's)
      // empties the cache through NOTIFY, well before the entries' 2 s age limit.
      const named = JSON.stringify({ query: `{ organization(slug: "local-org") { name } }` });
      const read = async (): Promise<{ cache: string | null; name: string }> => {
        const response = await fetch(second.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: named });
        const body = (await response.json()) as { data: { organization: { name: string } } };
        return { cache: response.headers.get('x-actnas-cache'), name: body.data.organization.name };
      };
      await read();
      expect(await read()).toEqual({ cache: 'hit', name: 'Local' });
      const written = Date.now();
      await second.dataSource.query(`UPDATE organizations SET name = 'Renamed locally' WHERE slug = 'local-org'`);
      let seen = await read();
      while (seen.name !== 'Renamed locally' && Date.now() - written < 5_000) seen = await read();
      expect(seen.name).toBe('Renamed locally');
      expect(Date.now() - written).toBeLessThan(1_000);
    } finally {
      await second.close();
    }
  });
});
