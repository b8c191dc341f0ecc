import type { CompiledProblem, OptionIndices } from './search-types.js';

/**
 * Options per site that can matter. Option o is dropped when another kept option o' is no worse
 * on the objective and on every budget row, and o' is not used at that site by any earlier
 * proposal. Swapping o for such an o' keeps budgets and objective, and never lowers the Hamming
 * distance to an earlier proposal (that proposal has o or something else there, never o'), so
 * some optimum of every top-k step avoids dropped options. Dominated options that an earlier
 * proposal's neighbourhood needs stay in.
 */
export function undominatedOptions(problem: CompiledProblem, priors: readonly OptionIndices[]): number[][] {
  return siteOrders(problem).map(({ vectors, byLex }, i) => {
    const used = new Set(priors.map((p) => p[i]!));
    const kept: number[] = [];
    for (const o of byLex) {
      const dominated = kept.some((k) => !used.has(k) && dominates(vectors[k]!, vectors[o]!));
      if (!dominated) kept.push(o);
    }
    return kept.sort((a, b) => a - b);
  });
}

interface SiteOrder {
  /** Per option: its objective cost, then its coefficient in every budget row. */
  readonly vectors: readonly (readonly number[])[];
  /** The options in lexicographic order of their vectors. */
  readonly byLex: readonly number[];
}

// The vectors and their order do not depend on the priors: built once per problem, not per top-k step.
const orders = new WeakMap<CompiledProblem, readonly SiteOrder[]>();

function siteOrders(problem: CompiledProblem): readonly SiteOrder[] {
  let cached = orders.get(problem);
  if (!cached) {
    cached = problem.cost.map((costRow, i) => {
      const vectors = costRow.map((c, o) => [c, ...problem.constraints.map((row) => row.coef[i]![o]!)]);
      return { vectors, byLex: costRow.map((_, o) => o).sort((a, b) => compareLex(vectors[a]!, vectors[b]!) || a - b) };
    });
    orders.set(problem, cached);
  }
  return cached;
}

function dominates(a: readonly number[], b: readonly number[]): boolean {
  return a.every((x, j) => x <= b[j]!);
}

function compareLex(a: readonly number[], b: readonly number[]): number {
  for (let j = 0; j < a.length; j++) if (a[j]! !== b[j]!) return a[j]! - b[j]!;
  return 0;
}
