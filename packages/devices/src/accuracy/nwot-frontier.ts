import type { ActivationKind, OnnxModel, OnnxNode, OnnxSite } from '@actnas/core';
import { aiOnnxOpset, createNamer, encodeOnnxModel, lowerActivation } from '@actnas/core';
import { unshapedFloat, withGraph } from './preact-model.js';

/**
 * Cutting a model at a site. Everything computed before the site's activation is the same for
 * every candidate at that site, so a candidate only needs the suffix, fed with the reference's
 * values of the tensors crossing the cut (the frontier).
 */
export interface ModelCut {
  /** Index of the first node of the suffix. */
  readonly at: number;
  /** Tensors produced before the cut (or graph inputs) and consumed after it. */
  readonly frontier: readonly string[];
}

export class ModelCutter {
  readonly #nodes: readonly OnnxNode[];
  readonly #producer = new Map<string, number>();
  readonly #lastUse = new Map<string, number>();
  readonly #constant = new Set<string>();

  constructor(readonly model: OnnxModel) {
    const g = model.graph ?? {};
    this.#nodes = g.node ?? [];
    for (const t of g.initializer ?? []) this.#constant.add(t.name ?? '');
    this.#nodes.forEach((n, i) => {
      for (const o of n.output ?? []) this.#producer.set(o, i);
      for (const x of n.input ?? []) if (x) this.#lastUse.set(x, i);
      if (n.opType === 'Constant') for (const o of n.output ?? []) this.#constant.add(o);
    });
    for (const o of g.output ?? []) this.#lastUse.set(o.name ?? '', this.#nodes.length);
  }

  nodeIndex(name: string): number {
    return this.#nodes.findIndex((n) => n.name === name);
  }

  cut(at: number): ModelCut {
    const frontier = [...this.#lastUse]
      .filter(([t, last]) => last >= at && !this.#constant.has(t) && (this.#producer.get(t) ?? -1) < at)
      .filter(([t]) => this.#producer.has(t) || (this.model.graph?.input ?? []).some((i) => i.name === t))
      .map(([t]) => t);
    return { at, frontier };
  }

  /** Nodes [from, to) as a model: `inputs` fed from outside, `outputs` fetched. */
  segment(from: number, to: number, inputs: readonly string[], outputs: readonly string[]): Uint8Array {
    return encodeOnnxModel(withGraph(this.model, {
      node: [...this.constantsBefore(from), ...this.#nodes.slice(from, to)],
      input: inputs.map(unshapedFloat),
      output: outputs.map(unshapedFloat),
    }));
  }

  #lastUseAfter(n: OnnxNode, from: number): boolean {
    return (n.output ?? []).some((o) => (this.#lastUse.get(o) ?? -1) >= from);
  }

  /** Graph outputs computed at or after `at`. */
  outputsFrom(at: number, candidates: readonly string[]): string[] {
    return candidates.filter((t) => (this.#producer.get(t) ?? -1) >= at);
  }

  /** Constant nodes before `at` whose values the suffix still needs (re-emitted in the suffix). */
  constantsBefore(at: number): OnnxNode[] {
    return this.#nodes.slice(0, at).filter((n) => n.opType === 'Constant' && this.#lastUseAfter(n, at));
  }
}

/**
 * Builds suffix models for the candidates at one site: nodes after the cut (Constants kept), the
 * initializers they use, frontier tensors as inputs, and the site's activation nodes replaced by
 * the candidate's lowering. Prepared once per site; each candidate only re-encodes.
 */
export class SiteSuffix {
  readonly #nodes: readonly OnnxNode[];
  readonly #model: OnnxModel;
  readonly #taken: { readonly nodes: ReadonlySet<string>; readonly tensors: ReadonlySet<string> };

  constructor(cutter: ModelCutter, readonly site: OnnxSite, readonly cut: ModelCut, readonly outputs: readonly string[]) {
    const model = cutter.model;
    const all = model.graph?.node ?? [];
    this.#nodes = [...cutter.constantsBefore(cut.at), ...all.slice(cut.at)];
    const used = new Set(this.#nodes.flatMap((n) => n.input ?? []));
    this.#model = withGraph(model, {
      initializer: (model.graph?.initializer ?? []).filter((t) => used.has(t.name ?? '')),
      input: cut.frontier.map(unshapedFloat),
      output: outputs.map(unshapedFloat),
      valueInfo: [],
    });
    this.#taken = {
      nodes: new Set(all.map((n) => n.name ?? '')),
      tensors: new Set(all.flatMap((n) => [...(n.input ?? []), ...(n.output ?? [])])),
    };
  }

  model(kind: ActivationKind): Uint8Array {
    const siteNodes = new Set(this.site.nodes);
    const first = this.#nodes.findIndex((n) => siteNodes.has(n.name ?? ''));
    const namer = createNamer(this.#taken.nodes, this.#taken.tensors, siteNodes);
    const lowered = lowerActivation(kind, { opset: aiOnnxOpset(this.#model) ?? 17, scope: this.site.scope, input: this.site.preactTensor, output: this.site.outputTensor, namer });
    const kept = this.#nodes.filter((n) => !siteNodes.has(n.name ?? ''));
    const keptBefore = this.#nodes.slice(0, first).filter((n) => !siteNodes.has(n.name ?? '')).length;
    const node = [...kept.slice(0, keptBefore), ...lowered, ...kept.slice(keptBefore)];
    return encodeOnnxModel(withGraph(this.#model, { node, initializer: this.#model.graph?.initializer, input: this.#model.graph?.input, output: this.#model.graph?.output, valueInfo: [] }));
  }
}
