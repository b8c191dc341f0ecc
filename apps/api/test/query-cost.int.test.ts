import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubmitSearchDocument } from '../client/generated.js';
import { createOrganization } from './support/fixtures.js';
import type { OrgFixture } from './support/fixtures.js';
import { searchFixture, searchInput, waitForSearch } from './support/search-fixture.js';
import type { SearchFixture } from './support/search-fixture.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

// The probes of issue 16 against the default limits (cost 5,000, 20,000 tokens).
let t: TestServer;
let org: OrgFixture;
let fixture: SearchFixture;
beforeAll(async () => {
  t = await startTestServer({ introspection: false });
  org = await createOrganization(t.client, 'cost');
  fixture = await searchFixture(org);
  const { submitSearch } = await org.owner.client.data(SubmitSearchDocument, { input: searchInput(org, fixture, { k: 2 }) });
  expect((await waitForSearch(org, submitSearch.id)).status).toBe('SUCCEEDED');
});
afterAll(async () => {
  await t?.close();
});

interface Rejection {
  readonly status: number;
  readonly body: { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] };
  readonly ms: number;
}

async function post(query: string, token?: string): Promise<Rejection> {
  const started = performance.now();
  const response = await fetch(t.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as Rejection['body'], ms: performance.now() - started };
}

const aliases = (n: number, field: string): string => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');
const exports = (n: number, format: string, selection = 'filename') =>
  `{ organization(slug: "${org.slug}") { project(id: "${fixture.projectId}") { latestProposalSet { ${aliases(n, `export(rank: 1, format: ${format}) { ${selection} }`)} } } } }`;

describe('query cost', () => {
  it('refuses 10,000 and 9,000 anonymous aliases with 400 and a GraphQL body, running nothing', async () => {
    for (const n of [10_000, 9_000]) {
      const answer = await post(`{ ${aliases(n, 'builtinModelNames')} }`);
      expect(answer.status).toBe(400);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
    }
  });

  it('counts every field: more fields than the limit is over it (the node-count overflow is a rejection, not a pass)', async () => {
    const answer = await post(`{ ${aliases(6_000, 'builtinModelNames')} }`);
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'QUERY_COST', maxCost: 5000 } });
  });

  it('charges each alias of a list its full cost', async () => {
    const answer = await post(`{ organization(slug: "${org.slug}") { ${aliases(100, 'projects(first: 100) { nodes { id name } }')} } }`, org.owner.token);
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.message).toMatch(/Query cost \d+ exceeds the limit of 5000/);
  });

  it('costs exports by format, each alias paying again, so aliased ONNX exports are refused before any is built', async () => {
    for (const query of [exports(20, 'ONNX', 'content'), exports(100, 'ONNX')]) {
      const answer = await post(query, org.owner.token);
      expect(answer.status).toBe(400);
      expect(answer.body.errors?.[0]).toMatchObject({ extensions: { reason: 'QUERY_COST' } });
      expect(answer.ms).toBeLessThan(2_000);
    }
    // A few cheap exports are fine.
    const json = await post(exports(3, 'JSON'), org.owner.token);
    expect(json.status).toBe(200);
    expect(json.body.errors).toBeUndefined();
  });

  it('lists at most the first 100 errors of a response', async () => {
    const answer = await post(`{ ${Array.from({ length: 300 }, (_, i) => `nope${i}`).join(' ')} }`);
    expect(answer.status).toBe(400);
    // graphql-js stops validating after 100 errors and says so; the response lists 100 and counts the rest.
    expect(answer.body.errors).toHaveLength(101);
    expect(answer.body.errors!.at(-1)).toMatchObject({ message: '… and 1 more error', extensions: { code: 'TOO_MANY_ERRORS', errorCount: 101, listed: 100 } });
  });

  it('stops exporting once a request has returned its ceiling of bytes', async () => {
    const small = await startTestServer({ exportMaxBytes: 1_000 });
    try {
      const other = await createOrganization(small.client, 'bytes');
      const f = await searchFixture(other);
      const { submitSearch } = await other.owner.client.data(SubmitSearchDocument, { input: searchInput(other, f, { k: 1 }) });
      await waitForSearch(other, submitSearch.id);
      const query = `{ organization(slug: "${other.slug}") { project(id: "${f.projectId}") { latestProposalSet { ${aliases(3, 'export(rank: 1, format: JSON) { content }')} } } } }`;
      const answer = await other.owner.client.raw(query);
      const codes = (answer.errors ?? []).map((e) => (e.extensions as { reason?: string }).reason);
      expect(codes.length).toBeGreaterThan(0);
      expect(new Set(codes)).toEqual(new Set(['EXPORT_LIMIT']));
    } finally {
      await small.close();
    }
  });
});
