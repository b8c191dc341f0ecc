import { createRng } from '../random/seeded-rng.js';
import type { CentralStatistic, ConfidenceInterval } from './statistics.js';
import { blockMeanDeltas, blockMinDeltas, balancedUnits, bootstrapCi, halfWidth, mean, median, standardDeviation, trimmedMean } from './statistics.js';

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

/**
 * `block-min`: 20% trimmed mean of ABBA block-minimum differences; `block-mean`: the same over
 * ABBA block-mean differences; or a central statistic of the per-pair differences.
 */
export type PairedStatistic = CentralStatistic | 'block-min' | 'block-mean';

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
  /**
   * `abba` alternates which model runs first in a pair, in blocks ABBA then BAAB (see
   * `abbaReferenceFirst`); `random` draws it from the seed.
   */
  readonly order: 'abba' | 'random';
  readonly seed: number;
  readonly stopping: StoppingRule;
  /**
   * `block-min` (default): 20% trimmed mean of ABBA block-minimum differences (robust to
   * preemption on a shared host, see `blockMinDeltas`); or a central statistic of the per-pair
   * differences.
   */
  readonly statistic?: PairedStatistic;
  readonly resamples?: number;
  readonly level?: number;
  /** Milliseconds clock for the time cap; tests inject one. */
  readonly clock?: () => number;
}

/**
 * No CI stops a measurement before this many pairs, whatever `minPairs` says: four ABBA + BAAB
 * units (see `balancedUnits`). A bootstrap over two or three values has a handful of distinct
 * resamples, and its interval can be narrow by luck.
 */
export const MIN_PAIRS_TO_STOP = 16;

/** Pairs a cell always gets, whatever its time cap: two blocks of two, so the estimate and its CI exist. */
const MIN_PAIRS_FOR_CI = 4;

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
 * Whether the reference runs first in pair `pair` of the `abba` order: blocks of two pairs, ABBA
 * then BAAB. Runs are not exchangeable by position: the last run of a block (after a pair
 * boundary and the other model) and the block's second pair are slower on this host's CPU-time
 * clock (by 0.2–0.3 ms of a 40 ms yolo11n run). With ABBA only, the reference always held the
 * first and last positions, so a null copy measured −0.2 to −0.5 ms with block means; alternating
 * gives each model every position equally often, and the position effect cancels over two blocks.
 */
export function abbaReferenceFirst(pair: number): boolean {
  const firstOfBlock = pair % 2 === 0;
  const baabBlock = Math.floor(pair / 2) % 2 === 1;
  return firstOfBlock !== baabBlock;
}

/**
 * The CI of paired samples under the options' statistic: block minima or block means over
 * balanced ABBA + BAAB units (a seeded 20 % trimmed-mean bootstrap), or a central statistic of the
 * per-pair differences. Shared by `PairedRun` and the interleaved protocol, so both publish one
 * statistic.
 */
export function pairedCi(refs: readonly number[], cands: readonly number[], options: Pick<PairedOptions, 'statistic' | 'level' | 'order'>, resamples: number, seed: number): ConfidenceInterval {
  const { statistic = 'block-min', level = 0.95 } = options;
  if (statistic === 'block-min' || statistic === 'block-mean') {
    const perBlock = statistic === 'block-min' ? blockMinDeltas(refs, cands) : blockMeanDeltas(refs, cands);
    // Random order has no positions to balance.
    const blocks = options.order === 'abba' ? balancedUnits(perBlock) : perBlock;
    return bootstrapCi(blocks, { seed, resamples, level, statistic: 'trimmed-mean', trim: 0.2 });
  }
  return bootstrapCi(cands.map((c, i) => c - refs[i]!), { seed, resamples, level, statistic });
}

/**
 * Interleaved paired runs: reference and candidate alternate so slow drift (thermal, other
 * processes) hits both, and the statistic is taken over per-pair differences.
 */
export async function measurePaired(reference: TimedRun, candidate: TimedRun, options: PairedOptions): Promise<PairedMeasurement> {
  const run = new PairedRun(reference, candidate, options);
  await run.warmUp();
  return run.advance(options.stopping.maxMs);
}

/**
 * A paired measurement that can be continued: `advance` runs pairs until the CI target, the pair
 * cap or a time allowance, and a later `advance` goes on with the same sessions and samples. A
 * table's time budget uses it to give what light cells left over to the cells still off target.
 */
export class PairedRun {
  readonly #refs: number[] = [];
  readonly #cands: number[] = [];
  readonly #deltas: number[] = [];
  readonly #order;
  readonly #clock: () => number;
  #nextCheck: number;
  #final: ConfidenceInterval | undefined;
  #stoppedBy: PairedMeasurement['stoppedBy'] = 'cap';
  #pairedMs = 0;

  constructor(private readonly reference: TimedRun, private readonly candidate: TimedRun, private readonly options: PairedOptions) {
    this.#order = createRng(options.seed ^ 0x5eed);
    this.#clock = options.clock ?? (() => performance.now());
    this.#nextCheck = Math.max(options.stopping.minPairs, MIN_PAIRS_TO_STOP);
  }

  warmUp(): Promise<void> {
    return warmUp([this.reference, this.candidate], this.options.warmup);
  }

  get pairs(): number {
    return this.#deltas.length;
  }

  /** Milliseconds (on the options' clock) spent in paired runs so far, warm-up excluded. */
  get pairedMs(): number {
    return this.#pairedMs;
  }

  /** True once the published CI met the stopping rule's target. */
  get onTarget(): boolean {
    return this.#stoppedBy === 'target';
  }

  /** True when no more pairs may be run (target met or pair cap reached). */
  get finished(): boolean {
    return this.onTarget || this.#deltas.length >= this.options.stopping.maxPairs;
  }

  /** Runs pairs until the target, the pair cap, or `allowanceMs` more of paired runs (never fewer than 4 pairs in all). */
  async advance(allowanceMs: number | undefined): Promise<PairedMeasurement> {
    const started = this.#clock();
    const startedMs = this.#pairedMs;
    if (!this.finished) this.#final = undefined;
    while (!this.finished) {
      // The time cap never stops a cell before it has an estimate with a CI: two blocks of the
      // block-minimum statistic (a pair slower than the cap, on a loaded host, would leave none).
      this.#pairedMs = startedMs + this.#clock() - started;
      if (allowanceMs !== undefined && this.#deltas.length >= MIN_PAIRS_FOR_CI && this.#pairedMs - startedMs >= allowanceMs) {
        this.#stoppedBy = 'time';
        break;
      }
      this.#stoppedBy = 'cap';
      await this.#onePair();
      this.#checkTarget();
    }
    this.#pairedMs = startedMs + this.#clock() - started;
    return this.result();
  }

  /** The measurement so far. */
  result(): PairedMeasurement {
    this.#final ??= this.#ci(this.options.resamples ?? 1000, this.options.seed + this.#deltas.length);
    return {
      reference: summarise(this.#refs),
      candidate: summarise(this.#cands),
      delta: this.#final,
      deltaMedian: median(this.#deltas),
      pairs: this.#deltas.length,
      stoppedBy: this.#stoppedBy,
    };
  }

  /**
   * Milliseconds of further paired runs this cell would need to reach its target, from its CI
   * half-width so far (which shrinks as 1/√pairs) and its time per pair; 0 when it is on target,
   * Infinity when it has no CI yet or its pair cap stops it first.
   */
  estimatedMsToTarget(): number {
    if (this.onTarget) return 0;
    const n = this.#deltas.length;
    if (n < MIN_PAIRS_FOR_CI) return Number.POSITIVE_INFINITY;
    const ci = this.result().delta;
    const { relative, absolute } = this.options.stopping;
    const target = Math.max(absolute ?? 0, (relative ?? 0) * Math.abs(ci.estimate));
    if (target <= 0) return Number.POSITIVE_INFINITY;
    const needed = n * (halfWidth(ci) / target) ** 2;
    if (needed > this.options.stopping.maxPairs) return Number.POSITIVE_INFINITY;
    // The target is only confirmed at the next check, so a cell whose CI is already narrow enough still needs the pairs up to it.
    return (Math.max(needed, this.#nextCheck) - n) * (this.#pairedMs / n);
  }

  async #onePair(): Promise<void> {
    const refFirst = this.options.order === 'abba' ? abbaReferenceFirst(this.#deltas.length) : this.#order.float() < 0.5;
    let r: number;
    let c: number;
    if (refFirst) {
      r = await this.reference();
      c = await this.candidate();
    } else {
      c = await this.candidate();
      r = await this.reference();
    }
    this.#refs.push(r);
    this.#cands.push(c);
    this.#deltas.push(c - r);
  }

  #checkTarget(): void {
    const n = this.#deltas.length;
    if (n < this.#nextCheck) return;
    const { stopping, resamples = 1000, seed } = this.options;
    // Interim checks: fewer resamples, spaced geometrically (the bootstrap is not free).
    const interim = this.#ci(Math.min(resamples, 400), seed + n);
    this.#nextCheck = Math.max(n + stopping.checkEvery, Math.ceil(n * 1.2));
    // The reported CI must meet the target too: an interim pass is confirmed with the full
    // resample count, else a cell could stop on a lucky coarse bootstrap and publish a wider CI.
    const confirmed = targetReached(interim, stopping) ? this.#ci(resamples, seed + n) : undefined;
    if (confirmed && targetReached(confirmed, stopping)) {
      this.#stoppedBy = 'target';
      this.#final = confirmed;
    }
  }

  #ci(resamples: number, seed: number): ConfidenceInterval {
    return pairedCi(this.#refs, this.#cands, this.options, resamples, seed);
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
