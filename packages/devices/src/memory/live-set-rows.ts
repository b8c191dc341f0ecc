import type { ActivationKind } from '@actnas/core';
import type { FusionRules } from './fusion-rules.js';
import type { MemoryGraph, StepAxis } from './memory-schedule.js';
import { alignedBytes, lifetimes, siteLifetimes, stepAxis } from './memory-schedule.js';

/** Bytes live at `step` because `site` runs `activation`. */
export interface LiveSetTerm {
  readonly step: number;
  readonly site: string;
  readonly activation: string;
  readonly bytes: number;
}

/**
 * Peak memory as linear rows: for every step t, base(t) + Σ_sites bytes(t, site, activation of
 * site) is the live set at t, so `≤ budget` for every t bounds the peak exactly.
 */
export interface LiveSetRows {
  readonly alignment: number;
  /** base(t): bytes live at t whatever the assignment. */
  readonly base: readonly number[];
  readonly terms: readonly LiveSetTerm[];
}

export function liveSetRows(graph: MemoryGraph, rules: FusionRules, reference: ActivationKind, candidates: readonly ActivationKind[], axis: StepAxis = stepAxis(graph, rules, candidates)): LiveSetRows {
  // Base = the reference assignment minus every site's own terms.
  const base = new Array<number>(axis.steps).fill(0);
  const refTensors = lifetimes(graph, { reference, sites: {} }, rules, axis);
  for (const t of refTensors) for (let s = t.first; s <= t.last; s++) base[s]! += alignedBytes(t.bytes);
  const terms: LiveSetTerm[] = [];
  for (const op of graph.ops) {
    if (!op.site) continue;
    for (const kind of [reference, ...candidates.filter((k) => k.id !== reference.id)]) {
      const perStep = new Map<number, number>();
      for (const t of siteLifetimes(op, kind, rules, axis, graph)) {
        for (let s = t.first; s <= t.last; s++) perStep.set(s, (perStep.get(s) ?? 0) + alignedBytes(t.bytes));
      }
      if (kind.id === reference.id) for (const [s, b] of perStep) base[s]! -= b;
      for (const [step, bytes] of perStep) terms.push({ step, site: op.site, activation: kind.id, bytes });
    }
  }
  return { alignment: 64, base, terms };
}

/** Peak of the live-set rows for one assignment (what the ILP constraint bounds). */
export function liveSetPeak(rows: LiveSetRows, choice: (site: string) => string): number {
  const live = [...rows.base];
  for (const t of rows.terms) if (choice(t.site) === t.activation) live[t.step]! += t.bytes;
  return Math.max(0, ...live);
}
