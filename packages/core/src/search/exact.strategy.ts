import type { SearchRequest, TopKOptions } from './search-request.js';
import type { CompiledProblem } from './search-problem.js';
import { compileProblem } from './search-problem.js';
import type { SearchResult } from './search-result.js';
import { buildResult } from './search-result.js';
import type { OptionIndices } from './search-types.js';
import { undominatedOptions } from './dominance.js';
import { lagrangianBound } from './lagrangian.js';
import { optionBounds, smallestPositive, solveOnCores } from './core-bounds.js';
import type { StepOutcome } from './top-k.js';
import { checkTopK, runTopK } from './top-k.js';
import { infeasibilityReport } from './infeasibility.js';

export interface ExactOptions extends TopKOptions {
  /** Branch-and-bound nodes per proposal before giving up (default 20 million). */
  readonly nodeLimit?: number;
}

export const DEFAULT_NODE_LIMIT = 20_000_000;

/**
 * Exact solver (multiple-choice knapsack branch and bound with Lagrangian bounds), independent of
 * the ILP, for cross-checking. Exact for any number of budgets; fast for one or two.
 */
export function solveExact(request: SearchRequest, options: ExactOptions = {}): SearchResult {
  const started = performance.now();
  const problem = compileProblem(request);
  const k = options.k ?? 1;
  const d = options.diversity ?? 1;
  checkTopK(k, d);
  const step = exactStep(problem, options.nodeLimit ?? DEFAULT_NODE_LIMIT);
  const out = runTopK(k, d, (priors) => step(priors, d));
  const infeasible = out.status === 'infeasible' ? infeasibilityReport(problem) : undefined;
  return buildResult(problem, {
    strategy: 'exact',
    status: out.status,
    choices: out.choices,
    stats: { timeMs: performance.now() - started, solves: out.solves, nodes: out.nodes, prunedOptions: out.pruned },
    ...(infeasible ? { infeasible } : {}),
    notes: out.notes,
  });
}

/**
 * One top-k step of the exact solver: branch and bound on growing cores (options whose lower
 * bound stays under a threshold), so each step explores only near-optimal assignments.
 */
export function exactStep(problem: CompiledProblem, nodeLimit: number): (priors: readonly OptionIndices[], d: number) => StepOutcome {
  let lambda: readonly number[] | undefined;
  let lastGap = 0;
  return (priors, d) => {
    const kept = undominatedOptions(problem, priors);
    const lag = lagrangianBound(problem, kept, lambda);
    lambda = lag.lambda;
    const pruned = kept.reduce((s, opts, i) => s + problem.options[i]!.length - opts.length, 0);
    if (lag.bound === Number.POSITIVE_INFINITY) return { complete: true, nodes: 0, solves: 1, pruned };
    const bounds = optionBounds(lag, kept, priors, d);
    if (bounds.floor === Number.POSITIVE_INFINITY) return { complete: true, nodes: 0, solves: 1, pruned };
    const guess = Math.min(bounds.ceiling, bounds.floor + (priors.length > 0 && lastGap > 0 ? lastGap * 1.5 : smallestPositive(lag, kept) * 2));
    const out = solveOnCores(problem, kept, lag, bounds, guess, priors, d, nodeLimit);
    if (out.value !== undefined) lastGap = out.value - bounds.floor;
    return { ...(out.best ? { choice: out.best } : {}), complete: out.complete, nodes: out.nodes, solves: 1, pruned };
  };
}
