import type { Metric } from '@/graphql/generated';
import { formatValue, metricWord } from '../format/units';

/** A cost table as a search used it. */
export interface TableRef {
  readonly id: string;
  readonly version: number;
  readonly metric: Metric;
  readonly unit: string;
  readonly deviceProfile: { readonly id: string; readonly name: string };
}

export interface MetricRefLike {
  readonly metric: Metric;
  readonly deviceProfileId?: string | null;
}

export interface BudgetLike {
  readonly metric: MetricRefLike;
  readonly bound: 'MAX' | 'MIN';
  readonly value: number;
  readonly of: 'TOTAL' | 'DELTA';
}

export interface ObjectiveLike {
  readonly sense: 'MIN' | 'MAX' | 'WEIGHTED';
  readonly metric?: MetricRefLike | null;
  readonly terms?: readonly { readonly metric: MetricRefLike; readonly weight: number }[];
}

/** The table a metric reference names: its device's, or the only table of that metric. */
export function tableFor(ref: MetricRefLike, tables: readonly TableRef[]): TableRef | undefined {
  // A peak-memory budget bounds the live-set rows of the device's memory table.
  const metric = ref.metric === 'PEAK_MEMORY' ? 'MEMORY' : ref.metric;
  const ofMetric = tables.filter((t) => t.metric === metric);
  if (ref.deviceProfileId) return ofMetric.find((t) => t.deviceProfile.id === ref.deviceProfileId);
  return ofMetric.length === 1 ? ofMetric[0] : undefined;
}

/** `latency on Pi 5`, or just `latency` when the device is unknown. */
export function metricOn(ref: MetricRefLike, tables: readonly TableRef[]): string {
  const table = tableFor(ref, tables);
  return table ? `${metricWord(ref.metric)} on ${table.deviceProfile.name}` : metricWord(ref.metric);
}

/** The unit of the objective's value: its metric's unit; none for a weighted sum. */
export function objectiveUnit(objective: ObjectiveLike, tables: readonly TableRef[]): string {
  if (objective.sense === 'WEIGHTED' || !objective.metric) return '';
  return tableFor(objective.metric, tables)?.unit ?? '';
}

export function describeObjective(objective: ObjectiveLike, tables: readonly TableRef[]): string {
  if (objective.sense === 'WEIGHTED' || !objective.metric) {
    const terms = (objective.terms ?? []).map((t) => `${t.weight} × ${metricOn(t.metric, tables)}`);
    return `minimise ${terms.join(' + ') || 'a weighted sum'}`;
  }
  return `${objective.sense === 'MIN' ? 'minimise' : 'maximise'} ${metricOn(objective.metric, tables)}`;
}

/**
 * What a budget on a change allows, in words: deltas are candidate − reference, so for accuracy
 * "at least −0.005" means "lose at most 0.005".
 */
export function budgetInWords(metric: Metric, bound: 'MAX' | 'MIN', of: 'TOTAL' | 'DELTA', value: number, unit: string): string {
  const amount = formatValue(Math.abs(value), unit);
  if (of === 'TOTAL') return `${bound === 'MAX' ? 'at most' : 'at least'} ${formatValue(value, unit)} in total`;
  const [down, up] = metric === 'ACCURACY' ? ['lose', 'gain'] : metric === 'LATENCY' ? ['be faster by', 'be slower by'] : ['shrink by', 'grow by'];
  if (bound === 'MIN') return value < 0 ? `${down} at most ${amount}` : `${up} at least ${amount}`;
  return value < 0 ? `${down} at least ${amount}` : `${up} at most ${amount}`;
}

/** `accuracy on Pi 5: Δ ≥ −0.0050 mAP (lose at most 0.0050 mAP)`. */
export function describeBudget(budget: BudgetLike, tables: readonly TableRef[]): string {
  const unit = tableFor(budget.metric, tables)?.unit ?? '';
  const sign = budget.bound === 'MAX' ? '≤' : '≥';
  const quantity = budget.of === 'DELTA' ? 'Δ' : 'total';
  return `${metricOn(budget.metric, tables)}: ${quantity} ${sign} ${formatValue(budget.value, unit)} (${budgetInWords(budget.metric.metric, budget.bound, budget.of, budget.value, unit)})`;
}

/** `accuracy Δ ≥ −0.0050 mAP`, naming the device when the search had several. */
export function describeBudgetShort(budget: BudgetLike, tables: readonly TableRef[]): string {
  const table = tableFor(budget.metric, tables);
  const devices = new Set(tables.map((t) => t.deviceProfile.id));
  const what = devices.size > 1 && table ? `${metricWord(budget.metric.metric)} on ${table.deviceProfile.name}` : metricWord(budget.metric.metric);
  return `${what}${budget.of === 'DELTA' ? ' Δ' : ''} ${budget.bound === 'MAX' ? '≤' : '≥'} ${formatValue(budget.value, table?.unit ?? '')}`;
}

/** `maximise accuracy on Pi subject to peak memory on Pi ≤ 1000 KB, latency on Pi Δ ≤ −2.00 ms`. */
export function describeGoal(objective: ObjectiveLike, budgets: readonly BudgetLike[], tables: readonly TableRef[]): string {
  const goal = describeObjective(objective, tables);
  if (budgets.length === 0) return goal;
  const bounds = budgets.map((b) => `${metricOn(b.metric, tables)}${b.of === 'DELTA' ? ' Δ' : ''} ${b.bound === 'MAX' ? '≤' : '≥'} ${formatValue(b.value, tableFor(b.metric, tables)?.unit ?? '')}`);
  return `${goal} subject to ${bounds.join(', ')}`;
}

/** The table versions a search used, grouped by device: `Pi 5: latency v2, accuracy v1`. */
export function describeTables(tables: readonly TableRef[]): string[] {
  const byDevice = new Map<string, string[]>();
  const order: readonly Metric[] = ['LATENCY', 'MEMORY', 'ACCURACY'];
  const sorted = [...tables].sort((a, b) => order.indexOf(a.metric) - order.indexOf(b.metric));
  for (const t of sorted) byDevice.set(t.deviceProfile.name, [...(byDevice.get(t.deviceProfile.name) ?? []), `${metricWord(t.metric)} v${t.version}`]);
  return [...byDevice].map(([device, list]) => `${device}: ${list.join(', ')}`);
}

/** Device names by id from the tables a search used (they include shared and public devices). */
export function deviceNames(tables: readonly TableRef[]): ReadonlyMap<string, string> {
  return new Map(tables.map((t) => [t.deviceProfile.id, t.deviceProfile.name]));
}

/** A proposal's total of one metric on one device, as the API answers it. */
export interface TotalRef {
  readonly label: string;
  readonly metric: Metric;
  readonly deviceProfileId: string | null;
  readonly unit: string;
  readonly reference: number;
  readonly delta: number;
  readonly total: number;
}

/** Column title of a total: `latency on Pi 5 (ms)`. */
export function totalTitle(total: Pick<TotalRef, 'metric' | 'deviceProfileId' | 'unit'>, names: ReadonlyMap<string, string>): string {
  const device = total.deviceProfileId ? names.get(total.deviceProfileId) : undefined;
  return `${metricWord(total.metric)}${device ? ` on ${device}` : ''} (${total.unit})`;
}

/** The reference value behind a table, read from any proposal's totals. */
export function referenceOfTable(table: TableRef, totals: readonly TotalRef[]): number | undefined {
  return totals.find((t) => t.metric === table.metric && (t.deviceProfileId === table.deviceProfile.id || t.deviceProfileId === null))?.reference;
}

/** Engine messages name tables `latency@<device id>`: say the device's name instead. */
export function readableMessage(message: string, names: ReadonlyMap<string, string>): string {
  return message.replace(/@([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/g, (whole, id: string) => (names.has(id) ? ` on ${names.get(id)}` : whole));
}
