import type { CostTable, CostTableProvenance, MetricKind } from './cost-table.js';
import { METRIC_KINDS } from './cost-table.js';
import type { CostTableReadOptions, RawCell } from './cost-table.build.js';
import { buildCostTable } from './cost-table.build.js';
import { CostTableValidationError } from './cost-table.errors.js';

export const COST_TABLE_JSON_FORMAT = 'actnas.cost-table/v1';

/** The JSON document of a cost table. Cell `row` numbers in issues are 1-based cell indices. */
export interface CostTableJson {
  readonly format: typeof COST_TABLE_JSON_FORMAT;
  readonly metric: MetricKind;
  readonly unit: string;
  readonly device?: string;
  readonly reference: number;
  readonly sites: readonly string[];
  readonly provenance: CostTableProvenance;
  readonly cells: readonly {
    readonly site: string;
    readonly activation: string;
    readonly delta: number;
    readonly reference?: number;
    readonly std?: number;
    readonly ciLow?: number;
    readonly ciHigh?: number;
    readonly runs?: number;
  }[];
}

export function costTableToJson(table: CostTable): CostTableJson {
  return { format: COST_TABLE_JSON_FORMAT, ...table };
}

/**
 * Reads a JSON document (string or parsed). The document's own metric, unit, device and provenance
 * are used unless `options` asks for others, in which case they must agree.
 */
export function parseCostTableJson(input: string | unknown, options: Partial<CostTableReadOptions> = {}): CostTable {
  const doc = typeof input === 'string' ? parseJsonText(input, options.source) : input;
  if (!isRecord(doc)) throw new CostTableValidationError([{ row: null, column: null, message: 'expected a JSON object' }], options.source);
  const metric = doc['metric'];
  if (typeof metric !== 'string' || !(METRIC_KINDS as readonly string[]).includes(metric)) {
    throw new CostTableValidationError([{ row: null, column: 'metric', message: `metric must be one of ${METRIC_KINDS.join(', ')}` }], options.source);
  }
  if (options.metric !== undefined && options.metric !== metric) {
    throw new CostTableValidationError([{ row: null, column: 'metric', message: `expected a ${options.metric} table, got ${metric}` }], options.source);
  }
  const cells = Array.isArray(doc['cells']) ? (doc['cells'] as unknown[]) : [];
  const raw = cells.map((c, i): RawCell => toRawCell(c, i + 1));
  const docUnit = typeof doc['unit'] === 'string' ? doc['unit'] : undefined;
  const device = typeof doc['device'] === 'string' ? doc['device'] : options.device;
  const provenance = isRecord(doc['provenance']) ? (doc['provenance'] as unknown as CostTableProvenance) : options.provenance;
  const reference = typeof doc['reference'] === 'number' ? doc['reference'] : options.referenceValue;
  return buildCostTable(
    raw,
    {
      ...options,
      metric: metric as MetricKind,
      ...(device === undefined ? {} : { device }),
      ...(provenance === undefined ? {} : { provenance }),
      ...(reference === undefined ? {} : { referenceValue: reference }),
    },
    docUnit === undefined ? undefined : { unit: docUnit, row: null, column: 'unit' },
  );
}

function toRawCell(c: unknown, row: number): RawCell {
  const cell = isRecord(c) ? c : {};
  return {
    row,
    columns: { site: 'site', activation: 'activation', delta: 'delta', reference: 'reference', std: 'std', ciLow: 'ciLow', ciHigh: 'ciHigh', runs: 'runs' },
    site: cell['site'],
    activation: cell['activation'],
    delta: cell['delta'],
    reference: cell['reference'],
    std: cell['std'],
    ciLow: cell['ciLow'],
    ciHigh: cell['ciHigh'],
    runs: cell['runs'],
  };
}

function parseJsonText(text: string, source: string | undefined): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CostTableValidationError([{ row: null, column: null, message: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` }], source);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
