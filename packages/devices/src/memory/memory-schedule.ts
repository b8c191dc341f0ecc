import type { ActivationKind } from '@actnas/core';
import type { TensorLifetime } from './arena-planner.js';
import { alignUp, TFLITE_ALIGNMENT } from './arena-planner.js';
import type { FusionRules } from './fusion-rules.js';
import { activationOpCount } from './fusion-rules.js';

/** One operator of the model, in execution order. */
export interface MemoryOp {
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /**
   * Set when this op is the convolution in front of an activation site: its single output is
   * then the *activated* tensor, and the site's activation decides the buffers in between.
   */
  readonly site?: string;
}

/** A model as the memory planner sees it: tensors with byte sizes and ops in execution order. */
export interface MemoryGraph {
  readonly tensorBytes: Readonly<Record<string, number>>;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly ops: readonly MemoryOp[];
  readonly weightsBytes: number;
}

/** Activation at each site; sites not listed keep `reference`. */
export interface MemoryAssignment {
  readonly reference: ActivationKind;
  readonly sites: Readonly<Record<string, ActivationKind>>;
}

/**
 * The step axis shared by every assignment: each site gets as many activation steps as its most
 * expensive candidate needs, so live-set rows of different assignments line up.
 */
export interface StepAxis {
  readonly convStep: ReadonlyMap<string, number>;
  readonly slots: ReadonlyMap<string, number>;
  readonly opStep: readonly number[];
  readonly steps: number;
}

export function stepAxis(graph: MemoryGraph, rules: FusionRules, candidates: readonly ActivationKind[]): StepAxis {
  const maxOps = Math.max(0, ...candidates.map((k) => activationOpCount(rules, k)));
  const convStep = new Map<string, number>();
  const slots = new Map<string, number>();
  const opStep: number[] = [];
  let step = 0;
  for (const op of graph.ops) {
    opStep.push(step);
    if (op.site) {
      convStep.set(op.site, step);
      slots.set(op.site, maxOps);
      step += maxOps;
    }
    step += 1;
  }
  return { convStep, slots, opStep, steps: step };
}

/** Lifetimes of the tensors that do not depend on any site's activation. */
function commonLifetimes(graph: MemoryGraph, axis: StepAxis): TensorLifetime[] {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  for (const t of graph.inputs) first.set(t, 0);
  graph.ops.forEach((op, i) => {
    const s = axis.opStep[i]!;
    const done = s + (op.site ? axis.slots.get(op.site)! : 0);
    for (const t of op.inputs) if (t in graph.tensorBytes) last.set(t, Math.max(last.get(t) ?? 0, s));
    for (const t of op.outputs) first.set(t, done);
  });
  for (const t of graph.outputs) last.set(t, axis.steps - 1);
  return [...first].map(([id, f]) => ({ id, bytes: graph.tensorBytes[id] ?? 0, first: f, last: Math.max(f, last.get(id) ?? f) }));
}

/** Lifetimes that a site's activation choice adds: pre-activation, intermediates, early output. */
export function siteLifetimes(op: MemoryOp, kind: ActivationKind, rules: FusionRules, axis: StepAxis, graph: MemoryGraph): TensorLifetime[] {
  const site = op.site!;
  const c = axis.convStep.get(site)!;
  const slots = axis.slots.get(site)!;
  const out = op.outputs[0]!;
  const bytes = graph.tensorBytes[out] ?? 0;
  const n = activationOpCount(rules, kind);
  const extra: TensorLifetime[] = [];
  if (n > 0) extra.push({ id: `${out}#preact`, bytes, first: c, last: c + n });
  for (let j = 1; j < n; j++) extra.push({ id: `${out}#t${j}`, bytes, first: c + j, last: c + j + 1 });
  if (c + n < c + slots) extra.push({ id: `${out}#early`, bytes, first: c + n, last: c + slots - 1 });
  return extra;
}

/** Every tensor lifetime of the model under one assignment (the output of a site split in two). */
export function lifetimes(graph: MemoryGraph, assignment: MemoryAssignment, rules: FusionRules, axis: StepAxis): TensorLifetime[] {
  const common = commonLifetimes(graph, axis);
  const extras = graph.ops.filter((op) => op.site).flatMap((op) => siteLifetimes(op, assignment.sites[op.site!] ?? assignment.reference, rules, axis, graph));
  return mergeSplitOutputs([...common, ...extras]);
}

/** `x#early` and `x` are one buffer in the arena: merge them back for placement. */
function mergeSplitOutputs(ts: readonly TensorLifetime[]): TensorLifetime[] {
  const byId = new Map(ts.map((t) => [t.id, t]));
  const out: TensorLifetime[] = [];
  for (const t of ts) {
    if (t.id.endsWith('#early')) continue;
    const early = byId.get(`${t.id}#early`);
    out.push(early ? { ...t, first: early.first } : t);
  }
  return out;
}

export function alignedBytes(bytes: number): number {
  return alignUp(bytes, TFLITE_ALIGNMENT);
}
