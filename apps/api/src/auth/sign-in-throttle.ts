import cluster from 'node:cluster';
import { RateLimiterCluster, RateLimiterMemory } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError, ErrorCode } from '../errors.js';

export interface SignInThrottleOptions {
  /** Wrong passwords in a row an account may have before each further one locks it. */
  readonly freeFailures: number;
  /** The longest an account locks (the lock doubles with each further failure up to this). */
  readonly maxLockSeconds: number;
  /** Wrong passwords one client address may send within `addressWindowSeconds`. */
  readonly addressFailures: number;
  readonly addressWindowSeconds: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottleOptions = { freeFailures: 5, maxLockSeconds: 15 * 60, addressFailures: 30, addressWindowSeconds: 15 * 60 };

const DAY_SECONDS = 24 * 3600;

/**
 * Brakes password guessing (rate-limiter-flexible; in memory, or in the cluster's primary when
 * API_PROCESSES > 1 so all processes share the counts):
 * - per account (the normalised email, known or not, so the answer tells nothing): after
 *   `freeFailures` wrong passwords in a row, each further one locks the account for 1 s, 2 s,
 *   4 s, … up to `maxLockSeconds`; a right password clears it;
 * - per client address: `addressFailures` wrong passwords per window, whatever the account.
 * A locked caller gets TOO_MANY_REQUESTS (HTTP 429, Retry-After) without a password check, so a
 * flood costs no scrypt.
 */
export class SignInThrottle {
  readonly #failures: RateLimiterAbstract;
  readonly #locks: RateLimiterAbstract;
  readonly #addresses: RateLimiterAbstract;

  constructor(readonly options: SignInThrottleOptions = DEFAULT_SIGN_IN_THROTTLE) {
    const limiter = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract =>
      cluster.isWorker ? new RateLimiterCluster({ keyPrefix, points, duration, timeoutMs: 2_000 }) : new RateLimiterMemory({ keyPrefix, points, duration });
    this.#failures = limiter('sign_in_failures', Number.MAX_SAFE_INTEGER, DAY_SECONDS);
    this.#locks = limiter('sign_in_lock', 1, options.maxLockSeconds);
    this.#addresses = limiter('sign_in_address', options.addressFailures, options.addressWindowSeconds);
  }

  /** Throws TOO_MANY_REQUESTS while the account or the address is locked. */
  async check(account: string, address: string): Promise<void> {
    const [lock, byAddress] = await Promise.all([this.#locks.get(account), this.#addresses.get(address)]);
    const waits = [
      lock && lock.consumedPoints > 1 ? lock.msBeforeNext : 0,
      byAddress && byAddress.consumedPoints >= this.options.addressFailures ? byAddress.msBeforeNext : 0,
    ];
    const waitMs = Math.max(...waits);
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new AppError(ErrorCode.TOO_MANY_REQUESTS, `Too many failed sign-ins; try again in ${seconds} s`, undefined, { retryAfterSeconds: seconds });
    }
  }

  /** Counts a wrong password; returns how long the account is now locked (0 while failures are free). */
  async failed(account: string, address: string): Promise<number> {
    const [failures] = await Promise.all([this.#failures.penalty(account, 1), this.#addresses.penalty(address, 1)]);
    const over = failures.consumedPoints - this.options.freeFailures;
    if (over <= 0) return 0;
    const seconds = Math.min(this.options.maxLockSeconds, 2 ** (over - 1));
    await this.#locks.block(account, seconds);
    return seconds;
  }

  /** The right password: the account's count starts again (the address keeps its count). */
  async succeeded(account: string): Promise<void> {
    await Promise.all([this.#failures.delete(account), this.#locks.delete(account)]);
  }
}
