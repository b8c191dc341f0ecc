/**
 * Lookups over one ONNX graph: who produces and who consumes each tensor, and the values of
 * constant tensors (initializers and Constant nodes).
 */
import type { OnnxGraph, OnnxNode, OnnxTensor } from './onnx-proto.js';
import { OnnxDataType, getAttribute, tensorToNumbers, toNumber } from './onnx-proto.js';

export class OnnxGraphIndex {
  readonly nodes: readonly OnnxNode[];
  readonly #producer = new Map<string, number>();
  readonly #consumers = new Map<string, number[]>();
  readonly #initializers = new Map<string, OnnxTensor>();
  readonly #graphOutputs: ReadonlySet<string>;

  constructor(readonly graph: OnnxGraph) {
    this.nodes = graph.node ?? [];
    this.nodes.forEach((node, k) => {
      for (const out of node.output ?? []) if (out) this.#producer.set(out, k);
      for (const input of node.input ?? []) {
        if (!input) continue;
        const list = this.#consumers.get(input);
        if (list) list.push(k);
        else this.#consumers.set(input, [k]);
      }
    });
    for (const t of graph.initializer ?? []) this.#initializers.set(t.name ?? '', t);
    this.#graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  }

  node(index: number): OnnxNode {
    return this.nodes[index]!;
  }

  /** Index of the node producing `tensor`, or undefined for graph inputs and initializers. */
  producer(tensor: string): number | undefined {
    return this.#producer.get(tensor);
  }

  consumers(tensor: string): readonly number[] {
    return this.#consumers.get(tensor) ?? [];
  }

  isGraphOutput(tensor: string): boolean {
    return this.#graphOutputs.has(tensor);
  }

  initializer(name: string): OnnxTensor | undefined {
    return this.#initializers.get(name);
  }

  /** Every tensor name the graph mentions (inputs, outputs, initializers, node ends). */
  tensorNames(): Set<string> {
    const names = new Set<string>([...this.#producer.keys(), ...this.#consumers.keys(), ...this.#initializers.keys()]);
    for (const v of [...(this.graph.input ?? []), ...(this.graph.output ?? [])]) names.add(v.name ?? '');
    return names;
  }

  /** Values of a constant tensor (initializer or Constant node), or undefined when not constant. */
  constantValues(tensor: string): readonly number[] | undefined {
    const init = this.#initializers.get(tensor);
    if (init) return safeNumbers(init);
    const k = this.#producer.get(tensor);
    if (k === undefined) return undefined;
    const node = this.node(k);
    return node.opType === 'Constant' && !node.domain ? constantNodeValues(node) : undefined;
  }
}

function safeNumbers(tensor: OnnxTensor): readonly number[] | undefined {
  if (tensor.dataType === OnnxDataType.STRING) return undefined;
  try {
    return tensorToNumbers(tensor);
  } catch {
    return undefined;
  }
}

function constantNodeValues(node: OnnxNode): readonly number[] | undefined {
  const value = getAttribute(node, 'value');
  if (value?.t) return safeNumbers(value.t);
  const f = getAttribute(node, 'value_float');
  if (f) return [f.f ?? 0];
  const fs = getAttribute(node, 'value_floats');
  if (fs) return fs.floats ?? [];
  const i = getAttribute(node, 'value_int');
  if (i) return [toNumber(i.i)];
  const is = getAttribute(node, 'value_ints');
  if (is) return (is.ints ?? []).map(toNumber);
  return undefined;
}
