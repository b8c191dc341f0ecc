import { cookies } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ApiError, request } from './graphql.server';

/**
 * The API's bearer session token lives only in this httpOnly cookie: server components and server
 * actions read it and call the API from the server, so browser scripts never see it.
 */
export const SESSION_COOKIE = 'actnas_session';

export async function sessionToken(): Promise<string | undefined> {
  return (await cookies()).get(SESSION_COOKIE)?.value;
}

export async function setSession(token: string, expiresAt: string): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: process.env['ACTNAS_SECURE_COOKIES'] === 'true',
    path: '/',
    expires: new Date(expiresAt),
  });
}

export async function clearSession(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
}

type Variables<V> = Record<string, never> extends V ? [V?] : [V];

/**
 * Runs a read for a page: no session or an expired one sends the visitor to sign in, and a
 * hidden or missing resource becomes the 404 page (the API answers both alike).
 */
export async function load<T, V>(document: TypedDocumentNode<T, V>, ...variables: Variables<V>): Promise<T> {
  const token = await sessionToken();
  if (!token) redirect('/sign-in');
  try {
    return await request(token, document, ...variables);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') redirect('/sign-in');
    if (error instanceof ApiError && error.code === 'NOT_FOUND') notFound();
    throw error;
  }
}

/** Runs a mutation for a server action with the caller's session. */
export async function mutate<T, V>(document: TypedDocumentNode<T, V>, ...variables: Variables<V>): Promise<T> {
  const token = await sessionToken();
  if (!token) redirect('/sign-in');
  return request(token, document, ...variables);
}
