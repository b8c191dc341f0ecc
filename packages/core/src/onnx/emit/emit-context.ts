import type { OnnxAttribute, OnnxNode, OnnxTensor } from '../onnx-proto.js';
import { float32Tensor, int64Tensor } from '../onnx-proto.js';
import type { OnnxNamer } from '../onnx-lowering.js';
import { createNamer } from '../onnx-lowering.js';

/**
 * Nodes and initializers of the model being emitted, with torch.onnx.export-style names:
 * node `/model.2/cv1/conv/Conv`, output `/model.2/cv1/conv/Conv_output_0`, repeats `_1`, `_2`.
 */
export class EmitContext {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  readonly namer: OnnxNamer = createNamer(new Set(), new Set());
  readonly #tensors = new Map<number, string>();
  readonly #constants = new Map<string, string>();

  constructor(readonly opset: number) {}

  /** The ONNX name of an IR tensor. */
  tensor(id: number): string {
    const name = this.#tensors.get(id);
    if (name === undefined) throw new Error(`internal: IR tensor ${id} used before it was emitted`);
    return name;
  }

  bind(id: number, name: string): void {
    this.#tensors.set(id, name);
  }

  /** Adds `/<scope>/<opType>` and returns its output names. */
  node(scope: readonly string[], opType: string, inputs: readonly string[], attribute: readonly OnnxAttribute[] = [], outputs = 1): string[] {
    const name = this.namer.nodeName(`/${scope.join('/')}/${opType}`);
    const output = Array.from({ length: outputs }, (_, k) => this.namer.tensorName(`${name}_output_${k}`));
    this.nodes.push({ name, opType, input: [...inputs], output, ...(attribute.length > 0 ? { attribute: [...attribute] } : {}) });
    return output;
  }

  initializer(name: string, dims: readonly number[], data: Float32Array): string {
    this.initializers.push(float32Tensor(name, dims, data));
    return name;
  }

  /** A shared int64 constant initializer (shapes, split sizes, axes), deduplicated by value. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `${dims.join('x')}:${values.join(',')}`;
    const known = this.#constants.get(key);
    if (known) return known;
    const name = this.namer.tensorName(`onnx::Const_${this.#constants.size}`);
    this.initializers.push(int64Tensor(name, dims, values));
    this.#constants.set(key, name);
    return name;
  }

  float32(name: string, dims: readonly number[], values: Float32Array): string {
    return this.initializer(this.namer.tensorName(name), dims, values);
  }
}
