import { describe, expect, it } from 'vitest';
import { safeNextPath, signInPath } from './next-path';

describe('the sign-in return path', () => {
  it('keeps paths on this site, with their query', () => {
    expect(safeNextPath('/o/acme/p/123?tab=versions')).toBe('/o/acme/p/123?tab=versions');
    expect(signInPath('/o/acme/devices/42')).toBe('/sign-in?next=%2Fo%2Facme%2Fdevices%2F42');
    expect(signInPath('/')).toBe('/sign-in');
  });

  it('refuses other origins, schemes, the auth pages themselves and junk', () => {
    for (const bad of ['https://evil.test/', '//evil.test/x', '/\\evil.test', 'javascript:alert(1)', 'o/acme', '/sign-in', '/sign-up?next=/x', '/o/\nacme', '', null, undefined, `/${'a'.repeat(3000)}`]) {
      expect(safeNextPath(bad), String(bad)).toBeNull();
    }
    expect(signInPath('https://evil.test/')).toBe('/sign-in');
  });
});
