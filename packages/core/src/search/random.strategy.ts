import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { SearchRequest, TopKOptions } from './search-request.js';
import { compileProblem } from './search-problem.js';
import type { SearchResult } from './search-result.js';
import { buildResult, hamming, internalCost, isFeasible } from './search-result.js';
import type { OptionIndices } from './search-types.js';
import { checkTopK } from './top-k.js';
import { referenceChoice } from './heuristics.js';

export interface RandomOptions extends TopKOptions {
  readonly seed?: number;
  /** Assignments to sample (default 20 000 unless a time limit is given). */
  readonly samples?: number;
  /** Stop after this many milliseconds (checked every 256 samples). */
  readonly timeLimitMs?: number;
}

const POOL_FACTOR = 30;

/**
 * The paper's random search, seeded: each sample changes a uniformly drawn number of uniformly
 * drawn sites to uniformly drawn allowed candidates; feasible samples compete on the objective.
 * Top-k picks the best samples greedily under the distance rule.
 */
export function solveRandom(request: SearchRequest, options: RandomOptions = {}): SearchResult {
  const started = performance.now();
  const problem = compileProblem(request);
  const k = options.k ?? 1;
  const d = options.diversity ?? 1;
  checkTopK(k, d);
  const rng = xoroshiro128plus(options.seed ?? 1);
  const limit = options.samples ?? (options.timeLimitMs === undefined ? 20_000 : Number.POSITIVE_INFINITY);
  const base = referenceChoice(problem);
  const n = problem.sites.length;
  const pool: { cost: number; choice: OptionIndices; key: string }[] = [];
  let samples = 0;
  for (; samples < limit; samples++) {
    if (options.timeLimitMs !== undefined && samples % 256 === 0 && performance.now() - started > options.timeLimitMs) break;
    const choice = [...base];
    const changes = uniformInt(rng, 0, n);
    for (let c = 0; c < changes; c++) {
      const site = uniformInt(rng, 0, n - 1);
      choice[site] = uniformInt(rng, 0, problem.options[site]!.length - 1);
    }
    if (!isFeasible(problem, choice)) continue;
    addToPool(pool, { cost: internalCost(problem, choice), choice, key: choice.join(',') }, k * POOL_FACTOR);
  }
  const choices: OptionIndices[] = [];
  for (const entry of pool) {
    if (choices.length === k) break;
    if (choices.every((c) => hamming(c, entry.choice) >= d)) choices.push(entry.choice);
  }
  return buildResult(problem, {
    strategy: 'random',
    status: choices.length > 0 ? 'feasible' : 'limit',
    choices,
    stats: { timeMs: performance.now() - started, solves: 1, nodes: samples, prunedOptions: 0 },
    notes: choices.length > 0 ? [] : [`no feasible assignment among ${samples} samples`],
  });
}

function addToPool(pool: { cost: number; key: string }[], entry: { cost: number; choice: OptionIndices; key: string }, cap: number): void {
  if (pool.length === cap && entry.cost >= pool[cap - 1]!.cost) return;
  if (pool.some((p) => p.key === entry.key)) return;
  let i = pool.length;
  pool.push(entry);
  while (i > 0 && pool[i - 1]!.cost > entry.cost) {
    pool[i] = pool[i - 1]!;
    i--;
  }
  pool[i] = entry;
  if (pool.length > cap) pool.pop();
}
