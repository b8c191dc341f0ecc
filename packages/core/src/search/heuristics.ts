import type { CompiledProblem } from './search-problem.js';
import type { OptionIndices } from './search-types.js';

/** Every site at its reference activation (or its lock, or its first option when the reference is not allowed). */
export function referenceChoice(problem: CompiledProblem): number[] {
  return problem.request.space.sites.map((s, i) => Math.max(0, problem.options[i]!.indexOf(s.reference)));
}

export function optionOf(problem: CompiledProblem, site: number, activation: string): number {
  return problem.options[site]!.indexOf(activation);
}

export function isLocked(problem: CompiledProblem, site: number): boolean {
  return problem.request.space.sites[site]!.locked !== undefined;
}

export type { OptionIndices };
