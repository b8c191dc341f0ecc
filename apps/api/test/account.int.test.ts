import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangePasswordDocument, MeDocument, SignInDocument, UpdateAccountDocument } from '../client/generated.js';
import { errorOf } from './support/client.js';
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

describe('account settings', () => {
  it('renames the signed-in user, and refuses an empty name and API tokens', async () => {
    const org = await createOrganization(t.client, 'account');
    const { updateAccount } = await org.owner.client.data(UpdateAccountDocument, { input: { name: '  Ada Lovelace ' } });
    expect(updateAccount).toMatchObject({ name: 'Ada Lovelace', email: org.owner.email });
    expect((await org.owner.client.data(MeDocument)).me.name).toBe('Ada Lovelace');
    expect(errorOf(await org.owner.client.request(UpdateAccountDocument, { input: { name: ' ' } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'name'] });
    const token = t.client.as(await createApiToken(org.owner.client, org.id, ['READ']));
    expect(errorOf(await token.request(UpdateAccountDocument, { input: { name: 'x' } })).code).toBe('FORBIDDEN');
  });

  it('changes the password only with the current one, and signs out every other session', async () => {
    const user = await signUp(t.client, 'grace');
    const other = t.client.as((await t.client.data(SignInDocument, { input: { email: user.email, password: 'correct horse battery' } })).signIn.token);
    const wrong = await user.client.request(ChangePasswordDocument, { input: { currentPassword: 'not my password', newPassword: 'a much longer passphrase' } });
    expect(errorOf(wrong)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'currentPassword'] });
    const short = await user.client.request(ChangePasswordDocument, { input: { currentPassword: 'correct horse battery', newPassword: 'short' } });
    expect(errorOf(short)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'newPassword'] });
    expect((await other.request(MeDocument)).errors).toBeUndefined();

    const { changePassword } = await user.client.data(ChangePasswordDocument, { input: { currentPassword: 'correct horse battery', newPassword: 'a much longer passphrase' } });
    expect(changePassword).toBe(true);
    expect((await user.client.data(MeDocument)).me.email).toBe(user.email);
    expect(errorOf(await other.request(MeDocument)).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await t.client.request(SignInDocument, { input: { email: user.email, password: 'correct horse battery' } })).code).toBe('UNAUTHENTICATED');
    expect((await t.client.request(SignInDocument, { input: { email: user.email, password: 'a much longer passphrase' } })).errors).toBeUndefined();
  });
});
