import type { SearchRequest } from './search-request.js';
import { compileProblem, findMetric } from './search-problem.js';
import type { SearchResult } from './search-result.js';
import { buildResult, isFeasible } from './search-result.js';
import { isLocked, optionOf, referenceChoice } from './heuristics.js';

export interface LzcmOptions {
  /** Activations a site may switch to (default ReLU, as LZCM1); e.g. ['hardswish'] for LZCM2. */
  readonly targets?: readonly string[];
}

/**
 * Local Zero-Cost Maxima (paper 3.3.1): from the reference model, keep each single swap that
 * improves the accuracy estimate (accuracy delta > 0), taking the best target per site. Budgets
 * are not used to choose; the proposal reports whether it meets them.
 */
export function solveLzcm(request: SearchRequest, options: LzcmOptions = {}): SearchResult {
  const started = performance.now();
  const problem = compileProblem(request);
  const accuracy = problem.metrics[findMetric(request.tables, { metric: 'accuracy' })]!;
  const targets = options.targets ?? ['relu'];
  const choice = referenceChoice(problem);
  problem.sites.forEach((_, i) => {
    if (isLocked(problem, i)) return;
    let bestGain = 0;
    for (const t of targets) {
      const o = optionOf(problem, i, t);
      if (o >= 0 && accuracy.delta[i]![o]! > bestGain) {
        bestGain = accuracy.delta[i]![o]!;
        choice[i] = o;
      }
    }
  });
  return buildResult(problem, {
    strategy: 'lzcm',
    status: 'feasible',
    choices: [choice],
    stats: { timeMs: performance.now() - started, solves: 1, nodes: problem.sites.length, prunedOptions: 0 },
    notes: isFeasible(problem, choice) ? [] : ['LZCM ignores budgets and its proposal violates at least one'],
  });
}
