/**
 * Lowering an activation kind to ONNX nodes, opset-aware and named as torch.onnx.export names
 * them (`/model.2/cv1/act/Relu`, output `/model.2/cv1/act/Relu_output_0`). The last node writes
 * the site's output tensor, so consumers stay untouched.
 */
import type { ActivationKind } from '../activations/index.js';
import type { OnnxAttribute, OnnxNode } from './onnx-proto.js';
import { float32Scalar, floatAttribute, stringAttribute, tensorAttribute } from './onnx-proto.js';

/** Hands out node and tensor names not used elsewhere in the model. */
export interface OnnxNamer {
  nodeName(base: string): string;
  tensorName(base: string): string;
}

/**
 * A namer over sets of taken names: `free` are names the replaced nodes give back, `mine` collects
 * the names handed out (share it between namers that write into one model).
 */
export function createNamer(
  takenNodes: ReadonlySet<string>,
  takenTensors: ReadonlySet<string>,
  free: ReadonlySet<string> = new Set(),
  mine: Set<string> = new Set(),
): OnnxNamer {
  const unique = (taken: ReadonlySet<string>, base: string, sep: string): string => {
    const isTaken = (n: string): boolean => mine.has(n) || (taken.has(n) && !free.has(n));
    let name = base;
    for (let k = 1; isTaken(name); k++) name = `${base}${sep}${k}`;
    mine.add(name);
    return name;
  };
  return { nodeName: (base) => unique(takenNodes, base, '_'), tensorName: (base) => unique(takenTensors, base, '_') };
}

export class UnsupportedLoweringError extends Error {
  constructor(
    readonly activation: string,
    readonly opset: number,
  ) {
    super(`cannot lower activation ${activation} to ONNX opset ${opset}`);
    this.name = 'UnsupportedLoweringError';
  }
}

export interface LoweringTarget {
  readonly opset: number;
  /** Scope of the new nodes, e.g. `/model.2/cv1/act`. */
  readonly scope: string;
  readonly input: string;
  readonly output: string;
  readonly namer: OnnxNamer;
}

/** Builds the node chain `op(...)` step by step; the last step writes the target output. */
class Chain {
  readonly nodes: OnnxNode[] = [];
  constructor(private readonly t: LoweringTarget) {}

  add(opType: string, inputs: readonly string[], attribute: readonly OnnxAttribute[] = [], last = false): string {
    const name = this.t.namer.nodeName(`${this.t.scope}/${opType}`);
    const output = last ? this.t.output : this.t.namer.tensorName(`${name}_output_0`);
    this.nodes.push({ name, opType, input: inputs, output: [output], ...(attribute.length > 0 ? { attribute } : {}) });
    return output;
  }

  constant(value: number): string {
    const name = this.t.namer.nodeName(`${this.t.scope}/Constant`);
    const output = this.t.namer.tensorName(`${name}_output_0`);
    this.nodes.push({ name, opType: 'Constant', input: [], output: [output], attribute: [tensorAttribute('value', float32Scalar('', value))] });
    return output;
  }
}

const HARDSWISH_ALPHA = floatAttribute('alpha', 1 / 6);
const HARDSWISH_BETA = floatAttribute('beta', 0.5);

type Lower = (c: Chain, x: string, kind: ActivationKind, opset: number) => void;

const LOWERINGS: Readonly<Record<string, Lower>> = {
  relu: (c, x) => void c.add('Relu', [x], [], true),
  identity: (c, x) => void c.add('Identity', [x], [], true),
  silu: (c, x) => void c.add('Mul', [x, c.add('Sigmoid', [x])], [], true),
  hardswish: (c, x, _k, opset) => {
    if (opset >= 14) c.add('HardSwish', [x], [], true);
    else c.add('Mul', [x, c.add('HardSigmoid', [x], [HARDSWISH_ALPHA, HARDSWISH_BETA])], [], true);
  },
  hardsigmoid: (c, x) => void c.add('HardSigmoid', [x], [HARDSWISH_ALPHA, HARDSWISH_BETA], true),
  relu6: (c, x, _k, opset) => {
    if (opset >= 11) c.add('Clip', [x, c.constant(0), c.constant(6)], [], true);
    else c.add('Clip', [x], [floatAttribute('min', 0), floatAttribute('max', 6)], true);
  },
  leakyrelu: (c, x, kind) => void c.add('LeakyRelu', [x], [floatAttribute('alpha', kind.params['alpha'] ?? 0.01)], true),
  mish: (c, x, _k, opset) => {
    if (opset >= 18) c.add('Mish', [x], [], true);
    else c.add('Mul', [x, c.add('Tanh', [c.add('Softplus', [x])])], [], true);
  },
  gelu: (c, x, _k, opset) => {
    if (opset >= 20) {
      c.add('Gelu', [x], [stringAttribute('approximate', 'none')], true);
      return;
    }
    // x * 0.5 * (1 + erf(x / sqrt 2)), as torch exports GELU before opset 20.
    const erf = c.add('Erf', [c.add('Div', [x, c.constant(Math.SQRT2)])]);
    const gate = c.add('Mul', [x, c.add('Add', [erf, c.constant(1)])]);
    c.add('Mul', [gate, c.constant(0.5)], [], true);
  },
};

/** The nodes computing `kind` from `target.input` into `target.output`, in graph order. */
export function lowerActivation(kind: ActivationKind, target: LoweringTarget): readonly OnnxNode[] {
  const lower = LOWERINGS[kind.family];
  if (!lower || target.opset < 7) throw new UnsupportedLoweringError(kind.id, target.opset);
  const chain = new Chain(target);
  lower(chain, target.input, kind, target.opset);
  return chain.nodes;
}
