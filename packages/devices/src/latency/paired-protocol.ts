import { createRng } from '../random/seeded-rng.js';
import type { CentralStatistic, ConfidenceInterval } from './statistics.js';
import { blockMinDeltas, bootstrapCi, halfWidth, mean, median, standardDeviation, trimmedMean } from './statistics.js';

/** One timed run of a model; resolves to its wall time in milliseconds. */
export type TimedRun = () => Promise<number>;

export interface RunSummary {
  readonly runs: number;
  readonly mean: number;
  readonly median: number;
  readonly trimmedMean: number;
  readonly sd: number;
}

export function summarise(samples: readonly number[]): RunSummary {
  return {
    runs: samples.length,
    mean: mean(samples),
    median: median(samples),
    trimmedMean: trimmedMean(samples),
    sd: standardDeviation(samples),
  };
}

export interface StoppingRule {
  /** Stop when the CI half-width is at most this fraction of |delta|. */
  readonly relative?: number;
  /** …or at most this many milliseconds. */
  readonly absolute?: number;
  readonly minPairs: number;
  /** The run cap: stop here whatever the CI. */
  readonly maxPairs: number;
  /**
   * The time cap: stop once the cell's paired runs have taken this many milliseconds, whatever
   * the CI. Heavy blocks need many more pairs than light ones, so a time cap spends a table's
   * budget where the noise is, where a pair cap would cut them all off at the same count.
   */
  readonly maxMs?: number;
  /** Re-evaluate the CI every this many pairs. */
  readonly checkEvery: number;
}

export interface PairedOptions {
  readonly warmup: number;
  /** `abba` alternates which model runs first in a pair; `random` draws it from the seed. */
  readonly order: 'abba' | 'random';
  readonly seed: number;
  readonly stopping: StoppingRule;
  /**
   * `block-min` (default): 20% trimmed mean of ABBA block-minimum differences (robust to
   * preemption on a shared host, see `blockMinDeltas`); or a central statistic of the per-pair
   * differences.
   */
  readonly statistic?: CentralStatistic | 'block-min';
  readonly resamples?: number;
  readonly level?: number;
  /** Milliseconds clock for the time cap; tests inject one. */
  readonly clock?: () => number;
}

export const DEFAULT_STOPPING: StoppingRule = { relative: 0.1, absolute: 0.01, minPairs: 10, maxPairs: 200, checkEvery: 10 };

export interface PairedMeasurement {
  readonly reference: RunSummary;
  readonly candidate: RunSummary;
  /** CI of candidate − reference, from the paired differences. */
  readonly delta: ConfidenceInterval;
  readonly deltaMedian: number;
  readonly pairs: number;
  /** `cap`: the pair cap; `time`: the time cap. */
  readonly stoppedBy: 'target' | 'cap' | 'time';
}

export function targetReached(ci: ConfidenceInterval, rule: Pick<StoppingRule, 'relative' | 'absolute'>): boolean {
  const hw = halfWidth(ci);
  if (rule.absolute !== undefined && hw <= rule.absolute) return true;
  return rule.relative !== undefined && hw <= rule.relative * Math.abs(ci.estimate);
}

/** Pairs in one ABBA block: the fewest a cell is published with. */
const MIN_BLOCK_PAIRS = 2;

async function warmUp(runs: readonly TimedRun[], count: number): Promise<void> {
  for (let i = 0; i < count; i++) for (const run of runs) await run();
}

/**
 * Interleaved paired runs: reference and candidate alternate so slow drift (thermal, other
 * processes) hits both, and the statistic is taken over per-pair differences.
 */
export async function measurePaired(reference: TimedRun, candidate: TimedRun, options: PairedOptions): Promise<PairedMeasurement> {
  const { stopping, statistic = 'block-min', resamples = 1000, level = 0.95, clock = () => performance.now() } = options;
  await warmUp([reference, candidate], options.warmup);
  const started = clock();
  const order = createRng(options.seed ^ 0x5eed);
  const refs: number[] = [];
  const cands: number[] = [];
  const deltas: number[] = [];
  const ciOf = (n: number, seed: number): ConfidenceInterval =>
    statistic === 'block-min'
      ? bootstrapCi(blockMinDeltas(refs, cands), { seed, resamples: n, level, statistic: 'trimmed-mean', trim: 0.2 })
      : bootstrapCi(deltas, { seed, resamples: n, level, statistic });
  let nextCheck = stopping.minPairs;
  let stoppedBy: PairedMeasurement['stoppedBy'] = 'cap';
  let final: ConfidenceInterval | undefined;
  while (deltas.length < stopping.maxPairs) {
    // Not before one ABBA block (two pairs): with fewer there is no estimate at all, and on a
    // loaded host one pair of a whole model can outlast a short cap.
    if (stopping.maxMs !== undefined && deltas.length >= MIN_BLOCK_PAIRS && clock() - started >= stopping.maxMs) {
      stoppedBy = 'time';
      break;
    }
    const refFirst = options.order === 'abba' ? deltas.length % 2 === 0 : order.float() < 0.5;
    let r: number;
    let c: number;
    if (refFirst) {
      r = await reference();
      c = await candidate();
    } else {
      c = await candidate();
      r = await reference();
    }
    refs.push(r);
    cands.push(c);
    deltas.push(c - r);
    const n = deltas.length;
    if (n >= nextCheck) {
      // Interim checks: fewer resamples, spaced geometrically (the bootstrap is not free).
      const interim = ciOf(Math.min(resamples, 400), options.seed + n);
      nextCheck = Math.max(n + stopping.checkEvery, Math.ceil(n * 1.2));
      // The reported CI must meet the target too: an interim pass is confirmed with the full
      // resample count, else a cell could stop on a lucky coarse bootstrap and publish a wider CI.
      const confirmed = targetReached(interim, stopping) ? ciOf(resamples, options.seed + n) : undefined;
      if (confirmed && targetReached(confirmed, stopping)) {
        stoppedBy = 'target';
        final = confirmed;
        break;
      }
    }
  }
  final ??= ciOf(resamples, options.seed + deltas.length);
  return {
    reference: summarise(refs),
    candidate: summarise(cands),
    delta: final,
    deltaMedian: median(deltas),
    pairs: deltas.length,
    stoppedBy,
  };
}

export interface PaperOptions {
  readonly warmup: number;
  readonly runs: number;
}

/** The paper's protocol: a plain mean of `runs` runs of one model, nothing paired. */
export async function measureMean(run: TimedRun, options: PaperOptions): Promise<RunSummary> {
  await warmUp([run], options.warmup);
  const samples: number[] = [];
  for (let i = 0; i < options.runs; i++) samples.push(await run());
  return summarise(samples);
}

/** Unpaired difference of two means with a normal-approximation (Welch) 95% CI. */
export function unpairedDelta(reference: RunSummary, candidate: RunSummary, z = 1.959964): ConfidenceInterval {
  const estimate = candidate.mean - reference.mean;
  const se = Math.sqrt(reference.sd ** 2 / reference.runs + candidate.sd ** 2 / candidate.runs);
  return { estimate, low: estimate - z * se, high: estimate + z * se, level: 0.95 };
}
