import type { CompiledProblem } from './search-problem.js';
import type { OptionIndices } from './search-types.js';
import type { LagrangianBound } from './lagrangian.js';
import { branchAndBound } from './branch-and-bound.js';

/**
 * The exact optimum of one top-k step by branch and bound on growing cores: options whose lower
 * bound is at most U, U starting at `guess`. A core answer at or under U is the global optimum
 * (every option left out has a bound above U); otherwise U grows, up to the whole problem.
 */
export function solveOnCores(
  problem: CompiledProblem,
  kept: readonly (readonly number[])[],
  lag: LagrangianBound,
  bounds: OptionBounds,
  guess: number,
  priors: readonly OptionIndices[],
  d: number,
  nodeLimit: number,
): CoreSolution {
  const ceiling = bounds.ceiling;
  let nodes = 0;
  for (let upper = guess; ; ) {
    const core = kept.map((opts, i) => opts.filter((o) => bounds.perOption[i]![o]! <= upper));
    const slack = 1e-9 * Math.max(1, Math.abs(upper));
    const out = core.some((opts) => opts.length === 0)
      ? { value: Number.POSITIVE_INFINITY, complete: true, nodes: 0, best: undefined }
      : branchAndBound({ problem: { cost: problem.cost, rows: problem.constraints }, kept: core, lambda: lag.lambda, reduced: lag.reduced, priors, diversity: d, nodeLimit: nodeLimit - nodes, ...(upper >= ceiling ? {} : { upperBound: upper + slack }) });
    nodes += out.nodes;
    if (!out.complete) return { nodes, complete: false, ...(out.best ? { best: out.best, value: out.value } : {}) };
    if (out.best) return { nodes, complete: true, best: out.best, value: out.value };
    if (upper >= ceiling) return { nodes, complete: true };
    upper = growThreshold(upper, bounds, smallestPositive(lag, kept));
  }
}

export interface CoreSolution {
  readonly best?: OptionIndices;
  readonly value?: number;
  readonly nodes: number;
  readonly complete: boolean;
}

/**
 * Lower bounds on the cost of any proposal at distance ≥ d from every prior: `floor` overall, and
 * `perOption[site][option]` for proposals using that option. Each needs L + its reduced cost plus,
 * for the tightest prior, the cheapest reduced costs of the disagreements it still has to make.
 */
export interface OptionBounds {
  readonly floor: number;
  /** Largest finite per-option bound: a threshold at or above it keeps every usable option. */
  readonly ceiling: number;
  readonly perOption: readonly (readonly number[])[];
}

export function optionBounds(lag: LagrangianBound, kept: readonly (readonly number[])[], priors: readonly OptionIndices[], d: number): OptionBounds {
  const cheapest = priors.map((p) => cheapestDisagreements(p, kept, lag.reduced, d + 1));
  const extra = (site: number, need: number): number => Math.max(0, ...cheapest.map((list) => sumSmallest(list, site, need)));
  // Per prior and site, the two disagreement costs an option there can still owe: d more when it
  // agrees with the prior at that site, d − 1 when it already differs (computed once, not per option).
  const owedIfSame = cheapest.map((list) => kept.map((_, i) => sumSmallest(list, i, d)));
  const owedIfDifferent = cheapest.map((list) => kept.map((_, i) => sumSmallest(list, i, d - 1)));
  let ceiling = lag.bound;
  const perOption = lag.reduced.map((row, i) => {
    const bounds = new Array<number>(row.length).fill(Number.POSITIVE_INFINITY);
    for (const o of kept[i]!) {
      let owed = 0;
      for (let k = 0; k < priors.length; k++) owed = Math.max(owed, priors[k]![i] === o ? owedIfSame[k]![i]! : owedIfDifferent[k]![i]!);
      const bound = lag.bound + row[o]! + owed;
      bounds[o] = bound;
      if (Number.isFinite(bound)) ceiling = Math.max(ceiling, bound);
    }
    return bounds;
  });
  return { floor: lag.bound + extra(-1, d), ceiling, perOption };
}

/**
 * The `count` sites where disagreeing with `prior` is cheapest, with that cost, cheapest first
 * (ties in site order). Kept sorted while scanning: no array per site, no sort of every site.
 */
function cheapestDisagreements(prior: OptionIndices, kept: readonly (readonly number[])[], reduced: readonly (readonly number[])[], count: number): { site: number; cost: number }[] {
  const best: { site: number; cost: number }[] = [];
  for (let site = 0; site < kept.length; site++) {
    let cost = Number.POSITIVE_INFINITY;
    let any = false;
    for (const o of kept[site]!) {
      if (o === prior[site]) continue;
      any = true;
      cost = Math.min(cost, reduced[site]![o]!);
    }
    if (!any || (best.length === count && !(cost < best[count - 1]!.cost))) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]!.cost > cost) at--;
    best.splice(at, 0, { site, cost });
    if (best.length > count) best.pop();
  }
  return best;
}

function sumSmallest(list: readonly { site: number; cost: number }[], excludedSite: number, need: number): number {
  if (need <= 0) return 0;
  let sum = 0;
  let taken = 0;
  for (const entry of list) {
    if (entry.site === excludedSite) continue;
    sum += entry.cost;
    if (++taken === need) return sum;
  }
  return Number.POSITIVE_INFINITY;
}

/** Next core threshold when a core held no answer: ×4 over the floor, strictly up, capped at the ceiling. */
export function growThreshold(upper: number, bounds: OptionBounds, minStep: number): number {
  const step = Math.max((upper - bounds.floor) * 4, minStep, 1e-9 * Math.max(1, Math.abs(bounds.floor)));
  const next = bounds.floor + step;
  return next > upper ? Math.min(bounds.ceiling, next) : bounds.ceiling;
}

export function smallestPositive(lag: LagrangianBound, kept: readonly (readonly number[])[]): number {
  const positive = lag.reduced.flatMap((row, i) => kept[i]!.map((o) => row[o]!)).filter((r) => r > 0).sort((a, b) => a - b);
  return positive[Math.min(positive.length - 1, Math.floor(positive.length / 20))] ?? 1;
}

