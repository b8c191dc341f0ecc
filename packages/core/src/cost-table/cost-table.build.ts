import type { ActivationRegistry } from '../activations/index.js';
import { defaultActivationRegistry } from '../activations/index.js';
import type { SearchSpace } from '../search-space/index.js';
import type { CostCell, CostTable, CostTableProvenance, MetricKind } from './cost-table.js';
import { DEFAULT_UNITS, cellKey } from './cost-table.js';
import type { CostTableIssue } from './cost-table.errors.js';
import { CostTableValidationError } from './cost-table.errors.js';

/** Column (or field) names a raw cell came from, so issues can name them. */
export interface RawCellColumns {
  readonly site: string;
  readonly activation: string;
  readonly delta: string;
  readonly reference?: string;
  readonly std?: string;
  readonly ciLow?: string;
  readonly ciHigh?: string;
  readonly runs?: string;
  readonly unit?: string;
}

/** A cell as read from a source, before validation. Values are strings (CSV) or unknown (JSON). */
export interface RawCell {
  readonly row: number | null;
  readonly columns: RawCellColumns;
  readonly site: unknown;
  readonly activation: unknown;
  readonly delta: unknown;
  readonly reference?: unknown;
  readonly std?: unknown;
  readonly ciLow?: unknown;
  readonly ciHigh?: unknown;
  readonly runs?: unknown;
  readonly unit?: unknown;
}

export interface CostTableReadOptions {
  readonly metric: MetricKind;
  /** Expected unit; defaults to ms for latency, KB for memory, whatever the source says for accuracy. */
  readonly unit?: string;
  readonly device?: string;
  readonly provenance?: CostTableProvenance;
  readonly registry?: ActivationRegistry;
  /** When given, every site must belong to it and every allowed candidate must have a cell. */
  readonly space?: SearchSpace;
  /** Reference activation id: its cell may be omitted (delta 0). Defaults to the space's references. */
  readonly referenceActivation?: string;
  /** Reference value when the source has no reference column. */
  readonly referenceValue?: number;
  /** Name of the source for messages, e.g. a file name. */
  readonly source?: string;
}

/** Where a unit was declared once for the whole source (a `delta_ms` header, a JSON `unit` field). */
export interface DeclaredUnit {
  readonly unit: string;
  readonly row: number | null;
  readonly column: string;
}

/** Validates raw cells into a table, or throws one error listing every issue. */
export function buildCostTable(raw: readonly RawCell[], options: CostTableReadOptions, declared?: DeclaredUnit): CostTable {
  const issues: CostTableIssue[] = [];
  const registry = options.registry ?? defaultActivationRegistry();
  const unit = resolveUnit(raw, options, declared, issues);
  const cells: CostCell[] = [];
  const firstRow = new Map<string, number | null>();
  const references: RowReference[] = [];
  for (const r of raw) {
    const cell = readCell(r, registry, issues);
    if (!cell) continue;
    const key = cellKey(cell.site, cell.activation);
    if (firstRow.has(key)) {
      issues.push({ row: r.row, column: r.columns.activation, message: `duplicate row for site "${cell.site}" and activation "${cell.activation}" (first at row ${firstRow.get(key) ?? '?'})` });
      continue;
    }
    firstRow.set(key, r.row);
    if (cell.reference !== undefined) references.push({ value: cell.reference, row: r.row, column: r.columns.reference ?? 'reference' });
    cells.push(cell);
  }
  const siteRows = firstRowPerSite(raw);
  const sites = [...new Set(cells.map((c) => c.site))];
  checkSpace(sites, cells, siteRows, raw[0]?.columns.site ?? 'site', options, issues);
  const reference = options.referenceValue ?? checkReferences(references, options.metric, issues);
  if (reference === undefined && raw.length > 0) {
    issues.push({ row: null, column: 'reference', message: 'no reference value: add a reference column or pass the reference value' });
  }
  if (raw.length === 0) issues.push({ row: null, column: null, message: 'the table has no cells' });
  if (issues.length > 0) throw new CostTableValidationError(issues, options.source);
  const withImplied = addImpliedReferenceCells(cells, sites, options);
  return {
    metric: options.metric,
    unit,
    ...(options.device === undefined ? {} : { device: options.device }),
    reference: reference ?? 0,
    sites: options.space ? options.space.sites.map((s) => s.name) : sites,
    cells: withImplied,
    provenance: options.provenance ?? { source: 'imported' },
  };
}

function resolveUnit(raw: readonly RawCell[], options: CostTableReadOptions, declared: DeclaredUnit | undefined, issues: CostTableIssue[]): string {
  const expected = options.unit ?? DEFAULT_UNITS[options.metric];
  let unit = expected ?? declared?.unit;
  const check = (found: string, row: number | null, column: string): void => {
    if (unit === undefined) unit = found;
    else if (normaliseUnit(found) !== normaliseUnit(unit)) {
      issues.push({ row, column, message: `unit "${found}" does not match the ${options.metric} table's unit "${unit}"` });
    }
  };
  if (declared) check(declared.unit, declared.row, declared.column);
  for (const r of raw) {
    if (r.unit === undefined || r.unit === '' || r.columns.unit === undefined) continue;
    check(String(r.unit), r.row, r.columns.unit);
  }
  return unit ?? '';
}

export function normaliseUnit(unit: string): string {
  return unit.trim().toLowerCase();
}

function readCell(r: RawCell, registry: ActivationRegistry, issues: CostTableIssue[]): CostCell | undefined {
  const before = issues.length;
  const site = typeof r.site === 'string' ? r.site.trim() : '';
  if (site === '') issues.push({ row: r.row, column: r.columns.site, message: 'empty site name' });
  const activation = resolveActivation(r, registry, issues);
  const delta = readNumber(r.delta, r.row, r.columns.delta, true, issues);
  const reference = readNumber(r.reference, r.row, r.columns.reference, false, issues);
  const std = readNumber(r.std, r.row, r.columns.std, false, issues);
  const ciLow = readNumber(r.ciLow, r.row, r.columns.ciLow, false, issues);
  const ciHigh = readNumber(r.ciHigh, r.row, r.columns.ciHigh, false, issues);
  const runs = readNumber(r.runs, r.row, r.columns.runs, false, issues);
  if (runs !== undefined && !(Number.isInteger(runs) && runs > 0)) issues.push({ row: r.row, column: r.columns.runs ?? 'runs', message: `runs must be a positive whole number, got ${runs}` });
  if (std !== undefined && std < 0) issues.push({ row: r.row, column: r.columns.std ?? 'std', message: `negative std ${std}` });
  if (ciLow !== undefined && ciHigh !== undefined && ciLow > ciHigh) {
    issues.push({ row: r.row, column: r.columns.ciLow ?? 'ci_low', message: `ci_low ${ciLow} is above ci_high ${ciHigh}` });
  }
  if (issues.length > before || activation === undefined || delta === undefined) return undefined;
  return {
    site,
    activation,
    delta,
    ...(reference === undefined ? {} : { reference }),
    ...(std === undefined ? {} : { std }),
    ...(ciLow === undefined ? {} : { ciLow }),
    ...(ciHigh === undefined ? {} : { ciHigh }),
    ...(runs === undefined ? {} : { runs }),
  };
}

function resolveActivation(r: RawCell, registry: ActivationRegistry, issues: CostTableIssue[]): string | undefined {
  const name = typeof r.activation === 'string' ? r.activation.trim() : '';
  if (name === '') {
    issues.push({ row: r.row, column: r.columns.activation, message: 'empty activation name' });
    return undefined;
  }
  const kind = registry.tryResolve(name);
  if (!kind) issues.push({ row: r.row, column: r.columns.activation, message: `unknown activation "${name}" (known: ${registry.ids().join(', ')})` });
  return kind?.id;
}

interface RowReference {
  readonly value: number;
  readonly row: number | null;
  readonly column: string;
}

/** How far a row's reference may stray from the table's (repeated measurements of one model). */
const REFERENCE_TOLERANCE = 0.25;

/**
 * A table has one reference model: the rows' reference values (measured alongside each cell, so
 * a little noisy) must agree within REFERENCE_TOLERANCE of their median, which is the table's
 * reference; latency and memory of a model are never negative.
 */
function checkReferences(references: readonly RowReference[], metric: string, issues: CostTableIssue[]): number | undefined {
  if (references.length === 0) return undefined;
  const sorted = references.map((r) => r.value).sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const nonNegative = metric === 'latency' || metric === 'memory';
  for (const r of references) {
    if (nonNegative && r.value < 0) issues.push({ row: r.row, column: r.column, message: `negative ${metric} reference ${r.value}` });
    else if (Math.abs(r.value - median) > REFERENCE_TOLERANCE * Math.abs(median) + 1e-12) {
      issues.push({ row: r.row, column: r.column, message: `reference ${r.value} differs from the table's reference ${median} (the rows' median) by more than ${REFERENCE_TOLERANCE * 100}%: one table has one reference model` });
    }
  }
  return median;
}

/** A plain decimal (optional sign, digits, fraction, exponent): no hex, binary, Infinity or separators. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function readNumber(value: unknown, row: number | null, column: string | undefined, required: boolean, issues: CostTableIssue[]): number | undefined {
  const missing = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
  if (missing) {
    if (required) issues.push({ row, column: column ?? null, message: 'missing value' });
    return undefined;
  }
  if (typeof value === 'string' && !DECIMAL.test(value.trim())) {
    issues.push({ row, column: column ?? null, message: `not a decimal number: ${JSON.stringify(value)}` });
    return undefined;
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (!Number.isFinite(n)) {
    issues.push({ row, column: column ?? null, message: `not a finite number: ${JSON.stringify(value)}` });
    return undefined;
  }
  return n;
}

function firstRowPerSite(raw: readonly RawCell[]): ReadonlyMap<string, number | null> {
  const rows = new Map<string, number | null>();
  for (const r of raw) {
    const site = typeof r.site === 'string' ? r.site.trim() : '';
    if (!rows.has(site)) rows.set(site, r.row);
  }
  return rows;
}

function checkSpace(
  sites: readonly string[],
  cells: readonly CostCell[],
  siteRows: ReadonlyMap<string, number | null>,
  siteColumn: string,
  options: CostTableReadOptions,
  issues: CostTableIssue[],
): void {
  const present = new Set(cells.map((c) => cellKey(c.site, c.activation)));
  if (options.space) {
    const known = new Set(options.space.sites.map((s) => s.name));
    for (const site of sites) {
      if (!known.has(site)) issues.push({ row: siteRows.get(site) ?? null, column: siteColumn, message: `site "${site}" is not in the search space` });
    }
    for (const s of options.space.sites) {
      const needed = s.allowed.filter((a) => a !== (options.referenceActivation ?? s.reference));
      for (const a of needed) {
        if (!present.has(cellKey(s.name, a))) issues.push({ row: siteRows.get(s.name) ?? null, column: a, message: `missing cell for site "${s.name}" and activation "${a}"` });
      }
    }
    return;
  }
  const activations = [...new Set(cells.map((c) => c.activation))].filter((a) => a !== options.referenceActivation);
  for (const site of sites) {
    for (const a of activations) {
      if (!present.has(cellKey(site, a))) issues.push({ row: siteRows.get(site) ?? null, column: a, message: `missing cell for site "${site}" and activation "${a}"` });
    }
  }
}

/** The reference activation's own cell is a no-op swap: delta 0 when the source omits it. */
function addImpliedReferenceCells(cells: readonly CostCell[], sites: readonly string[], options: CostTableReadOptions): readonly CostCell[] {
  const present = new Set(cells.map((c) => cellKey(c.site, c.activation)));
  const referenceOf = (site: string): string | undefined =>
    options.referenceActivation ?? options.space?.sites.find((s) => s.name === site)?.reference;
  const implied: CostCell[] = [];
  for (const site of options.space ? options.space.sites.map((s) => s.name) : sites) {
    const ref = referenceOf(site);
    if (ref !== undefined && !present.has(cellKey(site, ref))) implied.push({ site, activation: ref, delta: 0 });
  }
  return [...cells, ...implied];
}
