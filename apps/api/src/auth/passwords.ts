import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEnglish from '@zxcvbn-ts/language-en';
import { AppError, ErrorCode, badInput } from '../errors.js';

/** OWASP's scrypt floor: N = 2^17, r = 8, p = 1 (128 MiB and ~0.3 s per hash on this kind of machine). */
export const DEFAULT_SCRYPT_LOG_N = 17;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
/** Hashes running at once; each holds 128 MiB at the default cost, and a flood must not take the memory. */
const CONCURRENT_HASHES = 2;
const QUEUED_HASHES = 64;

// zxcvbn-ts with its common (breached-password lists, names) and English dictionaries: rejects
// common and breached passwords, keyboard walks, repeats, dates and the user's own email or name.
const strength = new ZxcvbnFactory({
  dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEnglish.dictionary },
  graphs: zxcvbnCommon.adjacencyGraphs,
  translations: zxcvbnEnglish.translations,
});
/** zxcvbn's score 3: "safely unguessable", more than 10^8 guesses. */
const MIN_SCORE = 3;

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** The one form of a password: the same characters typed on any keyboard hash alike. */
export const normalizePassword = (password: string): string => password.normalize('NFC');

export interface Verification {
  readonly ok: boolean;
  /** The stored hash is weaker than today's cost (or of an unnormalised password): store `rehash` instead. */
  readonly rehash?: string;
}

/** scrypt password hashes (`scrypt$logN$r$p$salt$hash`, parameters inside so the cost can rise later). */
export class PasswordHasher {
  #running = 0;
  readonly #waiting: (() => void)[] = [];
  #dummy: Promise<string> | undefined;

  constructor(readonly logN: number = DEFAULT_SCRYPT_LOG_N) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await this.#scrypt(normalizePassword(password), salt, KEY_LENGTH, this.logN, R, P);
    return ['scrypt', this.logN, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  /** Checks a password; a match on an older cost (or an unnormalised form) comes with a fresh hash to store. */
  async verify(password: string, stored: string): Promise<Verification> {
    const normalized = normalizePassword(password);
    if (await this.#matches(normalized, stored)) return this.#upgrade(normalized, stored, false);
    // Hashes written before passwords were normalised hold the form as typed.
    if (normalized !== password && (await this.#matches(password, stored))) return this.#upgrade(normalized, stored, true);
    return { ok: false };
  }

  /** As long as a real check: unknown emails take the same time as wrong passwords. */
  async burn(password: string): Promise<void> {
    this.#dummy ??= this.hash(randomBytes(16).toString('hex'));
    await this.#matches(normalizePassword(password), await this.#dummy);
  }

  async #upgrade(normalized: string, stored: string, unnormalized: boolean): Promise<Verification> {
    const [, logN, r, p] = stored.split('$');
    const weaker = Number(logN) < this.logN || Number(r) !== R || Number(p) !== P;
    return weaker || unnormalized ? { ok: true, rehash: await this.hash(normalized) } : { ok: true };
  }

  async #matches(password: string, stored: string): Promise<boolean> {
    const [scheme, logN, r, p, salt, hash] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64url');
    const actual = await this.#scrypt(password, Buffer.from(salt, 'base64url'), expected.length, Number(logN), Number(r), Number(p));
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  async #scrypt(password: string, salt: Buffer, keyLength: number, logN: number, r: number, p: number): Promise<Buffer> {
    await this.#acquire();
    try {
      const N = 2 ** logN;
      return await scryptAsync(password, salt, keyLength, { N, r, p, maxmem: 256 * N * r });
    } finally {
      this.#release();
    }
  }

  #acquire(): Promise<void> {
    if (this.#running < CONCURRENT_HASHES) {
      this.#running++;
      return Promise.resolve();
    }
    if (this.#waiting.length >= QUEUED_HASHES) {
      return Promise.reject(new AppError(ErrorCode.TOO_MANY_REQUESTS, 'Too many sign-ins at once; try again in a moment', undefined, { retryAfterSeconds: 1 }));
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#running--;
  }
}

/**
 * Rejects a password that is short, common, found in breach lists, or guessable from the user's
 * own details (BAD_USER_INPUT on `field`, with zxcvbn's reason).
 */
export function assertStrongPassword(password: string, userInputs: readonly string[], field: readonly (string | number)[] = ['input', 'password']): void {
  const normalized = normalizePassword(password);
  if ([...normalized].length < 10) throw badInput(field, 'Use at least 10 characters');
  const inputs = userInputs.flatMap((input) => [input, ...input.split(/[@.\s_-]+/)]).filter((input) => input.length >= 3);
  const result = strength.check(normalized.slice(0, 100), [...inputs, 'actnas']);
  if (result.score >= MIN_SCORE) return;
  const reason = result.feedback.warning ?? 'This password is too easy to guess';
  const hint = result.feedback.suggestions[0];
  throw badInput(field, `${reason.replace(/\.$/, '')}.${hint ? ` ${hint}` : ''}`);
}
