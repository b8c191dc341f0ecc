import type { BudgetLike, TableRef } from '../../lib/results/search-summary';
import { tableFor } from '../../lib/results/search-summary';
import { formatValue } from '../../lib/format/units';

export interface ParetoPoint {
  readonly label: string;
  /** The device (series) the point belongs to. */
  readonly device: string;
  readonly latencyMs: number;
  readonly accuracyDelta: number;
  readonly kind: 'proposal' | 'reference' | 'baseline' | 'strategy' | 'measured';
  /** Where clicking the point goes (a proposal's page, a comparison's version). */
  readonly href?: string;
  /** A measured point's latency CI (absolute, low and high), drawn as an error bar. */
  readonly latencyCi?: readonly [number, number];
}

/** A budget drawn as a line: a latency budget vertical, an accuracy budget horizontal. */
export interface BudgetLine {
  readonly axis: 'x' | 'y';
  readonly value: number;
  readonly device: string;
  readonly label: string;
}

export interface TotalLike {
  readonly metric: string;
  readonly deviceProfileId?: string | null;
  /** The core's JSON names the device `device`. */
  readonly device?: string | null;
  readonly unit?: string;
  readonly reference?: number;
  readonly delta: number;
  readonly total: number;
}

const deviceOf = (t: TotalLike): string | null => t.deviceProfileId ?? t.device ?? null;

/**
 * One point per device: its total latency against the accuracy delta (the device's own accuracy
 * table, else the only one; 0 when the search had no accuracy table).
 */
export function pointsFor(label: string, kind: ParetoPoint['kind'], totals: readonly TotalLike[], deviceName: (id: string | null) => string, href?: string): ParetoPoint[] {
  const accuracy = totals.filter((t) => t.metric.toUpperCase() === 'ACCURACY');
  return totals
    .filter((t) => t.metric.toUpperCase() === 'LATENCY')
    .map((latency) => {
      const device = deviceOf(latency);
      const acc = accuracy.find((a) => deviceOf(a) === device) ?? (accuracy.length === 1 ? accuracy[0] : undefined);
      return { label, kind, device: deviceName(device), latencyMs: latency.total, accuracyDelta: acc?.delta ?? 0, ...(href ? { href } : {}) };
    });
}

/** A latency measured whole on a device, as the API answers it. */
export interface LatencyMeasurementLike {
  readonly metric: string;
  readonly deviceProfileId: string;
  readonly measured: number;
  readonly measuredTotal: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
}

/**
 * A proposal's latency as measured, one point per device measured, at the proposal's predicted
 * accuracy change: a verification's accuracy is a proxy score, not the table's unit, so it is not
 * drawn on this axis. Devices whose total cannot be placed (no total sent, no reference) are left out.
 */
export function measuredPoints(label: string, measurements: readonly LatencyMeasurementLike[], totals: readonly TotalLike[], deviceName: (id: string | null) => string, href?: string): ParetoPoint[] {
  const accuracy = totals.filter((t) => t.metric.toUpperCase() === 'ACCURACY');
  return measurements
    .filter((m) => m.metric === 'LATENCY')
    .flatMap((m): ParetoPoint[] => {
      const reference = totals.find((t) => t.metric.toUpperCase() === 'LATENCY' && deviceOf(t) === m.deviceProfileId)?.reference;
      const total = m.measuredTotal ?? (reference === undefined ? undefined : reference + m.measured);
      if (total === undefined) return [];
      const acc = accuracy.find((a) => deviceOf(a) === m.deviceProfileId) ?? (accuracy.length === 1 ? accuracy[0] : undefined);
      const ci = m.ciLow !== null && m.ciHigh !== null ? { latencyCi: [total + m.ciLow - m.measured, total + m.ciHigh - m.measured] as const } : {};
      return [{ label, kind: 'measured', device: deviceName(m.deviceProfileId), latencyMs: total, accuracyDelta: acc?.delta ?? 0, ...ci, ...(href ? { href } : {}) }];
    });
}

/** The unchanged model: every metric at its table's reference value, no change. */
export function referencePoints(label: string, totals: readonly TotalLike[], deviceName: (id: string | null) => string): ParetoPoint[] {
  const unchanged = totals.filter((t) => t.reference !== undefined).map((t) => ({ ...t, total: t.reference!, delta: 0 }));
  return pointsFor(label, 'reference', unchanged, deviceName);
}

/** A uniform baseline as the API answers it. */
export interface BaselineLike {
  readonly name: string;
  readonly available: boolean;
  readonly activations: readonly { readonly site: string; readonly activation: string }[];
  readonly totals: readonly TotalLike[];
}

const uniform: Readonly<Record<string, { readonly title: string; readonly activation: string | null }>> = {
  'all-reference': { title: 'reference', activation: null },
  'all-relu': { title: 'all-ReLU', activation: 'relu' },
  'all-hardswish': { title: 'all-Hardswish', activation: 'hardswish' },
};

/**
 * The uniform baselines the core stores with every result, named for what they are: the core
 * keeps locked sites at their lock, so with locks "all-ReLU" is all-ReLU except those sites, and
 * the reference baseline is the reference with the locks applied (the true reference is drawn
 * apart, by `referencePoints`).
 */
export function baselinePoints(baselines: readonly BaselineLike[], deviceName: (id: string | null) => string, referenceOf: (site: string) => string | undefined): ParetoPoint[] {
  return baselines.flatMap((b) => {
    const known = uniform[b.name];
    if (!b.available || !known) return [];
    const kept = b.activations.filter((a) => a.activation !== (known.activation ?? referenceOf(a.site))).length;
    // The unchanged reference is drawn by referencePoints; repeat it only when locks move it.
    if (known.activation === null && kept === 0) return [];
    const label = known.activation === null ? `reference with ${kept} locked site${kept === 1 ? '' : 's'}` : kept === 0 ? known.title : `${known.title} except ${kept} locked site${kept === 1 ? '' : 's'}`;
    return pointsFor(label, 'baseline', b.totals, deviceName);
  });
}

/** The reference model's name: `all-SiLU (reference)` when every site's reference is SiLU. */
export function referenceLabel(references: readonly string[]): string {
  const kinds = [...new Set(references.map((r) => r.toLowerCase()))];
  if (kinds.length === 1 && kinds[0]) {
    const names: Readonly<Record<string, string>> = { silu: 'SiLU', relu: 'ReLU', hardswish: 'Hardswish', relu6: 'ReLU6', leakyrelu: 'LeakyReLU' };
    return `all-${names[kinds[0]] ?? kinds[0]} (reference)`;
  }
  return 'reference model';
}

/**
 * The Pareto front of each device's proposals: those no other proposal beats on both latency
 * (lower) and accuracy (higher), in order of latency.
 */
export function paretoFront(points: readonly ParetoPoint[]): ParetoPoint[] {
  const sorted = [...points].sort((a, b) => a.latencyMs - b.latencyMs || b.accuracyDelta - a.accuracyDelta);
  const front: ParetoPoint[] = [];
  for (const p of sorted) {
    const last = front[front.length - 1];
    if (!last || p.accuracyDelta > last.accuracyDelta) front.push(p);
  }
  return front;
}

/**
 * Budget lines for the chart: latency budgets as vertical lines at the total they allow, accuracy
 * budgets as horizontal lines at the change they allow, one per device they apply to.
 */
export function budgetLines(budgets: readonly BudgetLike[], tables: readonly TableRef[], referenceOf: (tableId: string) => number | undefined): BudgetLine[] {
  return budgets.flatMap((budget): BudgetLine[] => {
    const metric = budget.metric.metric;
    if (metric !== 'LATENCY' && metric !== 'ACCURACY') return [];
    const table = tableFor(budget.metric, tables);
    if (!table) return [];
    const reference = referenceOf(table.id);
    const sign = budget.bound === 'MAX' ? '≤' : '≥';
    if (metric === 'LATENCY') {
      const value = budget.of === 'TOTAL' ? budget.value : reference === undefined ? undefined : reference + budget.value;
      return value === undefined ? [] : [{ axis: 'x', value, device: table.deviceProfile.name, label: `latency ${sign} ${formatValue(value, table.unit)}` }];
    }
    const value = budget.of === 'DELTA' ? budget.value : reference === undefined ? undefined : budget.value - reference;
    return value === undefined ? [] : [{ axis: 'y', value, device: table.deviceProfile.name, label: `accuracy Δ ${sign} ${formatValue(value, table.unit)}` }];
  });
}

/**
 * An axis over `values` with round ticks (steps of 1, 2 or 5 × 10^n) and a little room beyond the
 * outermost value, so points and budget lines never sit on the frame.
 */
export function niceAxis(values: readonly number[], tickCount = 6): { readonly domain: [number, number]; readonly ticks: number[]; readonly decimals: number } {
  if (values.length === 0) return { domain: [0, 1], ticks: [0, 0.5, 1], decimals: 1 };
  let min = Math.min(...values);
  let max = Math.max(...values);
  const span = max - min || Math.abs(max) * 0.1 || 1;
  min -= span * 0.06;
  max += span * 0.06;
  const rough = (max - min) / Math.max(1, tickCount - 1);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  const low = Math.floor(min / step) * step;
  const high = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  // Rounded to the step's decimals so ticks read 0.005, not 0.005000000000000001.
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  for (let t = low; t <= high + step / 2; t += step) ticks.push(Number(t.toFixed(decimals)));
  return { domain: [ticks[0]!, ticks[ticks.length - 1]!], ticks, decimals };
}
