import type { SearchStatus } from './search-result.js';
import type { OptionIndices } from './search-types.js';

export interface StepOutcome {
  readonly choice?: OptionIndices;
  /** True when the step proved its answer (or proved there is none). */
  readonly complete: boolean;
  readonly nodes: number;
  readonly solves: number;
  readonly pruned: number;
}

export interface TopKOutcome {
  readonly choices: readonly OptionIndices[];
  readonly status: SearchStatus;
  readonly nodes: number;
  readonly solves: number;
  readonly pruned: number;
  readonly notes: readonly string[];
}

/**
 * Ranked top-k: proposal j is the best assignment at Hamming distance ≥ d from proposals 1..j−1.
 * Stops early when no further assignment exists.
 */
export function runTopK(k: number, diversity: number, step: (priors: readonly OptionIndices[]) => StepOutcome): TopKOutcome {
  const choices: OptionIndices[] = [];
  let nodes = 0;
  let solves = 0;
  let pruned = 0;
  let complete = true;
  const notes: string[] = [];
  for (let j = 0; j < k; j++) {
    const out = step(choices);
    nodes += out.nodes;
    solves += out.solves;
    pruned += out.pruned;
    complete &&= out.complete;
    if (!out.choice) {
      if (j > 0 && out.complete) notes.push(`only ${j} proposal${j === 1 ? '' : 's'} exist at distance ≥ ${diversity} within the budgets`);
      break;
    }
    choices.push(out.choice);
  }
  const status: SearchStatus = choices.length === 0 ? (complete ? 'infeasible' : 'limit') : complete ? 'optimal' : 'feasible';
  if (!complete) notes.push('a limit stopped the search before optimality was proven');
  return { choices, status, nodes, solves, pruned, notes };
}

export function checkTopK(k: number, diversity: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (!Number.isInteger(diversity) || diversity < 1) throw new RangeError(`diversity must be a positive integer, got ${diversity}`);
}
