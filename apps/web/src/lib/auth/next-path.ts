/** The request header in which the proxy hands a page its own path (server components cannot read the URL). */
export const PATH_HEADER = 'x-actnas-path';

/** Where sign-in goes afterwards: `next` only when it is a path on this site, never another origin. */
export function safeNextPath(next: string | null | undefined): string | null {
  if (!next || next.length > 2048) return null;
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return null;
  // Control characters could smuggle a different target past a browser's URL parsing.
  if ([...next].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return null;
  if (next === '/sign-in' || next.startsWith('/sign-in?') || next === '/sign-up' || next.startsWith('/sign-up?')) return null;
  return next;
}

/** The sign-in page that comes back to `path` afterwards. */
export function signInPath(path: string | null | undefined): string {
  const next = safeNextPath(path);
  return next && next !== '/' ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in';
}
