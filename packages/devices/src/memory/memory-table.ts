import type { ActivationKind } from '@actnas/core';
import { planArena, peakLiveBytes } from './arena-planner.js';
import type { FusionRules } from './fusion-rules.js';
import type { MemoryAssignment, MemoryGraph, StepAxis } from './memory-schedule.js';
import { lifetimes, stepAxis } from './memory-schedule.js';

export interface MemoryEstimate {
  readonly arenaBytes: number;
  readonly peakLiveBytes: number;
  readonly weightsBytes: number;
}

export function estimateMemory(graph: MemoryGraph, assignment: MemoryAssignment, rules: FusionRules, axis?: StepAxis): MemoryEstimate {
  const ax = axis ?? stepAxis(graph, rules, [assignment.reference, ...Object.values(assignment.sites)]);
  const ts = lifetimes(graph, assignment, rules, ax);
  return { arenaBytes: planArena(ts).arenaBytes, peakLiveBytes: peakLiveBytes(ts), weightsBytes: graph.weightsBytes };
}

export interface MemoryCell {
  readonly site: string;
  readonly activation: string;
  /** Arena peak of the reference model, KB. */
  readonly reference: number;
  /** Arena peak of the single swap minus the reference, KB. */
  readonly delta: number;
}

export interface MemoryTable {
  readonly cells: readonly MemoryCell[];
  readonly reference: MemoryEstimate;
}

const KB = 1024;

/** Peak arena RAM of every single-swap candidate against the reference. */
export function memoryTable(graph: MemoryGraph, rules: FusionRules, reference: ActivationKind, candidates: readonly ActivationKind[]): MemoryTable {
  const axis = stepAxis(graph, rules, [reference, ...candidates]);
  const ref = estimateMemory(graph, { reference, sites: {} }, rules, axis);
  const cells: MemoryCell[] = [];
  for (const op of graph.ops) {
    if (!op.site) continue;
    for (const kind of candidates) {
      const est = kind.id === reference.id ? ref : estimateMemory(graph, { reference, sites: { [op.site]: kind } }, rules, axis);
      cells.push({ site: op.site, activation: kind.id, reference: ref.arenaBytes / KB, delta: (est.arenaBytes - ref.arenaBytes) / KB });
    }
  }
  return { cells, reference: ref };
}
