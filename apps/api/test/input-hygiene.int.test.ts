import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization } from './support/fixtures.js';
import type { OrgFixture } from './support/fixtures.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

let t: TestServer;
let org: OrgFixture;
beforeAll(async () => {
  t = await startTestServer({ searchWorkers: 0 });
  org = await createOrganization(t.client, 'hygiene');
});
afterAll(async () => {
  await t?.close();
});

async function post(query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(t.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: { message: string; extensions: { code: string; field?: unknown } }[] };
  return { status: response.status, data: body.data, error: body.errors?.[0] };
}

const CREATE_PROJECT = `mutation($input: CreateProjectInput!) { createProject(input: $input) { id name description } }`;

describe('input hygiene', () => {
  it.each([
    ['a NUL byte', 'before\u0000after', /NUL/],
    ['an unpaired surrogate', 'half \ud800 a pair', /unpaired surrogate/],
    ['a control character', 'bell\u0007', /control character \(U\+0007\)/],
    ['a bidi override', 'invoice\u202Egpj.exe', /bidirectional/],
    ['a line break', 'two\nlines', /control character \(U\+000A\)/],
  ])('rejects %s in a name with BAD_USER_INPUT naming the field, before storing anything', async (_what, name, message) => {
    const answer = await post(CREATE_PROJECT, { input: { organizationId: org.id, name } }, org.owner.token);
    expect(answer.status).toBe(400);
    expect(answer.data).toBeUndefined();
    expect(answer.error).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: ['input', 'name'] } });
    expect(answer.error?.message).toMatch(message);
  });

  it('allows line breaks, tabs and bidi marks in free text, never NUL', async () => {
    const ok = await post(CREATE_PROJECT, { input: { organizationId: org.id, name: 'Text ok', description: 'line one\n\tline two \u202Bمرحبا\u202C' } }, org.owner.token);
    expect(ok.error).toBeUndefined();
    const nul = await post(CREATE_PROJECT, { input: { organizationId: org.id, name: 'Text nul', description: 'a\u0000b' } }, org.owner.token);
    expect(nul.error).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: ['input', 'description'] } });
  });

  it('checks inline arguments and every kind of field: slugs, emails, list items, idempotency keys, CSV content', async () => {
    expect((await post(`{ organization(slug: "demo\\u0000") { id } }`, {}, org.owner.token)).error).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: ['slug'] } });
    const signUp = await post(`mutation($input: SignUpInput!) { signUp(input: $input) { token } }`, { input: { email: 'x\u0000@example.test', password: 'correct horse battery', name: 'x' } });
    expect(signUp.error).toMatchObject({ extensions: { field: ['input', 'email'] } });
    const share = await post(
      `mutation($input: SetDeviceProfileVisibilityInput!) { setDeviceProfileVisibility(input: $input) { id } }`,
      { input: { organizationId: org.id, id: '00000000-0000-4000-8000-000000000000', visibility: 'SHARED', sharedWith: ['ok', 'bad\u202E'] } },
      org.owner.token,
    );
    expect(share.error).toMatchObject({ extensions: { field: ['input', 'sharedWith', 1] } });
    const search = await post(
      `mutation($i: SubmitSearchInput!) { submitSearch(input: $i) { id } }`,
      { i: { organizationId: org.id, projectId: 'p', modelSpecId: 'm', costTableIds: ['c'], objective: { sense: 'MIN', metric: { metric: 'LATENCY' } }, idempotencyKey: 'key\u0000' } },
      org.owner.token,
    );
    expect(search.error).toMatchObject({ extensions: { field: ['input', 'idempotencyKey'] } });
    const table = await post(
      `mutation($input: PublishCostTableInput!) { publishCostTable(input: $input) { id } }`,
      { input: { organizationId: org.id, deviceProfileId: 'd', modelSpecId: 'm', metric: 'LATENCY', format: 'CSV', content: 'layer,activation,reference,delta\n\u0000' } },
      org.owner.token,
    );
    expect(table.error).toMatchObject({ extensions: { field: ['input', 'content'] } });
  });

  it('guards the upload route’s name too', async () => {
    const url = new URL('/uploads/model-specs', t.server.url);
    url.searchParams.set('organizationId', org.id);
    url.searchParams.set('name', 'model\u202E');
    url.searchParams.set('format', 'yaml');
    const response = await fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${org.owner.token}` }, body: 'nc: 80\n' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { extensions: { field: unknown } }[] }).errors[0]!.extensions.field).toEqual(['query', 'name']);
  });
});
