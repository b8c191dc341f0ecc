import { randomBytes, scryptSync } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordHasher } from '../src/auth/passwords.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { token } }`;
const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { token user { id } } }`;

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly code: string | undefined;
  readonly field: unknown;
  readonly message: string | undefined;
  readonly token: string | undefined;
}

async function call(t: TestServer, query: string, input: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(t.server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: { input } }) });
  const body = (await response.json()) as { data?: { signIn?: { token: string }; signUp?: { token: string } } | null; errors?: { message: string; extensions: { code: string; field?: unknown } }[] };
  const error = body.errors?.[0];
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    code: error?.extensions.code,
    field: error?.extensions.field,
    message: error?.message,
    token: body.data?.signIn?.token ?? body.data?.signUp?.token,
  };
}

async function sql<T>(t: TestServer, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: t.database.url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

const PASSWORD = 'correct horse battery';
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

describe('sign-in throttling', () => {
  it('locks an account after 5 wrong passwords in a row, doubling the lock, with 429 and Retry-After; audits each failure', async () => {
    const email = `locked-${randomBytes(3).toString('hex')}@example.test`;
    expect((await call(t, SIGN_UP, { email, password: PASSWORD, name: 'Locked' })).token).toBeTruthy();
    for (let i = 0; i < 5; i++) expect(await call(t, SIGN_IN, { email, password: `wrong password ${i}` })).toMatchObject({ status: 200, code: 'UNAUTHENTICATED' });
    // The sixth wrong one locks the account for 1 s; meanwhile even the right password is refused, unchecked.
    expect((await call(t, SIGN_IN, { email, password: 'wrong password 6' })).code).toBe('UNAUTHENTICATED');
    const locked = await call(t, SIGN_IN, { email, password: PASSWORD });
    expect(locked).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS', retryAfter: '1' });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // Another wrong one locks for 2 s.
    expect((await call(t, SIGN_IN, { email, password: 'wrong password 7' })).code).toBe('UNAUTHENTICATED');
    // Locked for 2 s now (the audit below proves the doubling; the header may already say 1 on a slow machine).
    const again = await call(t, SIGN_IN, { email, password: PASSWORD });
    expect(again).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
    expect(['1', '2']).toContain(again.retryAfter);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    // The right password works and clears the count.
    expect((await call(t, SIGN_IN, { email, password: PASSWORD })).token).toBeTruthy();
    expect((await call(t, SIGN_IN, { email, password: 'wrong again' })).code).toBe('UNAUTHENTICATED');
    const failures = await sql<{ data: { email: string; lockedForSeconds?: number } }>(t, `SELECT data FROM audit_events WHERE action = 'session.sign_in_failed' AND data->>'email' = $1 ORDER BY created_at`, [email]);
    expect(failures).toHaveLength(8);
    expect(failures.map((f) => f.data.lockedForSeconds ?? 0)).toEqual([0, 0, 0, 0, 0, 1, 2, 0]);
  });

  it('treats an unknown email like a known one', async () => {
    const email = `nobody-${randomBytes(3).toString('hex')}@example.test`;
    for (let i = 0; i < 6; i++) expect((await call(t, SIGN_IN, { email, password: 'some password' })).code).toBe('UNAUTHENTICATED');
    expect(await call(t, SIGN_IN, { email, password: 'some password' })).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
  });

  it('limits wrong passwords per client address across accounts', async () => {
    const address = await startTestServer();
    try {
      for (let i = 0; i < 30; i++) expect((await call(address, SIGN_IN, { email: `spray-${i}@example.test`, password: 'Winter2024!' })).code).toBe('UNAUTHENTICATED');
      const blocked = await call(address, SIGN_IN, { email: 'spray-new@example.test', password: 'Winter2024!' });
      expect(blocked).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
      expect(Number(blocked.retryAfter)).toBeGreaterThan(60);
    } finally {
      await address.close();
    }
  });
});

describe('passwords', () => {
  it('refuses short, common, breached and self-derived passwords, naming the field', async () => {
    const email = `weak-${randomBytes(3).toString('hex')}@example.test`;
    for (const password of ['aaaaaaaaaa', 'password12', 'qwertyuiop1', email, 'short']) {
      const answer = await call(t, SIGN_UP, { email, password, name: 'Weak' });
      expect(answer, password).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'password'] });
    }
    expect((await call(t, SIGN_UP, { email, password: 'password12', name: 'Weak' })).message).toMatch(/common/i);
  });

  it('treats the NFC and NFD forms of a password as one', async () => {
    const email = `nfc-${randomBytes(3).toString('hex')}@example.test`;
    const nfd = 'Cafe\u0301 cre\u0300me bru\u0302le\u0301e 42';
    expect((await call(t, SIGN_UP, { email, password: nfd, name: 'Unicode' })).token).toBeTruthy();
    expect((await call(t, SIGN_IN, { email, password: nfd.normalize('NFC') })).token).toBeTruthy();
  });

  it('re-hashes at sign-in a hash of a lower cost, and one of an unnormalised password', async () => {
    const stronger = await startTestServer({ passwordScryptLogN: 15 });
    try {
      const weak = `rehash-${randomBytes(3).toString('hex')}@example.test`;
      await sql(stronger, `INSERT INTO users (email, name, password_hash) VALUES ($1, 'Old', $2)`, [weak, await new PasswordHasher(14).hash(PASSWORD)]);
      // Written before normalisation: scrypt of the NFD form as typed.
      const legacy = `legacy-${randomBytes(3).toString('hex')}@example.test`;
      const nfd = 'Cafe\u0301 cre\u0300me bru\u0302le\u0301e 42';
      const salt = randomBytes(16);
      const key = scryptSync(nfd, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 256 * 2 ** 15 * 8 });
      await sql(stronger, `INSERT INTO users (email, name, password_hash) VALUES ($1, 'Legacy', $2)`, [legacy, ['scrypt', 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$')]);

      expect((await call(stronger, SIGN_IN, { email: weak, password: PASSWORD })).token).toBeTruthy();
      expect((await call(stronger, SIGN_IN, { email: legacy, password: nfd })).token).toBeTruthy();
      const hashes = await sql<{ email: string; password_hash: string }>(stronger, `SELECT email, password_hash FROM users WHERE email IN ($1, $2)`, [weak, legacy]);
      for (const row of hashes) expect(row.password_hash).toMatch(/^scrypt\$15\$8\$1\$/);
      // The new hashes still accept the password, the legacy one in either form.
      expect((await call(stronger, SIGN_IN, { email: weak, password: PASSWORD })).token).toBeTruthy();
      expect((await call(stronger, SIGN_IN, { email: legacy, password: nfd.normalize('NFC') })).token).toBeTruthy();
    } finally {
      await stronger.close();
    }
  });
});
