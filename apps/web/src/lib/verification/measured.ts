import type { Metric } from '@/graphql/generated';
import type { BudgetLike, MetricRefLike, ObjectiveLike, TableRef } from '../results/search-summary';
import { tableFor } from '../results/search-summary';

/** z of a two-sided 95 % interval: measured CIs are 95 %, so the table's σ is scaled to match (as `actnas verify` does). */
export const Z95 = 1.959964;

/** One metric of one proposal measured whole on a device, as the API answers it. */
export interface MeasurementLike {
  readonly metric: Metric;
  readonly deviceProfileId: string;
  readonly predicted: number | null;
  readonly predictedStd: number | null;
  readonly measured: number;
  readonly measuredTotal: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly runs: number;
  readonly measuredAt: string;
}

/** A proposal's predicted total, as the API answers it. */
export interface PredictedTotal {
  readonly metric: Metric;
  readonly deviceProfileId: string | null;
  readonly reference: number;
  readonly delta: number;
  readonly total: number;
}

/** Half the width of the measured CI; null when the agent sent none. */
export function ciHalfWidth(m: Pick<MeasurementLike, 'ciLow' | 'ciHigh'>): number | null {
  return m.ciLow === null || m.ciHigh === null ? null : (m.ciHigh - m.ciLow) / 2;
}

/**
 * The 95 % half-width around the prediction: √((1.96 σ)² + CI half-width²). A side without an
 * uncertainty adds 0 (a table without std, a deterministic planner measurement), so with neither
 * the measured value must equal the prediction. Null when nothing was predicted.
 */
export function combinedUncertainty(m: Pick<MeasurementLike, 'predicted' | 'predictedStd' | 'ciLow' | 'ciHigh'>): number | null {
  if (m.predicted === null) return null;
  return Math.hypot(Z95 * (m.predictedStd ?? 0), ciHalfWidth(m) ?? 0);
}

/** Whether the measured delta lies outside predicted ± combined uncertainty; null when nothing was predicted. */
export function outsidePrediction(m: Pick<MeasurementLike, 'predicted' | 'predictedStd' | 'ciLow' | 'ciHigh' | 'measured'>): boolean | null {
  const uncertainty = combinedUncertainty(m);
  if (m.predicted === null || uncertainty === null) return null;
  // A hair of slack for sums of floats (memory: both sides exact).
  return Math.abs(m.measured - m.predicted) > uncertainty + 1e-9 * Math.max(1, Math.abs(m.predicted));
}

/** The newest measurement of each metric on each device (a later job supersedes an earlier one). */
export function latestMeasurements<M extends MeasurementLike>(measurements: readonly M[]): M[] {
  const newest = new Map<string, M>();
  for (const m of measurements) {
    const key = `${m.metric}/${m.deviceProfileId}`;
    const seen = newest.get(key);
    if (!seen || m.measuredAt > seen.measuredAt) newest.set(key, m);
  }
  return [...newest.values()];
}

/** Measurements measure table metrics: a peak-memory budget is judged by the planner's whole-model MEMORY measurement. */
const measuredMetric = (metric: Metric): Metric => (metric === 'PEAK_MEMORY' ? 'MEMORY' : metric);

/** The device a metric reference means in this search: its own, or the device of the only table of that metric. */
const deviceOf = (ref: MetricRefLike, tables: readonly TableRef[]): string | null => ref.deviceProfileId ?? tableFor(ref, tables)?.deviceProfile.id ?? null;

/** The measurement a metric reference names (its metric on its device), if there is one. */
export function measurementFor<M extends MeasurementLike>(ref: MetricRefLike, tables: readonly TableRef[], measurements: readonly M[]): M | undefined {
  const device = deviceOf(ref, tables);
  return device === null ? undefined : measurements.find((m) => m.metric === measuredMetric(ref.metric) && m.deviceProfileId === device);
}

const totalFor = (ref: MetricRefLike, device: string | null, totals: readonly PredictedTotal[]): PredictedTotal | undefined =>
  totals.find((t) => t.metric === ref.metric && t.deviceProfileId === device) ?? totals.find((t) => t.metric === ref.metric && t.deviceProfileId === null);

/** The measured total: what the agent sent, else the table's reference plus the measured delta. */
function measuredTotalOf(m: MeasurementLike, reference: number | undefined): number | undefined {
  return m.measuredTotal ?? (reference === undefined ? undefined : reference + m.measured);
}

export interface BudgetVerdict {
  readonly budget: BudgetLike;
  /** The value the budget bounds (a delta or a total), as measured or else as predicted. */
  readonly value: number;
  readonly basis: 'measured' | 'predicted';
  readonly broken: boolean;
}

/**
 * Each budget judged by the measurement of its metric on its device when there is one, else by
 * the prediction; a budget neither can judge is left out.
 */
export function budgetVerdicts(budgets: readonly BudgetLike[], tables: readonly TableRef[], totals: readonly PredictedTotal[], measurements: readonly MeasurementLike[]): BudgetVerdict[] {
  return budgets.flatMap((budget): BudgetVerdict[] => {
    const predicted = totalFor(budget.metric, deviceOf(budget.metric, tables), totals);
    const m = measurementFor(budget.metric, tables, measurements);
    const measured = m ? (budget.of === 'DELTA' ? m.measured : measuredTotalOf(m, predicted?.reference)) : undefined;
    const value = measured ?? (predicted ? (budget.of === 'DELTA' ? predicted.delta : predicted.total) : undefined);
    if (value === undefined) return [];
    const slack = 1e-9 * Math.max(1, Math.abs(budget.value));
    const broken = budget.bound === 'MAX' ? value > budget.value + slack : value < budget.value - slack;
    return [{ budget, value, basis: measured === undefined ? 'predicted' : 'measured', broken }];
  });
}

/**
 * The objective as measured: the measured total of its metric on its device (a weighted objective:
 * the weighted sum of its terms' measured totals). Null unless every term was measured.
 */
export function measuredObjective(objective: ObjectiveLike, tables: readonly TableRef[], totals: readonly PredictedTotal[], measurements: readonly MeasurementLike[]): number | null {
  const terms = objective.sense === 'WEIGHTED' || !objective.metric ? (objective.terms ?? []) : [{ metric: objective.metric, weight: 1 }];
  if (terms.length === 0) return null;
  let sum = 0;
  for (const term of terms) {
    const m = measurementFor(term.metric, tables, measurements);
    const total = m ? measuredTotalOf(m, totalFor(term.metric, deviceOf(term.metric, tables), totals)?.reference) : undefined;
    if (total === undefined) return null;
    sum += term.weight * total;
  }
  return sum;
}

/** What ranking by measurement needs to know of a proposal. */
export interface MeasuredStanding {
  readonly rank: number;
  /** Null when the objective was not (fully) measured. */
  readonly objective: number | null;
  /** Every budget holds, as measured where measured (else as predicted). */
  readonly feasible: boolean;
}

/**
 * Orders proposals by measurement: measured and within every budget first, then measured but
 * over a budget, then not measured; within each, by measured objective (best first), then by rank.
 */
export function rankByMeasured<S extends MeasuredStanding>(standings: readonly S[], sense: ObjectiveLike['sense']): S[] {
  const group = (s: S): number => (s.objective === null ? 2 : s.feasible ? 0 : 1);
  const better = sense === 'MAX' ? -1 : 1;
  return [...standings].sort((a, b) => group(a) - group(b) || (a.objective !== null && b.objective !== null ? better * (a.objective - b.objective) : 0) || a.rank - b.rank);
}

/** The metrics an objective and its budgets name, as measurements measure them (metric, device), in order, once each. */
export function goalMetrics(objective: ObjectiveLike, budgets: readonly BudgetLike[], tables: readonly TableRef[]): { readonly metric: Metric; readonly deviceProfileId: string }[] {
  const refs = [...(objective.metric ? [objective.metric] : []), ...(objective.terms ?? []).map((t) => t.metric), ...budgets.map((b) => b.metric)];
  const seen = new Set<string>();
  return refs.flatMap((ref) => {
    const device = deviceOf(ref, tables);
    const metric = measuredMetric(ref.metric);
    const key = `${metric}/${device}`;
    if (device === null || seen.has(key)) return [];
    seen.add(key);
    return [{ metric, deviceProfileId: device }];
  });
}
