import { createHash, randomBytes } from 'node:crypto';

// Password hashing lives in passwords.ts (scrypt at a configured cost, strength checks).

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A bearer secret: a readable kind prefix and 32 random bytes. */
export function newSecret(kind: 'ses' | 'pat' | 'inv'): string {
  return `actnas_${kind}_${randomBytes(32).toString('base64url')}`;
}

export const sha256Bytes = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
