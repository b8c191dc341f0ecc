import type { ActivationKind, ActivationRegistry, CostTable, ImportedModel } from '@actnas/core';
import { cellLookup, rewriteOnnx, tableActivations } from '@actnas/core';
import { sampleCorrelation } from 'simple-statistics';
import type { PairedOptions } from '../latency/paired-protocol.js';
import { measurePaired } from '../latency/paired-protocol.js';
import { median } from '../latency/statistics.js';
import { createRng } from '../random/seeded-rng.js';
import type { Feeds, Runtime } from '../runtimes/runtime.js';

export interface NamedAssignment {
  readonly name: string;
  readonly sites: Readonly<Record<string, ActivationKind>>;
}

/** N seeded random mixed assignments over the table's activations, plus all-X for each of `uniform`. */
export function validationAssignments(table: CostTable, registry: ActivationRegistry, count: number, seed: number, uniform: readonly ActivationKind[]): NamedAssignment[] {
  const rng = createRng(seed);
  const kinds = tableActivations(table).map((a) => registry.resolve(a));
  const out: NamedAssignment[] = [];
  for (let i = 0; i < count; i++) {
    out.push({ name: `random-${i + 1}`, sites: Object.fromEntries(table.sites.map((s) => [s, kinds[rng.int(0, kinds.length - 1)]!])) });
  }
  for (const k of uniform) out.push({ name: `all-${k.id}`, sites: Object.fromEntries(table.sites.map((s) => [s, k])) });
  return out;
}

/** Additive prediction: the sum of the table's single-swap deltas. */
export function predictedDelta(table: CostTable, a: NamedAssignment): number {
  const lookup = cellLookup(table);
  return Object.entries(a.sites).reduce((sum, [site, kind]) => sum + (lookup(site, kind.id)?.delta ?? 0), 0);
}

export interface ValidationRow {
  readonly name: string;
  readonly predicted: number;
  readonly measured: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly pairs: number;
}

export interface ValidationReport {
  readonly rows: readonly ValidationRow[];
  /** Pearson correlation of predicted vs measured deltas. */
  readonly correlation: number;
  /** Median of |predicted − measured| / |measured|. */
  readonly medianRelativeError: number;
  /** Median of |predicted − measured|, in the table's unit: meaningful where deltas are near zero. */
  readonly medianAbsoluteError: number;
  /**
   * The unchanged reference, loaded again like every candidate and measured against it: the
   * delta a new session alone produces (memory placement), which no table can predict.
   */
  readonly nullRows: readonly ValidationRow[];
  /** Median |measured| of the null rows: below it, a measured mixed-model delta is session noise. */
  readonly noiseFloor: number;
}

export function summariseValidation(rows: readonly ValidationRow[], nullRows: readonly ValidationRow[] = []): ValidationReport {
  const correlation = rows.length > 2 ? sampleCorrelation(rows.map((r) => r.predicted), rows.map((r) => r.measured)) : Number.NaN;
  const medianRelativeError = median(rows.map((r) => Math.abs(r.predicted - r.measured) / Math.max(Math.abs(r.measured), 1e-9)));
  const medianAbsoluteError = median(rows.map((r) => Math.abs(r.predicted - r.measured)));
  const noiseFloor = nullRows.length ? median(nullRows.map((r) => Math.abs(r.measured))) : Number.NaN;
  return { rows, correlation, medianRelativeError, medianAbsoluteError, nullRows, noiseFloor };
}

export interface ValidationOptions {
  readonly runtime: Runtime;
  readonly model: ImportedModel;
  readonly feeds: Feeds;
  readonly protocol: PairedOptions;
  /** Fresh sessions of the unchanged reference to measure as null rows (default 0). */
  readonly nullCopies?: number;
  readonly onRow?: (row: ValidationRow) => void;
}

/** Measures every assignment end to end against the reference model (paired). */
export async function validateTable(table: CostTable, assignments: readonly NamedAssignment[], o: ValidationOptions): Promise<ValidationReport> {
  const ref = await o.runtime.load(o.model.bytes);
  const refTimer = ref.timer(o.feeds);
  const rows: ValidationRow[] = [];
  const nullRows: ValidationRow[] = [];
  const nulls: NamedAssignment[] = Array.from({ length: o.nullCopies ?? 0 }, (_, i) => ({ name: `null-${i + 1}`, sites: {} }));
  try {
    for (const [i, a] of [...nulls, ...assignments].entries()) {
      const cand = await o.runtime.load(rewriteOnnx(o.model, a.sites, { metadata: false }));
      try {
        const m = await measurePaired(refTimer, cand.timer(o.feeds), { ...o.protocol, seed: o.protocol.seed + i });
        const row = { name: a.name, predicted: predictedDelta(table, a), measured: m.delta.estimate, ciLow: m.delta.low, ciHigh: m.delta.high, pairs: m.pairs };
        (i < nulls.length ? nullRows : rows).push(row);
        o.onRow?.(row);
      } finally {
        await cand.dispose();
      }
    }
  } finally {
    await ref.dispose();
  }
  return summariseValidation(rows, nullRows);
}
