import type { CompiledProblem } from './search-types.js';

/**
 * Lagrangian relaxation of the budget rows: for multipliers λ ≥ 0,
 *   L(λ) = Σ_site min_option (cost + λ·coef) − λ·rhs
 * is a lower bound on Σ cost of every feasible assignment, and
 *   cost(x) ≥ L(λ) + Σ_site reduced[site][x_site]
 * with reduced = cost + λ·coef − (site minimum) ≥ 0. For multiple-choice knapsacks the best λ
 * gives the LP bound. These bounds drive the exact solver and the ILP's core.
 */
export interface LagrangianBound {
  readonly lambda: readonly number[];
  /** L(λ); +Infinity when some budget cannot be met even alone. */
  readonly bound: number;
  /** reduced[site][option] for the options given (others are +Infinity). */
  readonly reduced: readonly (readonly number[])[];
}

export function lagrangianBound(problem: CompiledProblem, kept: readonly (readonly number[])[], lambdaHint?: readonly number[]): LagrangianBound {
  // A row no assignment meets makes the bound +Infinity whatever λ: do not search for λ (its
  // coordinate would double toward infinity, for every row, on every round).
  const hopeless = !lambdaHint && problem.constraints.some((c) => minUsage(c.coef, kept) > c.rhs + 1e-9 * Math.max(1, Math.abs(c.rhs)));
  const lambda = lambdaHint ? [...lambdaHint] : hopeless ? new Array<number>(problem.constraints.length).fill(0) : bestMultipliers(problem, kept);
  return evaluate(problem, kept, lambda);
}

export function evaluate(problem: CompiledProblem, kept: readonly (readonly number[])[], lambda: readonly number[]): LagrangianBound {
  let bound = 0;
  const reduced = problem.cost.map((row, i) => {
    const values = new Array<number>(row.length).fill(Number.POSITIVE_INFINITY);
    for (const o of kept[i]!) values[o] = penalised(problem, lambda, i, o);
    const min = Math.min(...values);
    bound += min;
    return values.map((v) => v - min);
  });
  problem.constraints.forEach((c, j) => (bound -= lambda[j]! * c.rhs));
  const infeasibleAlone = problem.constraints.some((c, j) => lambda[j] === Number.POSITIVE_INFINITY || minUsage(c.coef, kept) > c.rhs + 1e-9 * Math.max(1, Math.abs(c.rhs)));
  return { lambda, bound: infeasibleAlone ? Number.POSITIVE_INFINITY : bound, reduced };
}

// Plain loops: these run thousands of times in a process that lives a few hundred milliseconds,
// mostly before V8 optimises anything.
function penalised(problem: CompiledProblem, lambda: readonly number[], i: number, o: number): number {
  let v = problem.cost[i]![o]!;
  const rows = problem.constraints;
  for (let j = 0; j < rows.length; j++) v += lambda[j]! * rows[j]!.coef[i]![o]!;
  return v;
}

export function minUsage(coef: readonly (readonly number[])[], kept: readonly (readonly number[])[]): number {
  let sum = 0;
  kept.forEach((opts, i) => (sum += Math.min(...opts.map((o) => coef[i]![o]!))));
  return sum;
}

/** Coordinate ascent: each λ_j by bisection on the sign of its subgradient (L is concave). */
function bestMultipliers(problem: CompiledProblem, kept: readonly (readonly number[])[]): number[] {
  const m = problem.constraints.length;
  const lambda = new Array<number>(m).fill(0);
  if (m === 0) return lambda;
  const rounds = m === 1 ? 1 : 6;
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < m; j++) lambda[j] = bestCoordinate(problem, kept, lambda, j);
  }
  return lambda.map((l) => (Number.isFinite(l) ? l : 0));
}

function bestCoordinate(problem: CompiledProblem, kept: readonly (readonly number[])[], lambda: number[], j: number): number {
  const slope = (value: number): number => {
    lambda[j] = value;
    return subgradient(problem, kept, lambda, j);
  };
  if (slope(0) <= 0) return 0;
  let hi = initialScale(problem, j);
  let doublings = 0;
  while (slope(hi) > 0) {
    hi *= 2;
    if (++doublings > 80) return 0;
  }
  let lo = 0;
  for (let it = 0; it < 50; it++) {
    const mid = (lo + hi) / 2;
    if (slope(mid) > 0) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Usage of budget j by the Lagrangian minimiser, minus its rhs (ties broken toward lower usage). */
function subgradient(problem: CompiledProblem, kept: readonly (readonly number[])[], lambda: readonly number[], j: number): number {
  const coef = problem.constraints[j]!.coef;
  let used = 0;
  for (let i = 0; i < kept.length; i++) {
    let best = Number.POSITIVE_INFINITY;
    let bestUse = Number.POSITIVE_INFINITY;
    for (const o of kept[i]!) {
      const v = penalised(problem, lambda, i, o);
      const u = coef[i]![o]!;
      if (v < best || (v === best && u < bestUse)) {
        best = v;
        bestUse = u;
      }
    }
    used += bestUse;
  }
  return used - problem.constraints[j]!.rhs;
}

function initialScale(problem: CompiledProblem, j: number): number {
  const spread = (rows: readonly (readonly number[])[]): number => rows.reduce((s, r) => s + Math.max(...r) - Math.min(...r), 0);
  const cost = spread(problem.cost);
  const use = spread(problem.constraints[j]!.coef);
  return use > 0 && cost > 0 ? (1e-6 * cost) / use : 1e-6;
}
