import type { Budget } from './search-request.js';
import type { CompiledConstraint } from './search-problem.js';

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
  const rows: CompiledConstraint[] = [];
  budget.rows.base.forEach((baseBytes, step) => {
    const rhs = budget.maxKB - baseBytes / KB;
    const coef = byStep.get(step) ?? options.map((row) => row.map(() => 0));
    const worst = coef.reduce((sum, row) => sum + Math.max(0, ...row), 0);
    if (worst > rhs) rows.push({ budget: described, metric: -1, coef, rhs });
  });
  return rows;
}
