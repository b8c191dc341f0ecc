import type { SearchRequest } from './search-request.js';
import { compileProblem } from './search-problem.js';
import type { SearchResult } from './search-result.js';
import { buildResult, isFeasible } from './search-result.js';
import { isLocked, optionOf, referenceChoice } from './heuristics.js';

export interface NaiveOptions {
  /** How many sites from the input to switch (default 3, as in the paper). */
  readonly n?: number;
  /** Activation to switch them to (default ReLU). */
  readonly target?: string;
}

/** Naive approach (paper 3.3.2): the first n sites (in forward order) to ReLU, the rest at reference. */
export function solveNaive(request: SearchRequest, options: NaiveOptions = {}): SearchResult {
  const started = performance.now();
  const problem = compileProblem(request);
  const count = options.n ?? 3;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`naive n must be a non-negative integer, got ${count}`);
  const target = options.target ?? 'relu';
  const choice = referenceChoice(problem);
  const skipped: string[] = [];
  for (let i = 0; i < Math.min(count, problem.sites.length); i++) {
    const o = optionOf(problem, i, target);
    if (o >= 0 && !isLocked(problem, i)) choice[i] = o;
    else skipped.push(problem.sites[i]!);
  }
  const notes = [
    ...(skipped.length > 0 ? [`${target} is not allowed at ${skipped.join(', ')}`] : []),
    ...(isFeasible(problem, choice) ? [] : ['the naive proposal violates at least one budget']),
  ];
  return buildResult(problem, {
    strategy: 'naive',
    status: 'feasible',
    choices: [choice],
    stats: { timeMs: performance.now() - started, solves: 1, nodes: count, prunedOptions: 0 },
    notes,
  });
}
