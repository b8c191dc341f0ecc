import { CliUsageError } from './cli-error.js';

/** A strict non-negative integer flag; anything else is a usage error naming the flag. */
export function intFlag(value: string | undefined, flag: string, fallback: number, range?: readonly [number, number]): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || (range && (n < range[0] || n > range[1]))) {
    throw new CliUsageError(`${flag} must be ${range ? `an integer from ${range[0]} to ${range[1]}` : 'a non-negative integer'}, got "${value}"`);
  }
  return n;
}

export function numberFlag(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min) throw new CliUsageError(`${flag} must be a number ≥ ${min}, got "${value}"`);
  return n;
}

export function choiceFlag<T extends string>(value: string | undefined, flag: string, allowed: readonly T[]): T {
  if (value === undefined || !(allowed as readonly string[]).includes(value)) throw new CliUsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value ?? ''}"`);
  return value as T;
}
