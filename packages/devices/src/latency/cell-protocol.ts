import type { PairedOptions, PaperOptions, RunSummary, TimedRun } from './paired-protocol.js';
import type { PairedMeasurement } from './paired-protocol.js';
import { measureMean, measurePaired, measurePairedArms, unpairedDelta } from './paired-protocol.js';

/** How one latency cell is measured: the paired adaptive protocol or the paper's mean of N runs. */
export type CellProtocol =
  | { readonly kind: 'paired'; readonly options: Omit<PairedOptions, 'seed'> }
  | { readonly kind: 'paper'; readonly options: PaperOptions };

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

export async function measureLatencyCell(reference: ReferenceTimer, candidate: TimedRun, protocol: CellProtocol, seed: number): Promise<LatencyCellStats> {
  if (protocol.kind === 'paper') {
    const ref = await reference.paperSummary(protocol.options);
    const cand = await measureMean(candidate, protocol.options);
    const ci = unpairedDelta(ref, cand);
    return { delta: ci.estimate, ciLow: ci.low, ciHigh: ci.high, runs: cand.runs, referenceMs: ref.mean };
  }
  return pairedStats(await measurePaired(reference.run, candidate, { ...protocol.options, seed }));
}

function pairedStats(m: PairedMeasurement): LatencyCellStats {
  return { delta: m.delta.estimate, ciLow: m.delta.low, ciHigh: m.delta.high, runs: m.pairs, stoppedBy: m.stoppedBy, referenceMs: m.reference.median };
}

/**
 * Every candidate against one reference: paired, in shared rounds (`measurePairedArms`); in paper
 * mode one after another against the reference's mean, measured once.
 */
export async function measureLatencyCells(reference: ReferenceTimer, candidates: readonly TimedRun[], protocol: CellProtocol, seed: number): Promise<LatencyCellStats[]> {
  if (protocol.kind === 'paired') return (await measurePairedArms(reference.run, candidates, { ...protocol.options, seed })).map(pairedStats);
  const out: LatencyCellStats[] = [];
  for (const c of candidates) out.push(await measureLatencyCell(reference, c, protocol, seed));
  return out;
}
