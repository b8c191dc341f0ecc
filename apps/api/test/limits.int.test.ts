import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from './support/client.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ introspection: false, bodyLimitBytes: 10_000, maxDepth: 6, maxCost: 500 });
});
afterAll(async () => {
  await t?.close();
});

describe('request limits', () => {
  it('rejects bodies over the limit with 413', async () => {
    const response = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(20_000) } }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('rejects operations deeper than the limit, fragments included', async () => {
    const query = `
      fragment Deep on Organization { members { nodes { user { id } } } }
      query { organizations { edges { node { ...Deep } } } }`;
    const error = errorOf(await t.client.raw(query));
    expect(error.message).toMatch(/depth 7 exceeds the limit of 6/);
  });

  it('rejects operations over the cost limit before resolving', async () => {
    const query = `{ organizations(first: 100) { nodes { projects(first: 100) { nodes { id } } } } }`;
    const error = errorOf(await t.client.raw(query));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(error.message).toMatch(/cost \d+ exceeds the limit of 500/);
  });

  it('costs one document by the values of its variables, also once its cost is cached', async () => {
    const query = `query Lists($n: Int, $m: Int, $deep: Boolean!) {
      organizations(first: $n) { nodes { projects(first: $m) @include(if: $deep) { nodes { id } } } }
    }`;
    const cheap = await t.client.raw(query, { n: 1, m: 1, deep: true });
    expect(cheap.errors?.[0]?.message ?? '').not.toMatch(/cost/);
    expect(errorOf(await t.client.raw(query, { n: 100, m: 100, deep: true })).message).toMatch(/exceeds the limit of 500/);
    expect((await t.client.raw(query, { n: 100, m: 100, deep: false })).errors?.[0]?.message ?? '').not.toMatch(/cost/);
    expect((await t.client.raw(query, { n: 1, m: 1, deep: true })).errors?.[0]?.message ?? '').not.toMatch(/cost/);
  });

  it('turns introspection off when configured', async () => {
    const response = await t.client.raw(`{ __schema { types { name } } }`);
    expect(response.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it('answers a body in another charset with 415 in the GraphQL shape', async () => {
    const response = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=latin1' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string; reason: string } }[] };
    expect(body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'charset.unsupported' } });
  });

  it('does not spell out the schema in "did you mean" suggestions when introspection is off', async () => {
    const response = await t.client.raw(`{ organizationz { id } builtinModelName }`);
    expect(response.status).toBe(400);
    for (const error of response.errors ?? []) expect(error.message).not.toMatch(/did you mean/i);
  });

  it('answers unknown routes in the GraphQL error shape too', async () => {
    const response = await fetch(new URL('/nope', t.server.url));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('NOT_FOUND');
  });

  it('answers malformed JSON with 400', async () => {
    const response = await fetch(t.server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(response.status).toBe(400);
  });
});
