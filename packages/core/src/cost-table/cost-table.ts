/**
 * Cost tables: for one metric on one device, the value of the reference model and, per
 * (site, candidate), the delta of the single swap `value(model with that one site swapped) −
 * value(reference)`.
 *
 * Sign convention: a delta is always candidate − reference, in the table's unit. For latency and
 * memory a negative delta is an improvement (faster, smaller). For accuracy (mAP, NWOT-estimated
 * accuracy) a NEGATIVE delta means WORSE, as in the paper; an accuracy budget "max drop 0.005"
 * means Σ accuracy deltas ≥ −0.005.
 */

export type MetricKind = 'latency' | 'memory' | 'accuracy';

export const METRIC_KINDS: readonly MetricKind[] = ['latency', 'memory', 'accuracy'];

/** Default units; accuracy tables may use any unit (mAP, NWOT score…) as long as it is consistent. */
export const DEFAULT_UNITS: Readonly<Record<MetricKind, string | undefined>> = {
  latency: 'ms',
  memory: 'KB',
  accuracy: undefined,
};

export interface CostCell {
  readonly site: string;
  readonly activation: string;
  /** candidate − reference for this single swap. */
  readonly delta: number;
  /** The reference value measured alongside this cell, when the source gives one per row. */
  readonly reference?: number;
  /** Standard deviation of the delta. */
  readonly std?: number;
  /** Confidence interval of the delta. */
  readonly ciLow?: number;
  readonly ciHigh?: number;
  /** Measurements behind the delta: paired runs of a latency cell, runs per model in paper mode, seeds of an averaged NWOT cell. */
  readonly runs?: number;
}

export type ProvenanceSource = 'measured' | 'imported' | 'estimated' | 'synthetic';

export interface CostTableProvenance {
  readonly source: ProvenanceSource;
  /** Runtime or estimator that produced the values, e.g. `onnxruntime-node 1.30`, `nwot`. */
  readonly producer?: string;
  readonly runs?: number;
  /** Confidence level of the per-cell intervals, e.g. 0.95. */
  readonly confidence?: number;
  readonly note?: string;
}

export interface CostTable {
  readonly metric: MetricKind;
  readonly unit: string;
  /** Device profile the values belong to (latency and memory tables are per device). */
  readonly device?: string;
  /** Value of the reference model (every site at its reference activation). */
  readonly reference: number;
  /** Sites in first-seen (forward) order. */
  readonly sites: readonly string[];
  readonly cells: readonly CostCell[];
  readonly provenance: CostTableProvenance;
}

/** Looks cells up by site and activation. */
export function cellLookup(table: CostTable): (site: string, activation: string) => CostCell | undefined {
  const map = new Map<string, CostCell>();
  for (const cell of table.cells) map.set(cellKey(cell.site, cell.activation), cell);
  return (site, activation) => map.get(cellKey(site, activation));
}

export function cellKey(site: string, activation: string): string {
  return `${site}\u0000${activation}`;
}

/** Activations present in the table, in first-seen order. */
export function tableActivations(table: CostTable): readonly string[] {
  return [...new Set(table.cells.map((c) => c.activation))];
}
