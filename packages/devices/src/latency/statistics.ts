import { createRng } from '../random/seeded-rng.js';
import { probit } from 'simple-statistics';

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length ? s / xs.length : Number.NaN;
}

export function standardDeviation(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

function sortedCopy(xs: ArrayLike<number>): Float64Array {
  return Float64Array.from(xs).sort();
}

/** Median of already sorted values. */
function sortedMedian(s: Float64Array): number {
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Symmetric trimmed mean of already sorted values: drops `trim` of the samples at each end. */
function sortedTrimmedMean(s: Float64Array, trim: number): number {
  const k = Math.floor(s.length * trim);
  let sum = 0;
  for (let i = k; i < s.length - k; i++) sum += s[i]!;
  return s.length - 2 * k > 0 ? sum / (s.length - 2 * k) : sortedMedian(s);
}

export function median(xs: ArrayLike<number>): number {
  return sortedMedian(sortedCopy(xs));
}

export const DEFAULT_TRIM = 0.1;

export function trimmedMean(xs: ArrayLike<number>, trim = DEFAULT_TRIM): number {
  return sortedTrimmedMean(sortedCopy(xs), trim);
}

export type CentralStatistic = 'mean' | 'median' | 'trimmed-mean';

export function central(xs: ArrayLike<number>, statistic: CentralStatistic, trim = DEFAULT_TRIM): number {
  if (statistic === 'mean') return mean(xs);
  const s = sortedCopy(xs);
  return statistic === 'median' ? sortedMedian(s) : sortedTrimmedMean(s, trim);
}

export interface ConfidenceInterval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  /** Confidence level, e.g. 0.95. */
  readonly level: number;
}

export function halfWidth(ci: ConfidenceInterval): number {
  return (ci.high - ci.low) / 2;
}

export function excludesZero(ci: ConfidenceInterval): boolean {
  return ci.low > 0 || ci.high < 0;
}

export interface BootstrapOptions {
  readonly seed: number;
  readonly resamples?: number;
  readonly level?: number;
  readonly statistic?: CentralStatistic;
  readonly trim?: number;
}

/** Percentile bootstrap CI of a central statistic (seeded, so a table is reproducible). */
export function bootstrapCi(samples: ArrayLike<number>, options: BootstrapOptions): ConfidenceInterval {
  const { seed, resamples = 1000, level = 0.95, statistic = 'trimmed-mean', trim = DEFAULT_TRIM } = options;
  const n = samples.length;
  const estimate = central(samples, statistic, trim);
  if (n < 2) return { estimate, low: estimate, high: estimate, level };
  const rng = createRng(seed);
  const stats = new Float64Array(resamples);
  const buf = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) buf[i] = samples[rng.int(0, n - 1)]!;
    stats[r] = statistic === 'mean' ? mean(buf) : central(buf, statistic, trim);
  }
  stats.sort();
  const alpha = (1 - level) / 2;
  const widen = smallSampleWidening(n, level);
  return { estimate, low: estimate - (estimate - quantileSorted(stats, alpha)) * widen, high: estimate + (quantileSorted(stats, 1 - alpha) - estimate) * widen, level };
}

/**
 * How much wider a percentile bootstrap interval must be to hold its level over n samples: the
 * bootstrap spreads as the plug-in estimate (variance × (n − 1) / n) with normal quantiles, where
 * a mean of n samples needs Student's t with n − 1 degrees of freedom. Over 4 samples the bare
 * percentile interval was half as wide as it should be (a seeded cell stopped at 16 pairs on a
 * ±0.005 ms CI that missed its true delta by 0.015 ms); over 50 the factor is 1.03.
 */
export function smallSampleWidening(n: number, level: number): number {
  if (n < 2) return 1;
  const p = 1 - (1 - level) / 2;
  return (studentT(p, n - 1) / probit(p)) * Math.sqrt(n / (n - 1));
}

/** Student's t quantile: exact for 1 and 2 degrees of freedom, Cornish–Fisher beyond (within 1 % at 3). */
export function studentT(p: number, df: number): number {
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = probit(p);
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

/** Linear-interpolated quantile of sorted values. */
export function quantileSorted(s: ArrayLike<number>, q: number): number {
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/**
 * Block deltas of the ABBA / BAAB order averaged in twos (an ABBA block with the BAAB block after
 * it), so the effect of a run's position in its block cancels inside each unit instead of
 * flipping sign from block to block: alternating blocks alone removed the position bias but put
 * it into the variance, and micro cells needed ~3× the pairs for the same CI. Below four blocks
 * the blocks themselves are returned, so two blocks still give an estimate with a CI; an odd last
 * block is left out.
 */
export function balancedUnits(blocks: Float64Array): Float64Array {
  if (blocks.length < 4) return blocks;
  const out = new Float64Array(Math.floor(blocks.length / 2));
  for (let k = 0; k < out.length; k++) out[k] = (blocks[2 * k]! + blocks[2 * k + 1]!) / 2;
  return out;
}

/**
 * Differences of block minima: pairs (2k, 2k+1) form an ABBA block, and each block contributes
 * min(candidate runs) − min(reference runs). Preemption on a shared host only ever adds time, so
 * a minimum over two runs is disturbed with probability p² instead of p, while the block is short
 * enough that slow drift still cancels.
 */
export function blockMinDeltas(reference: ArrayLike<number>, candidate: ArrayLike<number>): Float64Array {
  const blocks = Math.floor(Math.min(reference.length, candidate.length) / 2);
  const out = new Float64Array(blocks);
  for (let k = 0; k < blocks; k++) {
    out[k] = Math.min(candidate[2 * k]!, candidate[2 * k + 1]!) - Math.min(reference[2 * k]!, reference[2 * k + 1]!);
  }
  return out;
}

/**
 * Differences of ABBA block means: pairs (2k, 2k+1) form a block, and each block contributes
 * mean(candidate runs) − mean(reference runs). Linear drift within the block cancels exactly.
 * Unlike a block minimum it estimates the difference of mean run times, which is what a whole
 * model adds up: on a micro block whose two variants spread differently (a memory-bound SiLU
 * against a fused ReLU) the difference of minima is another quantity.
 */
export function blockMeanDeltas(reference: ArrayLike<number>, candidate: ArrayLike<number>): Float64Array {
  const blocks = Math.floor(Math.min(reference.length, candidate.length) / 2);
  const out = new Float64Array(blocks);
  for (let k = 0; k < blocks; k++) {
    out[k] = (candidate[2 * k]! + candidate[2 * k + 1]! - reference[2 * k]! - reference[2 * k + 1]!) / 2;
  }
  return out;
}
