import type { OptionIndices } from './search-types.js';
import { FEASIBILITY_TOLERANCE } from './search-problem.js';

/**
 * Exact depth-first branch and bound for the multiple-choice knapsack with any number of budget
 * rows and Hamming-distance cuts. Bound at a node (sites in `order` from depth t still free):
 *   cost so far + Σ_{free} min(cost + λ·coef) − λ·(rhs − usage so far)
 *   + for the tightest earlier proposal: the cheapest reduced costs of the disagreements still needed.
 * Budget rows also prune when the cheapest completion cannot fit.
 */
export interface BnbProblem {
  readonly cost: readonly (readonly number[])[];
  readonly rows: readonly { readonly coef: readonly (readonly number[])[]; readonly rhs: number }[];
}

export interface BnbInput {
  readonly problem: BnbProblem;
  readonly kept: readonly (readonly number[])[];
  readonly lambda: readonly number[];
  readonly reduced: readonly (readonly number[])[];
  readonly priors: readonly OptionIndices[];
  readonly diversity: number;
  readonly nodeLimit: number;
  /** Only assignments cheaper than this are of interest (prunes from the first node). */
  readonly upperBound?: number;
}

export interface BnbOutput {
  readonly best?: OptionIndices;
  readonly value: number;
  readonly nodes: number;
  /** False when the node limit stopped the search before it proved optimality. */
  readonly complete: boolean;
}

export function branchAndBound(input: BnbInput): BnbOutput {
  const { problem, kept, lambda, reduced, priors, diversity } = input;
  const n = problem.cost.length;
  const rows = problem.rows;
  const order = siteOrder(kept, reduced);
  const options = order.map((i) => [...kept[i]!].sort((a, b) => reduced[i]![a]! - reduced[i]![b]!));
  const penalisedMin = order.map((i) => Math.min(...kept[i]!.map((o) => problem.cost[i]![o]! + rows.reduce((s, r, j) => s + lambda[j]! * r.coef[i]![o]!, 0))));
  const suffixLag = suffixSums(penalisedMin);
  const suffixMinUse = rows.map((r) => suffixSums(order.map((i) => Math.min(...kept[i]!.map((o) => r.coef[i]![o]!)))));
  const rhsTol = rows.map((r) => r.rhs + FEASIBILITY_TOLERANCE * Math.max(1, Math.abs(r.rhs)));
  const need = priors.map((p) => disagreementTable(p, order, options, reduced, diversity));
  const scale = problem.cost.reduce((s, row) => s + Math.max(...row.map(Math.abs)), 0);
  const eps = 1e-12 * Math.max(1, scale);

  const use = new Float64Array(rows.length);
  const dist = new Int32Array(priors.length);
  const current = new Int32Array(n);
  let best: number[] | undefined;
  let upper = input.upperBound ?? Number.POSITIVE_INFINITY;
  let nodes = 0;
  let complete = true;

  const visit = (t: number, costSoFar: number): void => {
    if (++nodes > input.nodeLimit) {
      complete = false;
      return;
    }
    let bound = costSoFar + suffixLag[t]!;
    for (let j = 0; j < rows.length; j++) {
      if (use[j]! + suffixMinUse[j]![t]! > rhsTol[j]!) return;
      bound -= lambda[j]! * (rows[j]!.rhs - use[j]!);
    }
    let extra = 0;
    for (let p = 0; p < priors.length; p++) {
      const missing = diversity - dist[p]!;
      if (missing <= 0) continue;
      const s = need[p]![t * (diversity + 1) + missing]!;
      if (s === Number.POSITIVE_INFINITY) return;
      if (s > extra) extra = s;
    }
    if (t === n) {
      if (costSoFar < upper - eps) {
        upper = costSoFar;
        best = order.map(() => 0);
        order.forEach((site, k) => (best![site] = current[k]!));
      }
      return;
    }
    if (bound + extra >= upper - eps) return;
    const site = order[t]!;
    for (const o of options[t]!) {
      current[t] = o;
      for (let j = 0; j < rows.length; j++) use[j]! += rows[j]!.coef[site]![o]!;
      for (let p = 0; p < priors.length; p++) if (priors[p]![site] !== o) dist[p]!++;
      visit(t + 1, costSoFar + problem.cost[site]![o]!);
      for (let j = 0; j < rows.length; j++) use[j]! -= rows[j]!.coef[site]![o]!;
      for (let p = 0; p < priors.length; p++) if (priors[p]![site] !== o) dist[p]!--;
      if (!complete) return;
    }
  };
  visit(0, 0);
  return { ...(best ? { best } : {}), value: upper, nodes, complete };
}

/** Sites where leaving the best option costs most come first (measured: fewest nodes); forced sites last. */
function siteOrder(kept: readonly (readonly number[])[], reduced: readonly (readonly number[])[]): number[] {
  const regret = kept.map((opts, i) => {
    const r = opts.map((o) => reduced[i]![o]!).sort((a, b) => a - b);
    return r.length < 2 ? Number.POSITIVE_INFINITY : r[1]!;
  });
  const key = (i: number): number => (regret[i] === Number.POSITIVE_INFINITY ? -1 : regret[i]!);
  return kept.map((_, i) => i).sort((a, b) => key(b) - key(a) || a - b);
}

function suffixSums(values: readonly number[]): Float64Array {
  const out = new Float64Array(values.length + 1);
  for (let t = values.length - 1; t >= 0; t--) out[t] = out[t + 1]! + values[t]!;
  return out;
}

/**
 * table[t·(d+1)+k] = least Σ reduced cost of disagreeing with `prior` at k of the sites order[t..],
 * +Infinity when fewer than k of them can disagree.
 */
function disagreementTable(
  prior: OptionIndices,
  order: readonly number[],
  options: readonly (readonly number[])[],
  reduced: readonly (readonly number[])[],
  d: number,
): Float64Array {
  const n = order.length;
  const table = new Float64Array((n + 1) * (d + 1)).fill(Number.POSITIVE_INFINITY);
  const smallest: number[] = [];
  for (let t = n; t >= 0; t--) {
    if (t < n) {
      const site = order[t]!;
      const others = options[t]!.filter((o) => o !== prior[site]).map((o) => reduced[site]![o]!);
      if (others.length > 0) insertSmall(smallest, Math.min(...others), d);
    }
    let sum = 0;
    table[t * (d + 1)] = 0;
    for (let k = 1; k <= d && k <= smallest.length; k++) {
      sum += smallest[k - 1]!;
      table[t * (d + 1) + k] = sum;
    }
  }
  return table;
}

function insertSmall(sorted: number[], value: number, cap: number): void {
  if (cap === 0) return;
  if (sorted.length === cap && value >= sorted[cap - 1]!) return;
  let k = sorted.length;
  sorted.push(value);
  while (k > 0 && sorted[k - 1]! > value) {
    sorted[k] = sorted[k - 1]!;
    k--;
  }
  sorted[k] = value;
  if (sorted.length > cap) sorted.pop();
}
