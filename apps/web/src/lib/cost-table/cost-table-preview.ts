import type { HeatCell } from '@/components/heatmap/heatmap.model';
import type { RowError } from '@/lib/forms/form-state';

export interface PreviewResult {
  readonly cells: readonly HeatCell[];
  readonly sites: readonly string[];
  readonly unit: string;
  readonly errors: readonly RowError[];
}

const aliases: Readonly<Record<string, readonly string[]>> = {
  site: ['layer', 'site', 'name', 'module'],
  activation: ['activation', 'act', 'candidate', 'kind'],
  reference: ['reference', 'ref', 'baseline'],
  delta: ['delta', 'value', 'diff'],
  std: ['std', 'stddev', 'sd'],
  ciLow: ['cilow', 'ci95low', 'lower'],
  ciHigh: ['cihigh', 'ci95high', 'upper'],
  runs: ['runs', 'pairs', 'samples', 'n'],
  unit: ['unit', 'units'],
};

const normalise = (name: string): string => name.trim().toLowerCase().replace(/[\s_\-().[\]]/g, '');

function splitLine(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  out.push(current.trim());
  return out;
}

/**
 * A quick in-browser reading of the paper's long CSV so the heatmap and obvious mistakes show
 * before upload. The API validates the upload in full and stays the authority.
 */
export function previewCsv(text: string): PreviewResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitLine(lines[0] ?? '');
  const column: Partial<Record<string, number>> = {};
  header.forEach((name, i) => {
    const key = normalise(name);
    for (const [field, names] of Object.entries(aliases)) {
      if (column[field] === undefined && (names.includes(key) || (field === 'delta' && key.startsWith('delta')) || (field === 'reference' && key.startsWith('reference')))) column[field] = i;
    }
  });
  const errors: RowError[] = [];
  for (const field of ['site', 'activation', 'delta'] as const) {
    if (column[field] === undefined) errors.push({ row: 1, column: field === 'site' ? 'layer' : field, message: `missing column "${field === 'site' ? 'layer' : field}"` });
  }
  if (errors.length > 0) return { cells: [], sites: [], unit: '', errors };
  const cells: HeatCell[] = [];
  const sites: string[] = [];
  const seenSites = new Set<string>();
  const seenCells = new Set<string>();
  let unit = '';
  const at = (cells: readonly string[], field: string): string | undefined => {
    const i = column[field];
    return i === undefined ? undefined : cells[i];
  };
  const number = (raw: string | undefined, row: number, name: string, required: boolean): number | null => {
    if (raw === undefined || raw === '') {
      if (required) errors.push({ row, column: name, message: 'missing value' });
      return null;
    }
    const value = Number(raw);
    if (!Number.isFinite(value)) {
      errors.push({ row, column: name, message: `"${raw}" is not a number` });
      return null;
    }
    return value;
  };
  lines.slice(1).forEach((line, index) => {
    const row = index + 2;
    if (line.trim() === '') return;
    const values = splitLine(line);
    const site = at(values, 'site') ?? '';
    const activation = at(values, 'activation') ?? '';
    if (!site) errors.push({ row, column: header[column['site']!] ?? 'layer', message: 'missing site name' });
    if (!activation) errors.push({ row, column: header[column['activation']!] ?? 'activation', message: 'missing activation' });
    const delta = number(at(values, 'delta'), row, header[column['delta']!] ?? 'delta', true);
    const std = number(at(values, 'std'), row, 'std', false);
    const ciLow = number(at(values, 'ciLow'), row, 'ci_low', false);
    const ciHigh = number(at(values, 'ciHigh'), row, 'ci_high', false);
    if (ciLow !== null && ciHigh !== null && ciLow > ciHigh) errors.push({ row, column: 'ci_low', message: 'ci_low is above ci_high' });
    const runs = number(at(values, 'runs'), row, 'runs', false);
    if (runs !== null && !(Number.isInteger(runs) && runs > 0)) errors.push({ row, column: 'runs', message: 'runs must be a positive whole number' });
    unit ||= at(values, 'unit') ?? '';
    if (!site || !activation || delta === null) return;
    const key = `${site}\u0000${activation}`;
    if (seenCells.has(key)) {
      errors.push({ row, column: header[column['activation']!] ?? 'activation', message: `duplicate cell ${site} / ${activation}` });
      return;
    }
    seenCells.add(key);
    if (!seenSites.has(site)) {
      seenSites.add(site);
      sites.push(site);
    }
    cells.push({ site, activation, delta, std, ciLow, ciHigh, runs });
  });
  return { cells, sites, unit, errors };
}

export function previewJson(text: string): PreviewResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { cells: [], sites: [], unit: '', errors: [{ row: null, column: null, message: `unreadable JSON: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  const body = parsed as { unit?: unknown; sites?: unknown; cells?: unknown };
  const rawCells = Array.isArray(body.cells) ? (body.cells as unknown[]) : [];
  const errors: RowError[] = rawCells.length === 0 ? [{ row: null, column: 'cells', message: 'no "cells" array' }] : [];
  const cells: HeatCell[] = [];
  rawCells.forEach((raw, i) => {
    const c = raw as Record<string, unknown>;
    const site = typeof c['site'] === 'string' ? c['site'] : undefined;
    const activation = typeof c['activation'] === 'string' ? c['activation'] : undefined;
    const delta = typeof c['delta'] === 'number' ? c['delta'] : undefined;
    if (!site || !activation || delta === undefined) {
      errors.push({ row: i + 1, column: !site ? 'site' : !activation ? 'activation' : 'delta', message: 'cell needs site, activation and a numeric delta' });
      return;
    }
    const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
    cells.push({ site, activation, delta, std: num(c['std']), ciLow: num(c['ciLow']), ciHigh: num(c['ciHigh']), runs: num(c['runs']) });
  });
  const sites = Array.isArray(body.sites) ? body.sites.filter((s): s is string => typeof s === 'string') : [...new Set(cells.map((c) => c.site))];
  return { cells, sites, unit: typeof body.unit === 'string' ? body.unit : '', errors };
}
