import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrganizationDocument, RevokeApiTokenDocument, SignOutDocument, UpdateOrganizationDocument } from '../client/generated.js';
import { print } from 'graphql/index.js';
import { createApiToken, createOrganization, signUp } from './support/fixtures.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const ORGANIZATION = print(OrganizationDocument);

interface Answer {
  readonly cache: string | null;
  readonly body: { data?: { organization?: { name: string } | null } | null; errors?: { extensions?: { code?: string } }[] };
}

async function ask(token: string | undefined, slug: string, query = ORGANIZATION): Promise<Answer> {
  const response = await fetch(t.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables: { slug } }),
  });
  return { cache: response.headers.get('x-actnas-cache'), body: (await response.json()) as Answer['body'] };
}

/** Polls until `done` holds: a NOTIFY arrives a moment after the commit, on its own connection. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, deadlineMs = 5_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('response cache', () => {
  it('listens for database changes when running on PostgreSQL', async () => {
    const health = (await (await fetch(new URL('/healthz', t.server.url))).json()) as { responseCache: boolean };
    expect(health.responseCache).toBe(true);
  });

  it('answers a repeated query from the cache and shows a mutation through the API on the next read', async () => {
    const org = await createOrganization(t.client, 'cached');
    expect((await ask(org.owner.token, org.slug)).cache).toBe('miss');
    const hit = await ask(org.owner.token, org.slug);
    expect(hit.cache).toBe('hit');
    expect(hit.body.data?.organization?.name).toBe('cached');

    await org.owner.client.data(UpdateOrganizationDocument, { input: { organizationId: org.id, name: 'renamed' } });
    const after = await ask(org.owner.token, org.slug);
    expect(after.cache).toBe('miss');
    expect(after.body.data?.organization?.name).toBe('renamed');
  });

  it('shows a change committed outside the API once PostgreSQL notifies it', async () => {
    const org = await createOrganization(t.client, 'outside');
    await ask(org.owner.token, org.slug);
    expect((await ask(org.owner.token, org.slug)).cache).toBe('hit');
    const psql = new pg.Client({ connectionString: t.database.url });
    await psql.connect();
    try {
      await psql.query(`UPDATE organizations SET name = 'fixed in psql' WHERE id = $1`, [org.id]);
    } finally {
      await psql.end();
    }
    const seen = await eventually(() => ask(org.owner.token, org.slug), (a) => a.body.data?.organization?.name === 'fixed in psql');
    expect(seen.body.data?.organization?.name).toBe('fixed in psql');
  });

  it('never answers one caller with another caller\'s cached response', async () => {
    const org = await createOrganization(t.client, 'private');
    // Signed up first: a sign-up is a write, and writes empty the cache.
    const stranger = await signUp(t.client, 'stranger');
    await eventually(() => ask(org.owner.token, org.slug), (a) => a.cache === 'hit');
    for (const token of [stranger.token, undefined]) {
      const answer = await ask(token, org.slug);
      expect(answer.cache).toBe('miss');
      expect(answer.body.errors?.[0]?.extensions?.code).toBe(token ? 'NOT_FOUND' : 'UNAUTHENTICATED');
    }
  });

  it('does not cache errors', async () => {
    const user = await signUp(t.client, 'nobody');
    for (let i = 0; i < 2; i++) expect((await ask(user.token, 'no-such-org')).cache).toBe('miss');
  });

  it('a revoked token and a signed-out session stop working on the next request', async () => {
    const org = await createOrganization(t.client, 'revoke');
    const token = await createApiToken(org.owner.client, org.id, ['READ']);
    // The token's first use writes its last-used time, and that write invalidates: ask until cached.
    expect((await eventually(() => ask(token, org.slug), (a) => a.cache === 'hit')).cache).toBe('hit');
    const { organization } = await org.owner.client.data(OrganizationDocument, { slug: org.slug });
    const tokens = await org.owner.client.raw<{ organization: { apiTokens: { nodes: { id: string }[] } } }>(
      `query($slug: String!) { organization(slug: $slug) { apiTokens { nodes { id } } } }`, { slug: org.slug },
    );
    const id = tokens.data!.organization.apiTokens.nodes[0]!.id;
    await org.owner.client.data(RevokeApiTokenDocument, { input: { organizationId: organization.id, id } });
    expect((await ask(token, org.slug)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // The revocation's change notice may arrive after the next answer is stored: ask until cached.
    expect((await eventually(() => ask(org.owner.token, org.slug), (a) => a.cache === 'hit')).cache).toBe('hit');
    await org.owner.client.data(SignOutDocument, {});
    expect((await ask(org.owner.token, org.slug)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('every application table notifies its changes', async () => {
    const rows = (await t.server.dataSource.query(
      `SELECT c.relname AS table, EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'actnas_changes') AS notifies
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'typeorm_migrations'`,
    )) as { table: string; notifies: boolean }[];
    expect(rows.length).toBeGreaterThanOrEqual(16);
    expect(rows.filter((r) => !r.notifies).map((r) => r.table)).toEqual([]);
  });
});

describe('response cache switched off', () => {
  it('GRAPHQL_RESPONSE_CACHE=false answers every request from the database', async () => {
    const off = await startTestServer({ responseCache: false });
    try {
      const health = (await (await fetch(new URL('/healthz', off.server.url))).json()) as { responseCache: boolean };
      expect(health.responseCache).toBe(false);
      const user = await signUp(off.client, 'uncached');
      const response = await fetch(off.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      expect(response.headers.get('x-actnas-cache')).toBeNull();
      expect(((await response.json()) as { data: { me: { id: string } } }).data.me.id).toBe(user.userId);
    } finally {
      await off.close();
    }
  });
});
