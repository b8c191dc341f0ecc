import type { Budget } from './search-request.js';
import type { CompiledConstraint } from './search-problem.js';
import { CostTableValidationError } from '../cost-table/index.js';
import type { CostTableIssue } from '../cost-table/index.js';

/** Bytes live at `step` because `site` runs `activation` (from a device's memory planner). */
export interface LiveSetTerm {
  readonly step: number;
  readonly site: string;
  readonly activation: string;
  readonly bytes: number;
}

/**
 * Peak memory as per-step rows: the live set at step t is base[t] + Σ_sites bytes(t, site, act).
 * Peak memory is a maximum over steps, not a sum over sites, so a single table cannot bound it;
 * one linear row per step bounds it exactly.
 */
export interface LiveSetRows {
  readonly base: readonly number[];
  readonly terms: readonly LiveSetTerm[];
}

/** Peak live memory of the chosen model at most `maxKB` (KB = 1024 bytes) on `device`. */
export interface PeakMemoryBudget {
  readonly rows: LiveSetRows;
  readonly maxKB: number;
  readonly device?: string;
}

const KB = 1024;

/** `peak_memory` or `peak_memory@device`: the label of a peak-memory budget and of its totals. */
export function peakMemoryLabel(device: string | undefined): string {
  return device === undefined ? 'peak_memory' : `peak_memory@${device}`;
}

export function describePeakMemoryBudget(budget: PeakMemoryBudget): string {
  return `${peakMemoryLabel(budget.device)} ≤ ${budget.maxKB}`;
}

/** Peak live bytes of one assignment (`choice(site)` is the site's activation): max over steps of base + its terms. */
export function liveSetPeakBytes(rows: LiveSetRows, choice: (site: string) => string | undefined): number {
  const live = [...rows.base];
  for (const t of rows.terms) if (choice(t.site) === t.activation) live[t.step] = (live[t.step] ?? 0) + t.bytes;
  return Math.max(0, ...live);
}

/** Limits on rows read from a file or an upload; a 640 px YOLO has a few hundred steps and a few thousand terms. */
export const LIVE_SET_LIMITS = { steps: 100_000, terms: 1_000_000 } as const;

/**
 * Reads live-set rows (`actnas profile --live-set` JSON: `{ base: number[], terms: [{ step, site,
 * activation, bytes }] }`), checking every value; `sites`, when given, are the only sites allowed.
 * Every problem is listed in one CostTableValidationError.
 */
export function parseLiveSetRows(input: unknown, options: { readonly source?: string; readonly sites?: readonly string[] } = {}): LiveSetRows {
  const source = options.source ?? 'live-set rows';
  const issues: CostTableIssue[] = [];
  const doc = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : undefined;
  if (!doc) throw new CostTableValidationError([{ row: null, column: null, message: 'expected a JSON object with base and terms' }], source);
  const base = doc['base'];
  const terms = doc['terms'];
  if (!Array.isArray(base) || base.length === 0 || base.length > LIVE_SET_LIMITS.steps) {
    issues.push({ row: null, column: 'base', message: `base must be an array of 1 to ${LIVE_SET_LIMITS.steps} byte counts, one per step` });
  } else {
    const bad = base.findIndex((b) => typeof b !== 'number' || !Number.isFinite(b) || b < 0);
    if (bad >= 0) issues.push({ row: null, column: 'base', message: `base[${bad}] is not a byte count ≥ 0` });
  }
  if (!Array.isArray(terms) || terms.length > LIVE_SET_LIMITS.terms) issues.push({ row: null, column: 'terms', message: `terms must be an array of at most ${LIVE_SET_LIMITS.terms} entries` });
  if (issues.length > 0) throw new CostTableValidationError(issues, source);
  const steps = (base as number[]).length;
  const known = options.sites ? new Set(options.sites) : undefined;
  const out: LiveSetTerm[] = [];
  (terms as unknown[]).forEach((raw, i) => {
    const t = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const { step, site, activation, bytes } = t;
    const where = `terms[${i}]`;
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step >= steps) issues.push({ row: null, column: where, message: `step must be an integer from 0 to ${steps - 1}` });
    else if (typeof site !== 'string' || site === '') issues.push({ row: null, column: where, message: 'site must be a non-empty string' });
    else if (known && !known.has(site)) issues.push({ row: null, column: where, message: `site "${site}" is not a site of the table` });
    else if (typeof activation !== 'string' || activation === '') issues.push({ row: null, column: where, message: 'activation must be a non-empty string' });
    else if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) issues.push({ row: null, column: where, message: 'bytes must be a number ≥ 0' });
    else out.push({ step, site, activation, bytes });
  });
  if (issues.length > 0) throw new CostTableValidationError(issues.slice(0, 20), source);
  return { base: base as number[], terms: out };
}

/**
 * One `Σ coef ≤ rhs` row per step that the choice of activations can push over the budget (other
 * steps are redundant). A step whose assignment-independent part alone exceeds the budget gives an
 * all-zero row with a negative right-hand side, i.e. the request is infeasible.
 */
export function compileLiveSetBudget(budget: PeakMemoryBudget, sites: readonly string[], options: readonly (readonly string[])[]): CompiledConstraint[] {
  const siteIndex = new Map(sites.map((s, i) => [s, i]));
  const byStep = new Map<number, number[][]>();
  for (const t of budget.rows.terms) {
    const i = siteIndex.get(t.site);
    const o = i === undefined ? -1 : options[i]!.indexOf(t.activation);
    if (o < 0) continue;
    let coef = byStep.get(t.step);
    if (!coef) byStep.set(t.step, (coef = options.map((row) => row.map(() => 0))));
    coef[i!]![o]! += t.bytes / KB;
  }
  const described: Budget = { metric: budget.device === undefined ? { metric: 'memory' } : { metric: 'memory', device: budget.device }, bound: 'max', value: budget.maxKB, of: 'total' };
  const description = describePeakMemoryBudget(budget);
  const rows: CompiledConstraint[] = [];
  budget.rows.base.forEach((baseBytes, step) => {
    const rhs = budget.maxKB - baseBytes / KB;
    const coef = byStep.get(step) ?? options.map((row) => row.map(() => 0));
    const worst = coef.reduce((sum, row) => sum + Math.max(0, ...row), 0);
    if (worst > rhs) rows.push({ budget: described, metric: -1, coef, rhs, peak: { budget, step, description } });
  });
  return rows;
}
