import type { PairedRun } from './paired-protocol.js';

/** The smallest slice of a table's leftover time given to one cell at a time, in milliseconds. */
export const MIN_GRANT_MS = 500;

/**
 * A cell's estimate of the time it still needs is a noisy extrapolation; a grant of a bit more
 * lets most cells finish in one go instead of coming back for a second slice.
 */
const GRANT_MARGIN = 1.25;

export interface Grant {
  /** Index of the cell to continue. */
  readonly index: number;
  readonly ms: number;
}

/**
 * Which cell still off target gets the next slice of a table's leftover time, and how much: the
 * one nearest to its target first (the most cells on target for the time), given what its CI so
 * far says it needs (see `PairedRun.estimatedMsToTarget`), at least `MIN_GRANT_MS` and at most
 * what is left. Cells that cannot reach their target before their pair cap (estimate Infinity)
 * get nothing; `undefined` when no cell can use the time.
 */
export function nextGrant(estimatesMs: readonly number[], leftMs: number): Grant | undefined {
  if (leftMs < MIN_GRANT_MS) return undefined;
  let index = -1;
  for (let i = 0; i < estimatesMs.length; i++) {
    const e = estimatesMs[i]!;
    if (e > 0 && Number.isFinite(e) && (index < 0 || e < estimatesMs[index]!)) index = i;
  }
  if (index < 0) return undefined;
  return { index, ms: Math.min(leftMs, Math.max(MIN_GRANT_MS, GRANT_MARGIN * estimatesMs[index]!)) };
}

/**
 * Spends what is left of a table's time budget (until `deadlineMs` on `clock`) on the paired runs
 * still off target, a slice at a time as `nextGrant` picks, continuing each with its own sessions
 * and samples. Returns the milliseconds given to each run.
 */
export async function spendLeftover(runs: readonly PairedRun[], deadlineMs: number, clock: () => number = () => performance.now()): Promise<number[]> {
  const granted = runs.map(() => 0);
  for (;;) {
    const grant = nextGrant(runs.map((r) => (r.finished ? 0 : r.estimatedMsToTarget())), deadlineMs - clock());
    if (!grant) return granted;
    const run = runs[grant.index]!;
    const before = run.pairedMs;
    await run.advance(grant.ms);
    granted[grant.index]! += run.pairedMs - before;
  }
}
