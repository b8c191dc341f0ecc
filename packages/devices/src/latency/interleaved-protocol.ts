import { createRng } from '../random/seeded-rng.js';
import type { PairedMeasurement, PairedOptions, TimedRun } from './paired-protocol.js';
import { MIN_PAIRS_TO_STOP, abbaReferenceFirst, pairedCi, summarise, targetReached } from './paired-protocol.js';
import type { ConfidenceInterval } from './statistics.js';
import { median } from './statistics.js';

/**
 * Several candidates paired against one reference under one time budget. Each candidate is
 * measured with the paired protocol of `measurePaired` (ABBA pairs, its block statistic,
 * bootstrap CI, the same stopping target), but the candidates take turns: a few pairs each, round
 * after round, and a candidate leaves the rotation once its CI meets the target or it reaches the
 * pair cap. The time the early finishers leave goes to the wide ones, where a cap per candidate
 * would cut every one off at the same time, and a noisy spell on the host is spread over all of
 * them instead of landing on one.
 */
export interface InterleavedOptions extends Omit<PairedOptions, 'seed'> {
  /** One seed per candidate (its bootstrap and pair order), as measurePaired's `seed`. */
  readonly seeds: readonly number[];
  /** Pair time of all candidates together, in ms; `stopping.maxMs` is not used. */
  readonly budgetMs: number;
  /** A lower pair cap for some candidates (by index), e.g. null copies that only show the noise floor. */
  readonly pairCaps?: readonly (number | undefined)[];
  /**
   * A wall-clock end on `clock`, turns and their `beforeTurn` included (where `budgetMs` counts
   * pair time only): a round of turns starts only if one as long as the last would end by `at`,
   * else every candidate that has `minPairs` leaves as `time`; the others go on until they have them.
   */
  readonly deadline?: { readonly at: number; readonly minPairs: number };
  /** Pairs per turn (even, so an ABBA block never spans two turns). Default 4. */
  readonly turnPairs?: number;
  /** Called once per candidate when it leaves the rotation (or the budget ends), in that order. */
  readonly onDone?: (index: number, m: PairedMeasurement) => void;
  /**
   * Awaited before each turn (the candidate's index, and the round: a candidate is in the rotation
   * from round 0 until it leaves, so it is also the turn's number), outside the timed runs and the
   * budget: where the caller may load a fresh pair of sessions for just that turn.
   */
  readonly beforeTurn?: (candidate: number, round: number) => Promise<void>;
  /**
   * After each turn: the fraction of the work done, pairs measured over the most there can be
   * (each candidate still in the rotation at its cap, the others at what they took), or under a
   * deadline the time gone towards it if that is more. It only grows, and reaches 1 when every
   * candidate has left.
   */
  readonly onProgress?: (fraction: number) => void;
}

/** Pairs a candidate always gets, whatever the budget: two ABBA blocks, so an estimate with a CI exists. */
const MIN_PAIRS_FOR_CI = 4;

class PairedSeries {
  readonly refs: number[] = [];
  readonly cands: number[] = [];
  readonly #order;
  done?: PairedMeasurement['stoppedBy'];
  final?: ConfidenceInterval;

  constructor(
    readonly candidate: TimedRun,
    readonly seed: number,
    readonly o: InterleavedOptions,
  ) {
    this.#order = createRng(seed ^ 0x5eed);
  }

  get pairs(): number {
    return this.refs.length;
  }

  async pair(reference: TimedRun): Promise<void> {
    const refFirst = this.o.order === 'abba' ? abbaReferenceFirst(this.pairs) : this.#order.float() < 0.5;
    let r: number;
    let c: number;
    if (refFirst) {
      r = await reference();
      c = await this.candidate();
    } else {
      c = await this.candidate();
      r = await reference();
    }
    this.refs.push(r);
    this.cands.push(c);
  }

  ci(resamples: number): ConfidenceInterval {
    // The statistic of measurePaired (withStatistic: block minima on the wall clock, block means on CPU time).
    return pairedCi(this.refs, this.cands, this.o, resamples, this.seed + this.pairs);
  }

  /** The target check of measurePaired: a coarse bootstrap first, confirmed on the full one that is published. */
  onTarget(): boolean {
    if (this.pairs < Math.max(this.o.stopping.minPairs, MIN_PAIRS_TO_STOP)) return false;
    const resamples = this.o.resamples ?? 1000;
    if (!targetReached(this.ci(Math.min(resamples, 400)), this.o.stopping)) return false;
    const confirmed = this.ci(resamples);
    if (!targetReached(confirmed, this.o.stopping)) return false;
    this.final = confirmed;
    return true;
  }

  measurement(): PairedMeasurement {
    const deltas = this.cands.map((c, i) => c - this.refs[i]!);
    return {
      reference: summarise(this.refs),
      candidate: summarise(this.cands),
      delta: this.final ?? this.ci(this.o.resamples ?? 1000),
      deltaMedian: median(deltas),
      pairs: this.pairs,
      stoppedBy: this.done ?? 'time',
    };
  }
}

function progressOf(series: readonly PairedSeries[]): number {
  let done = 0;
  let most = 0;
  for (const s of series) {
    done += s.pairs;
    most += s.done === undefined ? Math.max(s.pairs, s.o.stopping.maxPairs) : s.pairs;
  }
  return most > 0 ? done / most : 1;
}

/** Whether a round of the candidates still in the rotation, at the last round's time per turn, would end by `at`. */
function nextRoundFits(series: readonly PairedSeries[], lastTurns: number, lastRoundMs: number, now: number, at: number): boolean {
  const left = series.filter((s) => s.done === undefined).length;
  return now + (left * lastRoundMs) / Math.max(1, lastTurns) <= at;
}

/** Measures every candidate against `reference` in turns under one time budget; results in the candidates' order. */
export async function measureInterleaved(reference: TimedRun, candidates: readonly TimedRun[], o: InterleavedOptions): Promise<PairedMeasurement[]> {
  const clock = o.clock ?? (() => performance.now());
  const turn = Math.max(2, 2 * Math.round((o.turnPairs ?? 4) / 2));
  const series = candidates.map((c, i) => new PairedSeries(c, o.seeds[i]!, { ...o, stopping: { ...o.stopping, maxPairs: Math.min(o.stopping.maxPairs, o.pairCaps?.[i] ?? Infinity) } }));
  for (const s of series) {
    for (let i = 0; i < o.warmup; i++) {
      await reference();
      await s.candidate();
    }
  }
  let spent = 0;
  const began = clock();
  const progress = (): number => {
    const pairs = progressOf(series);
    if (!o.deadline || pairs === 1) return pairs;
    return Math.max(pairs, Math.min(0.99, (clock() - began) / Math.max(1, o.deadline.at - began)));
  };
  const finish = (s: PairedSeries, why: NonNullable<PairedSeries['done']>): void => {
    s.done = why;
    o.onDone?.(series.indexOf(s), s.measurement());
  };
  for (let active = series, round = 0; active.length > 0; active = series.filter((s) => s.done === undefined), round++) {
    const roundStarted = clock();
    for (const s of active) {
      // Every turn is `turn` pairs (the last one up to the cap), so with fresh sessions per turn each
      // of its balanced units lies in one pair of sessions; `minPairs` only delays the stopping check.
      const { maxPairs } = s.o.stopping;
      const want = Math.min(maxPairs, s.pairs + turn);
      await o.beforeTurn?.(series.indexOf(s), round);
      const started = clock();
      while (s.pairs < want) await s.pair(reference);
      spent += clock() - started;
      if (s.onTarget()) finish(s, 'target');
      else if (s.pairs >= maxPairs) finish(s, 'cap');
      o.onProgress?.(progress());
    }
    const now = clock();
    const timeUp = (minPairs: number): void => {
      const ending = series.filter((s) => s.done === undefined && s.pairs >= Math.max(minPairs, MIN_PAIRS_FOR_CI));
      for (const s of ending) finish(s, 'time');
      if (ending.length > 0) o.onProgress?.(progress());
    };
    if (spent >= o.budgetMs) timeUp(MIN_PAIRS_FOR_CI);
    if (o.deadline && !nextRoundFits(series, active.length, now - roundStarted, now, o.deadline.at)) timeUp(o.deadline.minPairs);
  }
  return series.map((s) => s.measurement());
}
