import type { Budget, MetricRef, Objective } from './search-request.js';
import { describeBudget } from './search-request.js';

// The pure part of closing the loop between the search (Σ single-swap cells) and whole-model
// measurements: which budgets a measured proposal breaks, how a broken budget tightens for the next
// round, what is still missed when the rounds run out, and the ranking by measured objective. Used
// by `actnas search --verify` (measuring locally) and the API's verify rounds (measured by agents).

/** A metric of one proposal as measured whole: its delta against the reference, the total, and the prediction. */
export interface MeasuredMetric {
  readonly metric: MetricRef;
  /** Whole model − reference model. */
  readonly measuredDelta: number;
  /** Reference + measured delta (in the table's terms), when known. */
  readonly measuredTotal?: number;
  /** The search's Σ cells for this metric, when the proposal has one. */
  readonly predictedDelta?: number;
}

/** One budget against one proposal's measurement. */
export interface MeasuredBudgetCheck {
  readonly budget: Budget;
  readonly description: string;
  /** The measured value in the budget's terms (total or Σ delta). */
  readonly measured: number;
  /** How far past the budget the measured value is, in the metric's unit (> 0: broken). */
  readonly excess: number;
  readonly broken: boolean;
  /** measured − predicted delta, when there is a prediction. */
  readonly residual?: number;
}

/** What a broken budget's tightening needs from one proposal that broke it. */
export interface BudgetBreach {
  /** measured − predicted delta (0 when unknown). */
  readonly residual: number;
  /** > 0: how far past the budget the proposal is as measured. */
  readonly excess: number;
}

export interface Tightening {
  readonly budget: string;
  readonly to: string;
  readonly from: Budget;
  readonly next: Budget;
  /** The largest measured residual among the proposals that broke it, in the budget's unit. */
  readonly residual: number;
  readonly breakers: number;
}

export interface MissedBudget {
  readonly budget: string;
  readonly breakers: number;
  /** By how much the closest of them misses it (the smallest excess): what the budget could not be met by. */
  readonly excess: number;
}

const sameRef = (a: MetricRef, b: MetricRef): boolean => a.metric === b.metric && (a.device === undefined || b.device === undefined || a.device === b.device);

/**
 * Checks `budget` against a proposal's measured metrics: undefined when none of them is the
 * budget's metric (on its device), so the budget is not measured.
 */
export function checkMeasuredBudget(budget: Budget, measured: readonly MeasuredMetric[]): MeasuredBudgetCheck | undefined {
  const m = measured.find((x) => sameRef(budget.metric, x.metric));
  if (!m) return undefined;
  const value = budget.of === 'total' ? m.measuredTotal : m.measuredDelta;
  if (value === undefined) return undefined;
  const excess = budget.bound === 'max' ? value - budget.value : budget.value - value;
  return {
    budget,
    description: describeBudget(budget),
    measured: value,
    excess,
    broken: excess > 0,
    ...(m.predictedDelta === undefined ? {} : { residual: m.measuredDelta - m.predictedDelta }),
  };
}

/**
 * The budget for the next round: moved by the largest measured residual among the proposals that
 * broke it, in the budget's direction, and at least by their excess so the next search moves.
 * Rounded outward at 1e-4 so the printed budget is the one searched. Undefined when nobody broke it.
 */
export function tightenBudget(budget: Budget, breaches: readonly BudgetBreach[]): Budget | undefined {
  if (breaches.length === 0) return undefined;
  const residual = maxResidual(budget, breaches);
  return { ...budget, value: budget.bound === 'max' ? Math.floor((budget.value - residual) * 1e4) / 1e4 : Math.ceil((budget.value + residual) * 1e4) / 1e4 };
}

const maxResidual = (budget: Budget, breaches: readonly BudgetBreach[]): number =>
  Math.max(...breaches.map((b) => Math.max(budget.bound === 'max' ? b.residual : -b.residual, b.excess)));

/** Tightens every budget some proposal broke as measured (`breachesOf` gives them per budget); the others stay. */
export function tightenBudgets(budgets: readonly Budget[], breachesOf: (budget: Budget) => readonly BudgetBreach[]): { readonly budgets: Budget[]; readonly tightened: Tightening[] } {
  const tightened: Tightening[] = [];
  const next = budgets.map((budget) => {
    const breaches = breachesOf(budget);
    const moved = tightenBudget(budget, breaches);
    if (!moved) return budget;
    tightened.push({ budget: describeBudget(budget), to: describeBudget(moved), from: budget, next: moved, residual: maxResidual(budget, breaches), breakers: breaches.length });
    return moved;
  });
  return { budgets: next, tightened };
}

/** One budget judged against one proposal as measured (core's MeasuredBudgetCheck, or a verifier's). */
export interface JudgedBudget {
  readonly description: string;
  readonly excess: number;
  readonly broken: boolean;
}

/** Each budget the proposals break as measured: how many break it and by how much the closest of them misses it. */
export function missedBudgets(checks: readonly (readonly JudgedBudget[])[]): MissedBudget[] {
  const by = new Map<string, number[]>();
  for (const proposal of checks) for (const c of proposal) if (c.broken) by.set(c.description, [...(by.get(c.description) ?? []), c.excess]);
  return [...by].map(([budget, excess]) => ({ budget, breakers: excess.length, excess: Math.min(...excess) }));
}

/** A proposal the loop verified, judged against the submitted budgets. */
export interface LoopVerified {
  readonly measuredFeasible: boolean;
  readonly checks: readonly JudgedBudget[];
}

export interface LoopVerdict {
  /** Some proposal verified in any round meets every submitted budget as measured. */
  readonly met: boolean;
  /** Only when none does: each budget the verified proposals break, and by how much the closest misses it. */
  readonly missed: MissedBudget[];
}

/**
 * The outcome of a verify loop over every proposal it verified in any round, whatever stopped it:
 * a later round that is infeasible under tightened budgets, or rounds running out, does not undo
 * the measured-feasible proposals earlier rounds found (they rank first, by rankByMeasured).
 */
export function loopVerdict(verified: readonly LoopVerified[]): LoopVerdict {
  const met = verified.some((p) => p.measuredFeasible);
  return { met, missed: met ? [] : missedBudgets(verified.map((p) => p.checks)) };
}

/** The objective from per-metric totals (measured where measured, else whatever `totalOf` gives); NaN when one is missing. */
export function objectiveFromTotals(objective: Objective, totalOf: (ref: MetricRef) => number | undefined): number {
  const total = (ref: MetricRef): number => totalOf(ref) ?? Number.NaN;
  if (objective.sense === 'weighted') return objective.terms.reduce((sum, t) => sum + t.weight * total(t.metric), 0);
  return total(objective.metric);
}

export interface MeasuredRankable {
  readonly measuredFeasible: boolean;
  readonly measuredObjective: number;
  readonly round: number;
  readonly searchRank: number;
}

/** Measured-feasible first, each group by measured objective (NaN last), then by round and search rank. */
export function rankByMeasured<T extends MeasuredRankable>(objective: Objective, list: readonly T[]): T[] {
  const sign = objective.sense === 'max' ? -1 : 1;
  const value = (p: T): number => (Number.isNaN(p.measuredObjective) ? Infinity : sign * p.measuredObjective);
  return [...list].sort((a, b) => Number(b.measuredFeasible) - Number(a.measuredFeasible) || value(a) - value(b) || a.round - b.round || a.searchRank - b.searchRank);
}
