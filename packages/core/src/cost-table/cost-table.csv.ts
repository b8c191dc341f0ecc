import { parse } from 'csv-parse/sync';
import { defaultActivationRegistry } from '../activations/index.js';
import { stringify } from 'csv-stringify/sync';
import type { CostTable } from './cost-table.js';
import { cellLookup, tableActivations } from './cost-table.js';
import type { CostTableReadOptions, DeclaredUnit, RawCell } from './cost-table.build.js';
import { buildCostTable } from './cost-table.build.js';
import type { CostTableIssue } from './cost-table.errors.js';
import { CostTableValidationError } from './cost-table.errors.js';

/**
 * The paper's CSV `layer,activation,reference,delta` (long layout, one row per cell) and a wide
 * layout (one row per site, one column per activation). Header names are matched case- and
 * punctuation-insensitively against the aliases below.
 */
const ALIASES = {
  site: ['layer', 'site', 'layername', 'sitename', 'name', 'module', 'layerid'],
  activation: ['activation', 'act', 'candidate', 'activationname', 'kind'],
  reference: ['reference', 'ref', 'referencevalue', 'baseline', 'referencems', 'referencekb'],
  delta: ['delta', 'value', 'diff', 'deltams', 'deltakb', 'deltalatency', 'deltamemory', 'deltaaccuracy', 'deltamap', 'deltanwot', 'deltaus', 'deltamb'],
  std: ['std', 'stddev', 'sd', 'deltastd'],
  ciLow: ['cilow', 'cilo', 'lower', 'ci95low'],
  ciHigh: ['cihigh', 'cihi', 'upper', 'ci95high'],
  runs: ['runs', 'pairs', 'samples', 'n'],
  unit: ['unit', 'units'],
} as const;

type Field = keyof typeof ALIASES;

const UNIT_SUFFIXES: Readonly<Record<string, string>> = { ms: 'ms', us: 'us', kb: 'KB', mb: 'MB' };

export type CsvLayout = 'long' | 'wide';

export function parseCostTableCsv(text: string, options: CostTableReadOptions): CostTable {
  const records = readRecords(text, options.source);
  const header = records[0]?.cells ?? [];
  const columns = matchColumns(header);
  if (columns.activation !== undefined) return parseLong(records, header, columns, options);
  if (columns.site !== undefined) return parseWide(records, header, columns, options);
  throw new CostTableValidationError([{ row: 1, column: null, message: `no site column (expected one of: ${ALIASES.site.join(', ')})` }], options.source);
}

export interface CsvRecord {
  readonly row: number;
  readonly cells: readonly string[];
}

function readRecords(text: string, source: string | undefined): readonly CsvRecord[] {
  const plain = readPlainRecords(text);
  if (plain) return plain;
  try {
    const parsed = parse(text, { info: true, skip_empty_lines: true, trim: true, relax_column_count: true, bom: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return parsed.map((p) => ({ row: p.info.lines, cells: p.record }));
  } catch (err) {
    throw new CostTableValidationError([{ row: null, column: null, message: `unreadable CSV: ${err instanceof Error ? err.message : String(err)}` }], source);
  }
}

// Printable ASCII and tabs, lines ending in \n or \r\n: no quotes, nothing csv-parse would treat specially.
const PLAIN_CSV = /^[\t\x20-\x21\x23-\x7e]*$/;

/**
 * The records of a table csv-parse would read as plain comma-separated lines (no quote, only
 * printable ASCII and tabs, one line ending throughout, no whitespace-only line), split directly;
 * undefined for anything else, which csv-parse reads. The same records and line numbers as
 * csv-parse with the options above: csv-parse alone costs ~25 ms per table in a fresh process.
 */
export function readPlainRecords(text: string): CsvRecord[] | undefined {
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  const lines = body.split(body.includes('\r') ? '\r\n' : '\n');
  const records: CsvRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!PLAIN_CSV.test(line)) return undefined;
    if (line === '') continue;
    const cells = line.split(',').map((cell) => cell.trim());
    if (cells.length === 1 && cells[0] === '') return undefined;
    records.push({ row: i + 1, cells });
  }
  return records;
}

type ColumnIndex = Partial<Record<Field, number>>;

function normaliseHeader(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_\-().[\]]/g, '');
}

function matchColumns(header: readonly string[]): ColumnIndex {
  const index: ColumnIndex = {};
  header.forEach((name, i) => {
    const key = normaliseHeader(name);
    for (const field of Object.keys(ALIASES) as Field[]) {
      if (index[field] === undefined && (ALIASES[field] as readonly string[]).includes(key)) index[field] = i;
    }
  });
  return index;
}

function headerUnit(header: readonly string[], columns: ColumnIndex): DeclaredUnit | undefined {
  for (const field of ['delta', 'reference'] as const) {
    const i = columns[field];
    if (i === undefined) continue;
    const name = header[i] ?? '';
    const suffix = /[_\s(-]([a-z]+)\)?$/i.exec(name.trim())?.[1]?.toLowerCase();
    const unit = suffix === undefined ? undefined : UNIT_SUFFIXES[suffix];
    if (unit) return { unit, row: 1, column: name };
  }
  return undefined;
}

function parseLong(records: readonly CsvRecord[], header: readonly string[], columns: ColumnIndex, options: CostTableReadOptions): CostTable {
  const issues: CostTableIssue[] = [];
  for (const field of ['site', 'activation', 'delta'] as const) {
    if (columns[field] === undefined) issues.push({ row: 1, column: null, message: `no ${field} column (expected one of: ${ALIASES[field].join(', ')})` });
  }
  if (issues.length > 0) throw new CostTableValidationError(issues, options.source);
  const name = (field: Field): string | undefined => (columns[field] === undefined ? undefined : header[columns[field]]);
  const at = (r: CsvRecord, field: Field): string | undefined => (columns[field] === undefined ? undefined : r.cells[columns[field]]);
  const raw = records.slice(1).map(
    (r): RawCell => ({
      row: r.row,
      columns: {
        site: name('site')!,
        activation: name('activation')!,
        delta: name('delta')!,
        ...optionalColumns(name),
      },
      site: at(r, 'site'),
      activation: at(r, 'activation'),
      delta: at(r, 'delta'),
      reference: at(r, 'reference'),
      std: at(r, 'std'),
      ciLow: at(r, 'ciLow'),
      ciHigh: at(r, 'ciHigh'),
      runs: at(r, 'runs'),
      unit: at(r, 'unit'),
    }),
  );
  return buildCostTable(raw, options, headerUnit(header, columns));
}

const OPTIONAL_FIELDS = ['reference', 'std', 'ciLow', 'ciHigh', 'runs', 'unit'] as const;
type OptionalField = (typeof OPTIONAL_FIELDS)[number];

function optionalColumns(name: (field: Field) => string | undefined): Partial<Record<OptionalField, string>> {
  const out: Partial<Record<OptionalField, string>> = {};
  for (const field of OPTIONAL_FIELDS) {
    const n = name(field);
    if (n !== undefined) out[field] = n;
  }
  return out;
}

function parseWide(records: readonly CsvRecord[], header: readonly string[], columns: ColumnIndex, options: CostTableReadOptions): CostTable {
  const special = new Set([columns.site, columns.reference, columns.unit].filter((i) => i !== undefined));
  const registry = options.registry ?? defaultActivationRegistry();
  const headerIssues: CostTableIssue[] = [];
  const activationColumns = header
    .map((name, i) => ({ name, i }))
    .filter((c) => !special.has(c.i))
    .filter((c) => {
      if (registry.has(c.name)) return true;
      headerIssues.push({ row: 1, column: c.name, message: `unknown activation "${c.name}" (known: ${registry.ids().join(', ')})` });
      return false;
    });
  const raw: RawCell[] = [];
  for (const r of records.slice(1)) {
    for (const col of activationColumns) {
      raw.push({
        row: r.row,
        columns: {
          site: header[columns.site!]!,
          activation: col.name,
          delta: col.name,
          ...(columns.reference === undefined ? {} : { reference: header[columns.reference]! }),
          ...(columns.unit === undefined ? {} : { unit: header[columns.unit]! }),
        },
        site: r.cells[columns.site!],
        activation: col.name,
        delta: r.cells[col.i],
        reference: columns.reference === undefined ? undefined : r.cells[columns.reference],
        unit: columns.unit === undefined ? undefined : r.cells[columns.unit],
      });
    }
  }
  try {
    const table = buildCostTable(raw, options, headerUnit(header, columns));
    if (headerIssues.length > 0) throw new CostTableValidationError(headerIssues, options.source);
    return table;
  } catch (err) {
    if (err instanceof CostTableValidationError && headerIssues.length > 0 && err.issues !== headerIssues) {
      throw new CostTableValidationError([...headerIssues, ...err.issues], options.source);
    }
    throw err;
  }
}

export interface CostTableCsvWriteOptions {
  readonly layout?: CsvLayout;
}

/** Writes the paper's long CSV (with std / ci / runs columns when any cell has them) or the wide layout. */
export function costTableToCsv(table: CostTable, options: CostTableCsvWriteOptions = {}): string {
  return options.layout === 'wide' ? toWide(table) : toLong(table);
}

function toLong(table: CostTable): string {
  const hasStd = table.cells.some((c) => c.std !== undefined);
  const hasCi = table.cells.some((c) => c.ciLow !== undefined || c.ciHigh !== undefined);
  const hasRuns = table.cells.some((c) => c.runs !== undefined);
  const header = ['layer', 'activation', 'reference', 'delta', ...(hasStd ? ['std'] : []), ...(hasCi ? ['ci_low', 'ci_high'] : []), ...(hasRuns ? ['runs'] : []), 'unit'];
  const rows = table.cells.map((c) => [
    c.site,
    c.activation,
    c.reference ?? table.reference,
    c.delta,
    ...(hasStd ? [c.std ?? ''] : []),
    ...(hasCi ? [c.ciLow ?? '', c.ciHigh ?? ''] : []),
    ...(hasRuns ? [c.runs ?? ''] : []),
    table.unit,
  ]);
  return stringify([header, ...rows]);
}

function toWide(table: CostTable): string {
  const activations = tableActivations(table);
  const lookup = cellLookup(table);
  const header = ['layer', 'reference', ...activations];
  const rows = table.sites.map((site) => [site, table.reference, ...activations.map((a) => lookup(site, a)?.delta ?? '')]);
  return stringify([header, ...rows]);
}
