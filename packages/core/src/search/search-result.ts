import type { MetricKind } from '../cost-table/index.js';
import type { Budget } from './search-request.js';
import { describeBudget, describeObjective } from './search-request.js';
import type { CompiledProblem } from './search-problem.js';
import { withinBudget } from './search-problem.js';
import { describePeakMemoryBudget, liveSetPeakBytes, peakMemoryLabel } from './live-set.constraint.js';

export type StrategyName = 'ilp' | 'exact' | 'random' | 'lzcm' | 'naive' | 'pareto';

/** optimal: proven best; feasible: satisfies budgets, not proven best; infeasible: no assignment fits; limit: stopped by a limit before a proof. */
export type SearchStatus = 'optimal' | 'feasible' | 'infeasible' | 'limit';

/** A table's metric, or `peak_memory`: the peak live set over the model's steps (from live-set rows, in KB). */
export type TotalKind = MetricKind | 'peak_memory';

export interface MetricTotal {
  readonly label: string;
  readonly metric: TotalKind;
  readonly device?: string;
  readonly unit: string;
  readonly reference: number;
  /** Σ single-swap deltas of the assignment (the additive prediction). */
  readonly delta: number;
  readonly total: number;
  /** √Σ std² over the chosen cells, when every chosen cell has a std. */
  readonly std?: number;
}

export interface Proposal {
  /** 1 = best. */
  readonly rank: number;
  /** Activation id per site, aligned with `SearchResult.sites`. */
  readonly activations: readonly string[];
  /** Number of sites not at their reference activation. */
  readonly changedSites: number;
  /** The objective in the user's terms (e.g. total latency in ms for min-latency). */
  readonly objective: number;
  readonly totals: readonly MetricTotal[];
  readonly feasible: boolean;
  /** Smallest Hamming distance to a better-ranked proposal. */
  readonly minDistanceToBetter?: number;
}

export type BaselineName = 'all-reference' | 'all-relu' | 'all-hardswish';

export interface Baseline {
  readonly name: BaselineName;
  /** False when the activation is not allowed or has no cells somewhere (locked sites keep their lock). */
  readonly available: boolean;
  readonly activations?: readonly string[];
  readonly objective?: number;
  readonly totals?: readonly MetricTotal[];
  readonly feasible?: boolean;
}

export interface BudgetReport {
  readonly budget: Budget;
  readonly description: string;
  /** The best value of the budgeted quantity any assignment reaches (same terms as `budget.value`). */
  readonly bestAchievable: number;
  /** Whether `bestAchievable` was computed with the other budgets in force (joint infeasibility). */
  readonly withOtherBudgets: boolean;
  /** `bestAchievable` is a lower bound, not a reached value (peak-memory budgets: the largest step's smallest live set). */
  readonly lowerBound?: boolean;
}

export interface SolverStats {
  readonly timeMs: number;
  /** MIP / B&B runs (including re-solves on a grown core). */
  readonly solves: number;
  /** Branch-and-bound nodes (exact) or samples (random). */
  readonly nodes: number;
  /** Candidate options removed by dominance before solving (summed over proposals). */
  readonly prunedOptions: number;
  readonly [extra: string]: number;
}

export interface SearchResult {
  readonly strategy: StrategyName;
  readonly status: SearchStatus;
  readonly objective: string;
  readonly budgets: readonly string[];
  readonly sites: readonly string[];
  readonly proposals: readonly Proposal[];
  readonly baselines: readonly Baseline[];
  /** Set when status is infeasible: each violated budget and the best value reachable for it. */
  readonly infeasible?: readonly BudgetReport[];
  readonly stats: SolverStats;
  readonly notes?: readonly string[];
}

/** Choice per site as option indices into `problem.options[site]`. */
export type OptionIndices = readonly number[];

export function objectiveValue(problem: CompiledProblem, choice: OptionIndices): number {
  let sum = problem.offset;
  choice.forEach((o, i) => (sum += problem.cost[i]![o]!));
  return problem.sign * sum;
}

/** Internal (minimised) cost of a choice: Σ cost, without offset or sign. */
export function internalCost(problem: CompiledProblem, choice: OptionIndices): number {
  let sum = 0;
  choice.forEach((o, i) => (sum += problem.cost[i]![o]!));
  return sum;
}

export function isFeasible(problem: CompiledProblem, choice: OptionIndices): boolean {
  return problem.constraints.every((c) => withinBudget(usage(c.coef, choice), c.rhs));
}

export function usage(coef: readonly (readonly number[])[], choice: OptionIndices): number {
  let sum = 0;
  choice.forEach((o, i) => (sum += coef[i]![o]!));
  return sum;
}

export function metricTotals(problem: CompiledProblem, choice: OptionIndices): readonly MetricTotal[] {
  return [...tableTotals(problem, choice), ...peakTotals(problem, choice)];
}

/** Per peak-memory budget: the chosen model's peak live set against the reference model's, in KB. */
function peakTotals(problem: CompiledProblem, choice: OptionIndices): MetricTotal[] {
  const sites = problem.request.space.sites;
  const index = new Map(problem.sites.map((s, i) => [s, i]));
  const chosen = (site: string): string | undefined => {
    const i = index.get(site);
    return i === undefined ? undefined : problem.options[i]![choice[i]!];
  };
  const reference = (site: string): string | undefined => {
    const i = index.get(site);
    return i === undefined ? undefined : sites[i]!.reference;
  };
  return (problem.request.peakMemory ?? []).map((budget) => {
    const total = liveSetPeakBytes(budget.rows, chosen) / 1024;
    const ref = liveSetPeakBytes(budget.rows, reference) / 1024;
    return {
      label: peakMemoryLabel(budget.device),
      metric: 'peak_memory' as const,
      ...(budget.device === undefined ? {} : { device: budget.device }),
      unit: 'KB',
      reference: ref,
      delta: total - ref,
      total,
    };
  });
}

function tableTotals(problem: CompiledProblem, choice: OptionIndices): MetricTotal[] {
  return problem.metrics.map((m) => {
    let delta = 0;
    let variance = 0;
    choice.forEach((o, i) => {
      delta += m.delta[i]![o]!;
      variance += m.std[i]![o]! ** 2;
    });
    const t = m.table;
    return {
      label: m.label,
      metric: t.metric,
      ...(t.device === undefined ? {} : { device: t.device }),
      unit: t.unit,
      reference: t.reference,
      delta,
      total: t.reference + delta,
      ...(Number.isNaN(variance) ? {} : { std: Math.sqrt(variance) }),
    };
  });
}

export function hamming(a: OptionIndices, b: OptionIndices): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d++;
  return d;
}

export function toProposals(problem: CompiledProblem, choices: readonly OptionIndices[]): readonly Proposal[] {
  return choices.map((choice, r) => {
    const activations = choice.map((o, i) => problem.options[i]![o]!);
    const distances = choices.slice(0, r).map((better) => hamming(better, choice));
    return {
      rank: r + 1,
      activations,
      changedSites: activations.filter((a, i) => a !== problem.request.space.sites[i]!.reference).length,
      objective: objectiveValue(problem, choice),
      totals: metricTotals(problem, choice),
      feasible: isFeasible(problem, choice),
      ...(distances.length === 0 ? {} : { minDistanceToBetter: Math.min(...distances) }),
    };
  });
}

/** all-reference, all-ReLU and all-Hardswish, with locked sites kept at their lock. */
export function baselines(problem: CompiledProblem): readonly Baseline[] {
  const sites = problem.request.space.sites;
  const make = (name: BaselineName, pick: (i: number) => string): Baseline => {
    const choice = sites.map((s, i) => (s.locked !== undefined ? 0 : problem.options[i]!.indexOf(pick(i))));
    if (choice.some((o) => o < 0)) return { name, available: false };
    return {
      name,
      available: true,
      activations: choice.map((o, i) => problem.options[i]![o]!),
      objective: objectiveValue(problem, choice),
      totals: metricTotals(problem, choice),
      feasible: isFeasible(problem, choice),
    };
  };
  return [make('all-reference', (i) => sites[i]!.reference), make('all-relu', () => 'relu'), make('all-hardswish', () => 'hardswish')];
}

export interface ResultParts {
  readonly strategy: StrategyName;
  readonly status: SearchStatus;
  readonly choices: readonly OptionIndices[];
  readonly stats: SolverStats;
  readonly infeasible?: readonly BudgetReport[];
  readonly notes?: readonly string[];
}

export function buildResult(problem: CompiledProblem, parts: ResultParts): SearchResult {
  return {
    strategy: parts.strategy,
    status: parts.status,
    objective: describeObjective(problem.request.objective),
    budgets: budgetDescriptions(problem),
    sites: problem.sites,
    proposals: toProposals(problem, parts.choices),
    baselines: baselines(problem),
    ...(parts.infeasible === undefined ? {} : { infeasible: parts.infeasible }),
    stats: parts.stats,
    ...(parts.notes === undefined || parts.notes.length === 0 ? {} : { notes: parts.notes }),
  };
}

/** One description per budget of the request (a peak-memory budget compiles to one row per step that can bind, or none). */
export function budgetDescriptions(problem: CompiledProblem): string[] {
  const { budgets = [], peakMemory = [] } = problem.request;
  return [...budgets.map(describeBudget), ...peakMemory.map(describePeakMemoryBudget)];
}

/** Maps an assignment record (site → activation) to option indices; throws on unknown entries. */
export function choiceFromActivations(problem: CompiledProblem, activations: readonly string[]): OptionIndices {
  return activations.map((a, i) => {
    const o = problem.options[i]!.indexOf(a);
    if (o < 0) throw new RangeError(`activation "${a}" is not allowed at site "${problem.sites[i]}"`);
    return o;
  });
}
