'use server';

import { redirect } from 'next/navigation';
import { SignInDocument, SignOutDocument, SignUpDocument } from '@/graphql/generated';
import { request } from '@/lib/api/graphql.server';
import { clearSession, sessionToken, setSession } from '@/lib/api/session.server';
import { safeNextPath } from '@/lib/auth/next-path';
import { formError, text } from '@/lib/forms/form-errors.server';
import type { FormState } from '@/lib/forms/form-state';

export async function signUp(_previous: FormState, form: FormData): Promise<FormState> {
  let payload;
  try {
    payload = (await request(undefined, SignUpDocument, { input: { email: text(form, 'email'), password: String(form.get('password') ?? ''), name: text(form, 'name') } })).signUp;
  } catch (error) {
    return formError(error, form);
  }
  await setSession(payload.token, payload.expiresAt);
  redirect(safeNextPath(text(form, 'next')) ?? '/');
}

export async function signIn(_previous: FormState, form: FormData): Promise<FormState> {
  let payload;
  try {
    payload = (await request(undefined, SignInDocument, { input: { email: text(form, 'email'), password: String(form.get('password') ?? '') } })).signIn;
  } catch (error) {
    return formError(error, form);
  }
  await setSession(payload.token, payload.expiresAt);
  // Back to the page that asked for sign-in, if it was one of ours.
  redirect(safeNextPath(text(form, 'next')) ?? '/');
}

export async function signOut(): Promise<void> {
  const token = await sessionToken();
  // The API revokes the session; the cookie goes either way.
  if (token) await request(token, SignOutDocument).catch(() => false);
  await clearSession();
  redirect('/sign-in');
}
