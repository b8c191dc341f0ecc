import { NextResponse } from 'next/server';
import type { NextRequest } from 'next/server';
import { PATH_HEADER, signInPath } from './lib/auth/next-path';

const SESSION_COOKIE = 'actnas_session';

/**
 * Signed-in pages only: hands the page its own path (so an expired session can come back to it
 * after sign-in) and sends a visitor without a session straight to sign-in with that target.
 */
export function proxy(request: NextRequest): NextResponse {
  const path = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  if (request.method === 'GET' && !request.cookies.has(SESSION_COOKIE)) {
    return NextResponse.redirect(new URL(signInPath(path), request.url));
  }
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, path);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ['/o/:path*', '/orgs/:path*', '/invitations/:path*'],
};
