import { cache } from 'react';
import { cookies, headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DocumentNode } from 'graphql';
import { PATH_HEADER, signInPath } from '@/lib/auth/next-path';
import { ApiError, request, send } from './graphql.server';

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

/** Sign-in, coming back afterwards to the page being rendered (whose path the proxy passed on). */
async function toSignIn(): Promise<never> {
  redirect(signInPath((await headers()).get(PATH_HEADER)));
}

/** One API round trip per distinct read within a render: layout and page often ask the same. */
const cachedRequest = cache((token: string, document: DocumentNode, variables: string): Promise<unknown> => send(token, document, JSON.parse(variables) as object));

/**
 * Runs a read for a page: no session or an expired one sends the visitor to sign in, and a
 * hidden, forbidden or missing resource becomes the 404 page (the API answers hidden and missing alike).
 */
export async function load<T, V>(document: TypedDocumentNode<T, V>, ...variables: Variables<V>): Promise<T> {
  const token = await sessionToken();
  if (!token) return toSignIn();
  try {
    return (await cachedRequest(token, document, JSON.stringify(variables[0] ?? {}))) as T;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') return toSignIn();
    // A page the caller's role may not open looks like one that does not exist.
    if (error instanceof ApiError && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')) notFound();
    throw error;
  }
}

/** Runs an operation for a server action with the caller's session: a mutation, or a read the action answers with. */
export async function mutate<T, V>(document: TypedDocumentNode<T, V>, ...variables: Variables<V>): Promise<T> {
  const token = await sessionToken();
  if (!token) redirect('/sign-in');
  return request(token, document, ...variables);
}
