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

async function warmUp(runs: readonly TimedRun[], count: number): Promise<void> {
  for (let i = 0; i < count; i++) for (const run of runs) await run();
}

/**
 * Interleaved paired runs: reference and candidate alternate so slow drift (thermal, other
 * processes) hits both, and the statistic is taken over per-pair differences.
 */
export async function measurePaired(reference: TimedRun, candidate: TimedRun, options: PairedOptions): Promise<PairedMeasurement> {
  return (await measurePairedArms(reference, [candidate], options))[0]!;
}

/** Pairs in one ABBA block: the fewest a cell is published with. */
const MIN_BLOCK_PAIRS = 2;

interface Arm {
  readonly index: number;
  readonly run: TimedRun;
  readonly refs: number[];
  readonly cands: number[];
  readonly deltas: number[];
  nextCheck: number;
  result?: PairedMeasurement;
}

/**
 * Several candidates against one reference, in rounds: each round runs the reference once and
 * every candidate still measuring once, in an order that reverses every round (ABBA across the
 * round), and pairs each candidate's run with that round's reference run. One reference run then
 * serves up to all candidates (a round of 1 + m runs instead of 2m), and drift hits every arm alike.
 * Each arm stops on its own target; the time cap is pooled: the arms together may take
 * `maxMs` per arm, so a noisy arm gets the time its quick siblings did not need. With one
 * candidate this is exactly the single paired protocol.
 */
export async function measurePairedArms(reference: TimedRun, candidates: readonly TimedRun[], options: PairedOptions): Promise<PairedMeasurement[]> {
  const { stopping, statistic = 'block-min', resamples = 1000, level = 0.95, clock = () => performance.now() } = options;
  await warmUp([reference, ...candidates], options.warmup);
  const started = clock();
  const order = createRng(options.seed ^ 0x5eed);
  const arms: Arm[] = candidates.map((run, index) => ({ index, run, refs: [], cands: [], deltas: [], nextCheck: stopping.minPairs }));
  const budgetMs = stopping.maxMs === undefined ? undefined : stopping.maxMs * arms.length;
  const ciOf = (arm: Arm, n: number, seed: number): ConfidenceInterval =>
    statistic === 'block-min'
      ? bootstrapCi(blockMinDeltas(arm.refs, arm.cands), { seed, resamples: n, level, statistic: 'trimmed-mean', trim: 0.2 })
      : bootstrapCi(arm.deltas, { seed, resamples: n, level, statistic });
  const finish = (arm: Arm, stoppedBy: PairedMeasurement['stoppedBy'], ci?: ConfidenceInterval): void => {
    const seed = options.seed + arm.deltas.length + 7919 * arm.index;
    arm.result = {
      reference: summarise(arm.refs),
      candidate: summarise(arm.cands),
      delta: ci ?? ciOf(arm, resamples, seed),
      deltaMedian: median(arm.deltas),
      pairs: arm.deltas.length,
      stoppedBy,
    };
  };
  for (let round = 0; ; round++) {
    let active = arms.filter((a) => !a.result);
    if (active.length === 0) break;
    if (budgetMs !== undefined && clock() - started >= budgetMs) {
      // Not before one ABBA block (two pairs): with fewer there is no estimate at all, and on a
      // loaded host one pair of a whole model can outlast a short cap.
      for (const arm of active) if (arm.deltas.length >= MIN_BLOCK_PAIRS) finish(arm, 'time');
      active = active.filter((a) => !a.result);
      if (active.length === 0) break;
    }
    const refFirst = options.order === 'abba' ? round % 2 === 0 : order.float() < 0.5;
    const times = new Map<Arm, number>();
    let r = Number.NaN;
    if (refFirst) r = await reference();
    for (const arm of refFirst ? active : [...active].reverse()) times.set(arm, await arm.run());
    if (!refFirst) r = await reference();
    for (const arm of active) checkArm(arm, r, times.get(arm)!);
  }
  return arms.map((a) => a.result!);

  function checkArm(arm: Arm, r: number, c: number): void {
    arm.refs.push(r);
    arm.cands.push(c);
    arm.deltas.push(c - r);
    const n = arm.deltas.length;
    const seed = options.seed + n + 7919 * arm.index;
    if (n >= arm.nextCheck) {
      // Interim checks: fewer resamples, spaced geometrically (the bootstrap is not free).
      const interim = ciOf(arm, Math.min(resamples, 400), seed);
      arm.nextCheck = Math.max(n + stopping.checkEvery, Math.ceil(n * 1.2));
      // The reported CI must meet the target too: an interim pass is confirmed with the full
      // resample count, else a cell could stop on a lucky coarse bootstrap and publish a wider CI.
      const confirmed = targetReached(interim, stopping) ? ciOf(arm, resamples, seed) : undefined;
      if (confirmed && targetReached(confirmed, stopping)) return finish(arm, 'target', confirmed);
    }
    if (n >= stopping.maxPairs) finish(arm, 'cap');
  }
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
