export type { CompiledProblem } from './search-problem.js';
export type { OptionIndices } from './search-result.js';
