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
 */
export function infeasibilityReport(problem: CompiledProblem): readonly BudgetReport[] {
  const all = problem.options.map((opts) => opts.map((_, o) => o));
  const alone = problem.constraints.flatMap((c) => {
    const best = minUsage(c.coef, all);
    return withinBudget(best, c.rhs) ? [] : [report(c, best, false)];
  });
  if (alone.length > 0) return alone;
  return problem.constraints.map((c, j) => {
    const others = problem.constraints.filter((_, k) => k !== j);
    const sub: CompiledProblem = { ...problem, cost: c.coef, constraints: others };
    const lag = lagrangianBound(sub, all);
    const out = branchAndBound({ problem: { cost: c.coef, rows: others }, kept: all, lambda: lag.lambda, reduced: lag.reduced, priors: [], diversity: 1, nodeLimit: REPORT_NODE_LIMIT });
    return report(c, out.value, true);
  });
}

/** Converts a best row usage back into the budget's own terms (total or Σ delta, same sign). */
function report(c: CompiledConstraint, bestUsage: number, withOtherBudgets: boolean): BudgetReport {
  const flip = c.budget.bound === 'max' ? 1 : -1;
  const base = c.budget.value - flip * c.rhs;
  return { budget: c.budget, description: describeBudget(c.budget), bestAchievable: base + flip * bestUsage, withOtherBudgets };
}
