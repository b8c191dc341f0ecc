import type { CompiledConstraint, CompiledProblem } from './search-problem.js';
import { withinBudget } from './search-problem.js';
import type { BudgetReport } from './search-result.js';
import { describeBudget } from './search-request.js';
import { lagrangianBound, minUsage } from './lagrangian.js';
import { branchAndBound } from './branch-and-bound.js';

const REPORT_NODE_LIMIT = 2_000_000;

/**
 * Why no assignment fits: every budget that cannot be met even alone, with the best value it
 * can reach; if each can be met alone, every budget with its best value under the others.
 * A peak-memory budget (one row per step) is reported once, with the largest of its steps'
 * smallest live sets: a lower bound of the smallest peak (exact when one step holds the peak).
 */
export function infeasibilityReport(problem: CompiledProblem): readonly BudgetReport[] {
  const all = problem.options.map((opts) => opts.map((_, o) => o));
  const plain = problem.constraints.filter((c) => !c.peak);
  const peaks = peakBounds(problem, all);
  const alone = [
    ...plain.flatMap((c) => {
      const best = minUsage(c.coef, all);
      return withinBudget(best, c.rhs) ? [] : [report(c, best, false)];
    }),
    ...peaks.filter((p) => !withinBudget(p.bestAchievable, p.budget.value)),
  ];
  if (alone.length > 0) return alone;
  return [
    ...plain.map((c) => {
      const others = problem.constraints.filter((k) => k !== c);
      const sub: CompiledProblem = { ...problem, cost: c.coef, constraints: others };
      const lag = lagrangianBound(sub, all);
      const out = branchAndBound({ problem: { cost: c.coef, rows: others }, kept: all, lambda: lag.lambda, reduced: lag.reduced, priors: [], diversity: 1, nodeLimit: REPORT_NODE_LIMIT });
      return report(c, out.value, true);
    }),
    ...peaks,
  ];
}

/** Per peak-memory budget: the largest over its rows of the row's smallest live set, in KB. */
function peakBounds(problem: CompiledProblem, all: readonly (readonly number[])[]): BudgetReport[] {
  const byBudget = new Map<object, CompiledConstraint[]>();
  for (const c of problem.constraints) if (c.peak) byBudget.set(c.peak.budget, [...(byBudget.get(c.peak.budget) ?? []), c]);
  return [...byBudget.values()].map((rows) => {
    const first = rows[0]!;
    const lowest = Math.max(...rows.map((c) => c.budget.value - c.rhs + minUsage(c.coef, all)));
    return { budget: first.budget, description: first.peak!.description, bestAchievable: lowest, withOtherBudgets: false, lowerBound: true };
  });
}

/** Converts a best row usage back into the budget's own terms (total or Σ delta, same sign). */
function report(c: CompiledConstraint, bestUsage: number, withOtherBudgets: boolean): BudgetReport {
  const flip = c.budget.bound === 'max' ? 1 : -1;
  const base = c.budget.value - flip * c.rhs;
  return { budget: c.budget, description: describeBudget(c.budget), bestAchievable: base + flip * bestUsage, withOtherBudgets };
}
