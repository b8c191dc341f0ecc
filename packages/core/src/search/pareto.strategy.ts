import type { Budget, SearchRequest } from './search-request.js';
import { compileProblem } from './search-problem.js';
import type { SearchResult } from './search-result.js';
import { buildResult, choiceFromActivations, internalCost, isFeasible } from './search-result.js';
import type { OptionIndices } from './search-types.js';
import { DEFAULT_NODE_LIMIT, solveExact } from './exact.strategy.js';

export interface ParetoOptions {
  /** Index into request.budgets of the budget to sweep (default 0). */
  readonly sweep?: number;
  /** Range of that budget's value; defaults to [0, its value] for Σ-delta budgets, else its value ± 10%. */
  readonly from?: number;
  readonly to?: number;
  /** Number of epsilon values (default 11). */
  readonly points?: number;
  readonly nodeLimit?: number;
}

/**
 * Epsilon-constraint sweep: solve the objective exactly for evenly spaced values of one budget
 * (e.g. accuracy drop 0 … 0.01 while minimising latency). Proposals are the distinct
 * non-dominated points ranked like any strategy's: those within the request's own budgets first,
 * then by objective, so rank 1 is the best objective (the fastest under min-latency) and the
 * last rank the point that gave up the most objective for the swept budget.
 */
export function solvePareto(request: SearchRequest, options: ParetoOptions = {}): SearchResult {
  const started = performance.now();
  const budgets = request.budgets ?? [];
  const index = options.sweep ?? 0;
  const swept = budgets[index];
  if (!swept) throw new RangeError('the Pareto sweep needs a budget to sweep (request.budgets[sweep])');
  const [from, to] = sweepRange(swept, options);
  const points = Math.max(2, options.points ?? 11);
  const problem = compileProblem(request);
  const choices: OptionIndices[] = [];
  let nodes = 0;
  for (let p = 0; p < points; p++) {
    const value = from + ((to - from) * p) / (points - 1);
    const budgetsAt = budgets.map((b, j): Budget => (j === index ? { ...b, value } : b));
    const res = solveExact({ ...request, budgets: budgetsAt }, { nodeLimit: options.nodeLimit ?? DEFAULT_NODE_LIMIT });
    nodes += res.stats.nodes;
    const best = res.proposals[0];
    if (!best) continue;
    const choice = choiceFromActivations(problem, best.activations);
    if (!choices.some((c) => c.join() === choice.join())) choices.push(choice);
  }
  const feasible = (c: OptionIndices): number => (isFeasible(problem, c) ? 0 : 1);
  const ranked = [...choices].sort((a, b) => feasible(a) - feasible(b) || internalCost(problem, a) - internalCost(problem, b));
  return buildResult(problem, {
    strategy: 'pareto',
    status: choices.length > 0 ? 'optimal' : 'infeasible',
    choices: ranked,
    stats: { timeMs: performance.now() - started, solves: points, nodes, prunedOptions: 0 },
    notes: [`swept ${swept.metric.metric} ${swept.of} from ${from} to ${to} in ${points} points`],
  });
}

function sweepRange(budget: Budget, options: ParetoOptions): [number, number] {
  if (options.from !== undefined && options.to !== undefined) return [options.from, options.to];
  const defaults: [number, number] = budget.of === 'delta' ? [0, budget.value] : [budget.value * 0.9, budget.value * 1.1];
  return [options.from ?? defaults[0], options.to ?? defaults[1]];
}
