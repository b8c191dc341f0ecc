import type { SearchRequest } from './search-request.js';
import type { SearchResult, StrategyName } from './search-result.js';
import type { ExactOptions } from './exact.strategy.js';
import { solveExact } from './exact.strategy.js';
import { solveIlp } from './ilp.strategy.js';
import type { RandomOptions } from './random.strategy.js';
import { solveRandom } from './random.strategy.js';
import { solveLzcm } from './lzcm.strategy.js';
import { solveNaive } from './naive.strategy.js';
import type { ParetoOptions } from './pareto.strategy.js';
import { solvePareto } from './pareto.strategy.js';

export interface RunSearchOptions extends ExactOptions, RandomOptions, ParetoOptions {
  readonly strategy: StrategyName;
  /** Naive: number of leading sites to switch. */
  readonly naiveN?: number;
  /** Naive / LZCM: activation(s) to switch to. */
  readonly targets?: readonly string[];
}

export const STRATEGIES: readonly StrategyName[] = ['ilp', 'exact', 'random', 'lzcm', 'naive', 'pareto'];

/** Runs any strategy on a request; every strategy returns the same result type. */
export async function runSearch(request: SearchRequest, options: RunSearchOptions): Promise<SearchResult> {
  switch (options.strategy) {
    case 'ilp':
      return solveIlp(request, options);
    case 'exact':
      return solveExact(request, options);
    case 'random':
      return solveRandom(request, options);
    case 'lzcm':
      return solveLzcm(request, options.targets ? { targets: options.targets } : {});
    case 'naive':
      return solveNaive(request, { ...(options.naiveN === undefined ? {} : { n: options.naiveN }), ...(options.targets?.[0] ? { target: options.targets[0] } : {}) });
    case 'pareto':
      return solvePareto(request, options);
  }
}
