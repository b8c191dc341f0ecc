import type { PairedMeasurement, PairedOptions, PairedStatistic, PaperOptions, RunSummary, TimedRun } from './paired-protocol.js';
import type { RuntimeProvenance } from '../runtimes/runtime.js';
import { PairedRun, measureMean, unpairedDelta } from './paired-protocol.js';

/**
 * What a paired run's time is: `wall` (elapsed), or `process-cpu`, the CPU time this process spent
 * in the run. With one intra-op thread the run is this process's only work, so its CPU time is the
 * run's latency without the time it waited for a core: on a loaded host (load 14 on 2 cores) a
 * 5 ms block took 13 ms of wall time, and a delta's CI from 150 pairs was ±0.92 ms on wall time
 * against ±0.045 ms on CPU time. With more threads the pool's threads add their CPU time (and
 * spin), so it is no latency. `auto`: `process-cpu` for a 1-thread onnxruntime session, else `wall`.
 */
export type LatencyTiming = 'wall' | 'process-cpu' | 'auto';

/** How one latency cell is measured: the paired adaptive protocol or the paper's mean of N runs. */
export type CellProtocol =
  | {
      readonly kind: 'paired';
      readonly options: Omit<PairedOptions, 'seed'>;
      readonly timing?: LatencyTiming;
      /**
       * Micro mode: the wall time a whole table may take. Cells still off their CI target at the
       * per-cell time cap wait, sessions open, and share what the table has left of it, nearest to
       * their target first (`spendLeftover`); without it, the per-cell cap is the last word.
       */
      readonly tableBudgetMs?: number;
      /**
       * Micro mode: measure every all-X model whole against the reference (at most `maxPairs`
       * pairs each) and move the table's cells by the pooled gap (see `WholeModelCalibration`).
       */
      readonly calibration?: { readonly maxPairs: number };
    }
  | { readonly kind: 'paper'; readonly options: PaperOptions };

/** The timing a protocol uses on a runtime (`auto` resolved; the paper's protocol is wall time). */
export function resolveTiming(protocol: CellProtocol, runtime: RuntimeProvenance): 'wall' | 'process-cpu' {
  if (protocol.kind !== 'paired') return 'wall';
  const t = protocol.timing ?? 'wall';
  if (t !== 'auto') return t;
  return runtime.runtime === 'ort' && runtime.threads === 1 ? 'process-cpu' : 'wall';
}

/**
 * The paired statistic unless the options name one. On wall time, block minima: preemption only
 * adds time, so a minimum of two runs is disturbed with probability p² instead of p. On process
 * CPU time a run's time has no waiting in it, and block minima then measure something else than
 * what a whole model adds up: min(candidate) − min(reference) is the difference of the two
 * variants' best runs, and a memory-bound SiLU block spreads more than the same conv with a fused
 * ReLU, so its minimum sits further below its mean. Micro sums by block minima under-stated the
 * whole yolo11n's savings by 20–35 %; by block means they moved most of the way (PROFILING.md).
 */
export function defaultStatistic(timing: 'wall' | 'process-cpu'): PairedStatistic {
  return timing === 'process-cpu' ? 'block-mean' : 'block-min';
}

/** Paired options with the statistic their timing calls for, unless they name one. */
export function withStatistic<T extends Omit<PairedOptions, 'seed'>>(options: T, timing: 'wall' | 'process-cpu'): T {
  return { ...options, statistic: options.statistic ?? defaultStatistic(timing) };
}

/** The run timed by this process's CPU time (user + system, all its threads) instead of the wall clock. */
export function processCpuTimed(run: TimedRun): TimedRun {
  return async () => {
    const before = process.cpuUsage();
    await run();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  };
}

/** `run` as the timing says. */
export function timedAs(timing: 'wall' | 'process-cpu', run: TimedRun): TimedRun {
  return timing === 'process-cpu' ? processCpuTimed(run) : run;
}

export interface LatencyCellStats {
  readonly delta: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly runs: number;
  readonly stoppedBy?: 'target' | 'cap' | 'time';
  readonly referenceMs: number;
}

/** A reference model's timer; in paper mode its mean of N runs is measured once and reused. */
export class ReferenceTimer {
  #paper?: Promise<RunSummary>;
  constructor(readonly run: TimedRun) {}

  paperSummary(options: PaperOptions): Promise<RunSummary> {
    this.#paper ??= measureMean(this.run, options);
    return this.#paper;
  }
}

export async function measureLatencyCell(reference: ReferenceTimer, candidate: TimedRun, protocol: CellProtocol, seed: number, timing: 'wall' | 'process-cpu'): Promise<LatencyCellStats> {
  if (protocol.kind === 'paper') {
    const ref = await reference.paperSummary(protocol.options);
    const cand = await measureMean(candidate, protocol.options);
    const ci = unpairedDelta(ref, cand);
    return { delta: ci.estimate, ciLow: ci.low, ciHigh: ci.high, runs: cand.runs, referenceMs: ref.mean };
  }
  const run = await startPairedCell(reference, candidate, protocol, seed, timing);
  return pairedCellStats(run.result());
}

/** A paired cell run up to its per-cell caps; `advance` it again to continue it. */
export async function startPairedCell(reference: ReferenceTimer, candidate: TimedRun, protocol: Extract<CellProtocol, { kind: 'paired' }>, seed: number, timing: 'wall' | 'process-cpu'): Promise<PairedRun> {
  const run = new PairedRun(reference.run, candidate, { ...withStatistic(protocol.options, timing), seed });
  await run.warmUp();
  await run.advance(protocol.options.stopping.maxMs);
  return run;
}

export function pairedCellStats(m: PairedMeasurement): LatencyCellStats {
  return { delta: m.delta.estimate, ciLow: m.delta.low, ciHigh: m.delta.high, runs: m.pairs, stoppedBy: m.stoppedBy, referenceMs: m.reference.median };
}
