import type { CostTable, MetricKind } from '../cost-table/index.js';
import type { SearchSpace } from '../search-space/index.js';
import type { PeakMemoryBudget } from './live-set.constraint.js';

/** Names one cost table: a metric, and for per-device metrics the device (optional if only one). */
export interface MetricRef {
  readonly metric: MetricKind;
  readonly device?: string;
}

export interface WeightedTerm {
  readonly metric: MetricRef;
  /** Multiplies the metric's total; use a negative weight to reward a metric (e.g. accuracy). */
  readonly weight: number;
}

/** `min`/`max` one metric's total, or minimise Σ weight × total. */
export type Objective =
  | { readonly sense: 'min' | 'max'; readonly metric: MetricRef }
  | { readonly sense: 'weighted'; readonly terms: readonly WeightedTerm[] };

/**
 * A budget on one metric: `bound` `max` means ≤ value, `min` means ≥ value; `of` says whether value
 * is the model's total (reference + Σ deltas) or the sum of deltas alone.
 */
export interface Budget {
  readonly metric: MetricRef;
  readonly bound: 'max' | 'min';
  readonly value: number;
  readonly of: 'total' | 'delta';
}

export interface SearchRequest {
  readonly space: SearchSpace;
  readonly tables: readonly CostTable[];
  readonly objective: Objective;
  readonly budgets?: readonly Budget[];
  /** Exact peak-memory budgets over per-step live-set rows (see live-set.constraint.ts). */
  readonly peakMemory?: readonly PeakMemoryBudget[];
}

export interface TopKOptions {
  /** Number of ranked proposals (default 1). */
  readonly k?: number;
  /** Minimum Hamming distance (sites with different activations) between any two proposals (default 1). */
  readonly diversity?: number;
}

export function minimize(metric: MetricKind, device?: string): Objective {
  return { sense: 'min', metric: metricRef(metric, device) };
}

export function maximize(metric: MetricKind, device?: string): Objective {
  return { sense: 'max', metric: metricRef(metric, device) };
}

export function weighted(terms: readonly WeightedTerm[]): Objective {
  return { sense: 'weighted', terms };
}

/** Total latency (ms) at most `ms` on `device`. */
export function maxLatency(ms: number, device?: string): Budget {
  return { metric: metricRef('latency', device), bound: 'max', value: ms, of: 'total' };
}

/** Total memory at most `kb` on `device`. */
export function maxMemory(kb: number, device?: string): Budget {
  return { metric: metricRef('memory', device), bound: 'max', value: kb, of: 'total' };
}

/** Accuracy may fall at most `drop` below the reference: Σ accuracy deltas ≥ −drop. */
export function maxAccuracyDrop(drop: number): Budget {
  return { metric: { metric: 'accuracy' }, bound: 'min', value: -drop, of: 'delta' };
}

export function metricRef(metric: MetricKind, device?: string): MetricRef {
  return device === undefined ? { metric } : { metric, device };
}

export function metricLabel(ref: MetricRef): string {
  return ref.device === undefined ? ref.metric : `${ref.metric}@${ref.device}`;
}

export function describeObjective(objective: Objective): string {
  if (objective.sense !== 'weighted') return `${objective.sense} ${metricLabel(objective.metric)}`;
  return `min ${objective.terms.map((t) => `${t.weight}×${metricLabel(t.metric)}`).join(' + ')}`;
}

export function describeBudget(budget: Budget): string {
  const what = budget.of === 'total' ? metricLabel(budget.metric) : `Σ Δ${metricLabel(budget.metric)}`;
  return `${what} ${budget.bound === 'max' ? '≤' : '≥'} ${budget.value}`;
}
