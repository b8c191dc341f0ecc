import type { CostTable } from '../cost-table/index.js';
import { cellLookup } from '../cost-table/index.js';
import type { Budget, MetricRef, Objective, SearchRequest } from './search-request.js';
import { metricLabel } from './search-request.js';
import { compileLiveSetBudget, describePeakMemoryBudget } from './live-set.constraint.js';
import type { PeakMemoryBudget } from './live-set.constraint.js';

export class SearchRequestError extends Error {
  override readonly name = 'SearchRequestError';
}

/** One table laid out per site and per allowed option. */
export interface CompiledMetric {
  readonly label: string;
  readonly table: CostTable;
  /** delta[site][option] */
  readonly delta: readonly (readonly number[])[];
  /** std[site][option], NaN where unknown. */
  readonly std: readonly (readonly number[])[];
}

/** A budget as a row `Σ coef[site][option] ≤ rhs` over the chosen options (`metric` −1: a live-set row). */
export interface CompiledConstraint {
  readonly budget: Budget;
  readonly metric: number;
  readonly coef: readonly (readonly number[])[];
  readonly rhs: number;
  /** For a live-set row: the peak-memory budget it comes from and its step (one budget compiles to many rows). */
  readonly peak?: { readonly budget: PeakMemoryBudget; readonly step: number; readonly description: string };
}

/**
 * The request in solver form: minimise Σ cost[site][option] subject to the constraints. The user's
 * objective value is `sign × (offset + Σ cost)`.
 */
export interface CompiledProblem {
  readonly request: SearchRequest;
  readonly sites: readonly string[];
  /** Allowed activation ids per site (the site's options). */
  readonly options: readonly (readonly string[])[];
  readonly metrics: readonly CompiledMetric[];
  readonly cost: readonly (readonly number[])[];
  readonly offset: number;
  readonly sign: 1 | -1;
  readonly constraints: readonly CompiledConstraint[];
}

export function compileProblem(request: SearchRequest): CompiledProblem {
  const { space } = request;
  if (space.sites.length === 0) throw new SearchRequestError('the search space has no sites');
  const options = space.sites.map((s) => s.allowed);
  const metrics = request.tables.map((table) => compileMetric(table, request));
  const find = (ref: MetricRef): number => findMetric(request.tables, ref);
  const { cost, offset, sign } = compileObjective(request.objective, metrics, find, options);
  const constraints = [
    ...(request.budgets ?? []).map((budget) => compileBudget(budget, metrics, find)),
    ...(request.peakMemory ?? []).flatMap((budget) => {
      if (!Number.isFinite(budget.maxKB)) throw new SearchRequestError(`${describePeakMemoryBudget(budget)}: the budget is not a finite number`);
      return compileLiveSetBudget(budget, space.sites.map((s) => s.name), options);
    }),
  ];
  return { request, sites: space.sites.map((s) => s.name), options, metrics, cost, offset, sign, constraints };
}

function compileMetric(table: CostTable, request: SearchRequest): CompiledMetric {
  const lookup = cellLookup(table);
  const label = metricLabel(table.device === undefined ? { metric: table.metric } : { metric: table.metric, device: table.device });
  const missing: string[] = [];
  const cellsOf = request.space.sites.map((site) =>
    site.allowed.map((a) => {
      const cell = lookup(site.name, a) ?? (a === site.reference ? { delta: 0, std: 0 } : undefined);
      if (!cell) missing.push(`${site.name}/${a}`);
      return cell;
    }),
  );
  if (missing.length > 0) {
    throw new SearchRequestError(`${label} table has no cell for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
  }
  return {
    label,
    table,
    delta: cellsOf.map((row) => row.map((c) => c!.delta)),
    std: cellsOf.map((row) => row.map((c) => c!.std ?? Number.NaN)),
  };
}

export function findMetric(tables: readonly CostTable[], ref: MetricRef): number {
  const matches = tables.flatMap((t, i) => (t.metric === ref.metric && (ref.device === undefined || t.device === ref.device) ? [i] : []));
  if (matches.length === 0) throw new SearchRequestError(`no ${metricLabel(ref)} table`);
  if (matches.length > 1) {
    const devices = matches.map((i) => tables[i]!.device ?? '(none)').join(', ');
    throw new SearchRequestError(`${metricLabel(ref)} is ambiguous: name the device (${devices})`);
  }
  return matches[0]!;
}

function compileObjective(
  objective: Objective,
  metrics: readonly CompiledMetric[],
  find: (ref: MetricRef) => number,
  options: readonly (readonly string[])[],
): { cost: number[][]; offset: number; sign: 1 | -1 } {
  const terms = objective.sense === 'weighted' ? objective.terms : [{ metric: objective.metric, weight: objective.sense === 'max' ? -1 : 1 }];
  const cost = options.map((row) => row.map(() => 0));
  let offset = 0;
  for (const term of terms) {
    if (!Number.isFinite(term.weight)) throw new SearchRequestError(`weight of ${metricLabel(term.metric)} is not a finite number`);
    const m = metrics[find(term.metric)]!;
    offset += term.weight * m.table.reference;
    m.delta.forEach((row, i) => row.forEach((d, o) => (cost[i]![o]! += term.weight * d)));
  }
  return { cost, offset, sign: objective.sense === 'max' ? -1 : 1 };
}

function compileBudget(budget: Budget, metrics: readonly CompiledMetric[], find: (ref: MetricRef) => number): CompiledConstraint {
  if (!Number.isFinite(budget.value)) throw new SearchRequestError(`budget on ${metricLabel(budget.metric)} is not a finite number`);
  const metric = find(budget.metric);
  const m = metrics[metric]!;
  const base = budget.of === 'total' ? budget.value - m.table.reference : budget.value;
  const flip = budget.bound === 'max' ? 1 : -1;
  return { budget, metric, coef: m.delta.map((row) => row.map((d) => flip * d)), rhs: flip * base };
}

/** Relative slack used for every budget check, so all strategies agree on feasibility. */
export const FEASIBILITY_TOLERANCE = 1e-9;

export function withinBudget(usage: number, rhs: number): boolean {
  return usage <= rhs + FEASIBILITY_TOLERANCE * Math.max(1, Math.abs(rhs));
}
