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
  return problem.cost.map((costRow, i) => {
    const vector = (o: number): number[] => [costRow[o]!, ...problem.constraints.map((c) => c.coef[i]![o]!)];
    const used = new Set(priors.map((p) => p[i]!));
    const vectors = costRow.map((_, o) => vector(o));
    const byLex = costRow.map((_, o) => o).sort((a, b) => compareLex(vectors[a]!, vectors[b]!) || a - b);
    const kept: number[] = [];
    for (const o of byLex) {
      const dominated = kept.some((k) => !used.has(k) && dominates(vectors[k]!, vectors[o]!));
      if (!dominated) kept.push(o);
    }
    return kept.sort((a, b) => a - b);
  });
}

function dominates(a: readonly number[], b: readonly number[]): boolean {
  return a.every((x, j) => x <= b[j]!);
}

function compareLex(a: readonly number[], b: readonly number[]): number {
  for (let j = 0; j < a.length; j++) if (a[j]! !== b[j]!) return a[j]! - b[j]!;
  return 0;
}
