import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument, SignInDocument, SignOutDocument, SignUpDocument } from '../client/generated.js';
import { errorOf } from './support/client.js';
import { signUp } from './support/fixtures.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

describe('sign-up, sign-in and sessions', () => {
  it('signs up, reads me, signs out and the token stops working', async () => {
    const user = await signUp(t.client, 'ada');
    const { me } = await user.client.data(MeDocument);
    expect(me).toMatchObject({ id: user.userId, email: user.email, name: 'ada' });
    expect(user.token).toMatch(/^actnas_ses_/);

    expect((await user.client.data(SignOutDocument)).signOut).toBe(true);
    expect(errorOf(await user.client.request(MeDocument)).code).toBe('UNAUTHENTICATED');
  });

  it('stores only a hash of the session token and of the password', async () => {
    const user = await signUp(t.client, 'hash');
    const [row] = await t.server.dataSource.query<{ token_hash: string; password_hash: string }[]>(
      `SELECT s.token_hash, u.password_hash FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.id = $1`,
      [user.userId],
    );
    expect(row!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.token_hash).not.toContain(user.token);
    expect(row!.password_hash).toMatch(/^scrypt\$/);
  });

  it('signs in with the right password only, with one message for unknown emails', async () => {
    const user = await signUp(t.client, 'grace');
    const ok = await t.client.data(SignInDocument, { input: { email: user.email.toUpperCase(), password: 'correct horse battery' } });
    expect(ok.signIn.user.id).toBe(user.userId);

    const wrong = errorOf(await t.client.request(SignInDocument, { input: { email: user.email, password: 'wrong password!' } }));
    const unknown = errorOf(await t.client.request(SignInDocument, { input: { email: 'nobody@example.test', password: 'wrong password!' } }));
    expect(wrong).toEqual({ code: 'UNAUTHENTICATED', message: 'Wrong email or password' });
    expect(unknown).toEqual(wrong);
  });

  it('rejects bad input with the field path and duplicate emails as CONFLICT', async () => {
    const short = errorOf(await t.client.request(SignUpDocument, { input: { email: 'a@example.test', password: 'short', name: 'a' } }));
    expect(short).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'password'] });
    const badEmail = errorOf(await t.client.request(SignUpDocument, { input: { email: 'nope', password: 'long enough pw', name: 'a' } }));
    expect(badEmail).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'email'] });

    const user = await signUp(t.client, 'dup');
    const dup = errorOf(await t.client.request(SignUpDocument, { input: { email: user.email, password: 'long enough pw', name: 'b' } }));
    expect(dup.code).toBe('CONFLICT');
  });

  it('answers UNAUTHENTICATED for anonymous and garbage bearer tokens', async () => {
    expect(errorOf(await t.client.request(MeDocument)).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await t.client.as('actnas_ses_garbage').request(MeDocument)).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await t.client.as('something-else').request(MeDocument)).code).toBe('UNAUTHENTICATED');
  });
});
