export type { Budget, MetricRef, Objective, SearchRequest, TopKOptions, WeightedTerm } from './search-request.js';
export {
  describeBudget,
  describeObjective,
  maxAccuracyDrop,
  maxLatency,
  maxMemory,
  maximize,
  metricLabel,
  metricRef,
  minimize,
  weighted,
} from './search-request.js';
export type { CompiledConstraint, CompiledMetric, CompiledProblem } from './search-problem.js';
export { FEASIBILITY_TOLERANCE, SearchRequestError, compileProblem, withinBudget } from './search-problem.js';
export type {
  Baseline,
  BaselineName,
  BudgetReport,
  MetricTotal,
  OptionIndices,
  Proposal,
  SearchResult,
  SearchStatus,
  SolverStats,
  StrategyName,
  TotalKind,
} from './search-result.js';
export { baselines, choiceFromActivations, hamming, isFeasible, metricTotals, objectiveValue } from './search-result.js';
export type { ExactOptions } from './exact.strategy.js';
export { DEFAULT_NODE_LIMIT, solveExact } from './exact.strategy.js';
export type { IlpOptions } from './ilp.strategy.js';
export { solveIlp, solveIlpWith } from './ilp.strategy.js';
export { loadGlpk } from './glpk.js';
export type { RandomOptions } from './random.strategy.js';
export { solveRandom } from './random.strategy.js';
export type { LzcmOptions } from './lzcm.strategy.js';
export { solveLzcm } from './lzcm.strategy.js';
export type { NaiveOptions } from './naive.strategy.js';
export { solveNaive } from './naive.strategy.js';
export type { ParetoOptions } from './pareto.strategy.js';
export { solvePareto } from './pareto.strategy.js';
export type { RunSearchOptions } from './run-search.js';
export { STRATEGIES, runSearch } from './run-search.js';
export type { LiveSetRows, LiveSetTerm, PeakMemoryBudget } from './live-set.constraint.js';
export { LIVE_SET_LIMITS, compileLiveSetBudget, describePeakMemoryBudget, liveSetPeakBytes, parseLiveSetRows, peakMemoryLabel } from './live-set.constraint.js';
export type { BudgetBreach, JudgedBudget, LoopVerdict, LoopVerified, MeasuredBudgetCheck, MeasuredMetric, MeasuredRankable, MissedBudget, Tightening } from './verification-loop.js';
export { checkMeasuredBudget, loopVerdict, missedBudgets, objectiveFromTotals, rankByMeasured, tightenBudget, tightenBudgets } from './verification-loop.js';
