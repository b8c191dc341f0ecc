/**
 * Just enough shape inference for CNN graphs to give activation sites their feature-map shape
 * when the file carries no value_info: Conv, pooling, elementwise ops, Concat, Split, Resize.
 * Unknown ops leave their outputs unknown; declared value_info always wins.
 */
import type { OnnxGraphIndex } from './onnx-graph-index.js';
import type { OnnxNode } from './onnx-proto.js';
import { attributeInt, attributeInts, attributeString, getAttribute, tensorDims, valueInfoShape } from './onnx-proto.js';

/** A dimension: a number, a symbolic name (`batch`), or undefined when unknown. */
export type Dim = number | string | undefined;
export type Shape = readonly Dim[];

type Infer = (node: OnnxNode, ins: readonly (Shape | undefined)[], g: OnnxGraphIndex) => readonly (Shape | undefined)[];

const SAME_SHAPE_OPS = [
  'Sigmoid', 'Relu', 'LeakyRelu', 'HardSwish', 'HardSigmoid', 'Clip', 'Tanh', 'Softplus', 'Gelu', 'Mish', 'Identity',
  'BatchNormalization', 'Dropout', 'Erf', 'Neg', 'Exp', 'Cast', 'Elu', 'Selu', 'Softmax', 'Sqrt', 'Abs',
];
const BROADCAST_OPS = ['Add', 'Mul', 'Sub', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'PRelu'];

/** Shapes of every tensor it can work out. */
export function inferShapes(g: OnnxGraphIndex): ReadonlyMap<string, Shape> {
  const shapes = new Map<string, Shape>();
  const declared = new Map<string, Shape>();
  for (const v of [...(g.graph.input ?? []), ...(g.graph.valueInfo ?? []), ...(g.graph.output ?? [])]) {
    const shape = valueInfoShape(v);
    if (shape) declared.set(v.name ?? '', shape);
  }
  for (const t of g.graph.initializer ?? []) shapes.set(t.name ?? '', tensorDims(t));
  for (const [name, shape] of declared) shapes.set(name, shape);
  for (const node of g.nodes) {
    const ins = (node.input ?? []).map((name) => (name ? shapes.get(name) : undefined));
    const infer = INFER[node.opType ?? ''];
    const outs = infer && (!node.domain || node.domain === 'ai.onnx') ? infer(node, ins, g) : [];
    (node.output ?? []).forEach((name, k) => {
      const shape = declared.get(name) ?? outs[k];
      if (name && shape) shapes.set(name, shape);
    });
  }
  return shapes;
}

const floorDiv = (a: number, b: number): number => Math.floor(a / b);

/** Output spatial size of a sliding window (Conv, pooling). */
function windowed(node: OnnxNode, input: Shape, kernel: readonly number[], withCeil: boolean): Dim[] {
  const spatial = input.length - 2;
  const strides = attributeInts(node, 'strides') ?? Array<number>(spatial).fill(1);
  const dilations = attributeInts(node, 'dilations') ?? Array<number>(spatial).fill(1);
  const pads = attributeInts(node, 'pads') ?? Array<number>(spatial * 2).fill(0);
  const autoPad = attributeString(node, 'auto_pad') ?? 'NOTSET';
  const ceil = withCeil && attributeInt(node, 'ceil_mode', 0) === 1;
  return Array.from({ length: spatial }, (_, i) => {
    const size = input[i + 2];
    const stride = strides[i] ?? 1;
    if (typeof size !== 'number') return undefined;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(size / stride);
    const extent = (dilations[i] ?? 1) * ((kernel[i] ?? 1) - 1) + 1;
    const padded = autoPad === 'VALID' ? size : size + (pads[i] ?? 0) + (pads[i + spatial] ?? 0);
    return (ceil ? Math.ceil((padded - extent) / stride) : floorDiv(padded - extent, stride)) + 1;
  });
}

const conv: Infer = (node, [x, w]) => {
  if (!x || !w) return [];
  const kernel = attributeInts(node, 'kernel_shape') ?? w.slice(2).map((d) => (typeof d === 'number' ? d : 1));
  return [[x[0], w[0], ...windowed(node, x, kernel, false)]];
};

const pool: Infer = (node, [x]) => {
  if (!x) return [];
  const kernel = attributeInts(node, 'kernel_shape') ?? [];
  return [[x[0], x[1], ...windowed(node, x, kernel, true)]];
};

const globalPool: Infer = (_node, [x]) => (x ? [[x[0], x[1], ...x.slice(2).map(() => 1)]] : []);

function broadcast(shapes: readonly (Shape | undefined)[]): Shape | undefined {
  if (shapes.some((s) => !s)) return undefined;
  const rank = Math.max(...shapes.map((s) => s!.length));
  return Array.from({ length: rank }, (_, i) => {
    const dims = shapes.map((s) => s![s!.length - rank + i] ?? 1).filter((d) => d !== 1);
    return dims.length === 0 ? 1 : dims[0];
  });
}

function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

const concat: Infer = (node, ins) => {
  const first = ins[0];
  if (!first || ins.some((s) => !s)) return [];
  const axis = normalizeAxis(attributeInt(node, 'axis', 0), first.length);
  const along = ins.map((s) => s![axis]);
  const total = along.every((d) => typeof d === 'number') ? (along as number[]).reduce((a, b) => a + b, 0) : undefined;
  return [first.map((d, i) => (i === axis ? total : d))];
};

const split: Infer = (node, [x], g) => {
  if (!x) return [];
  const axis = normalizeAxis(attributeInt(node, 'axis', 0), x.length);
  const outputs = (node.output ?? []).length;
  const fromInput = node.input?.[1] ? g.constantValues(node.input[1]) : undefined;
  const size = x[axis];
  const equal = typeof size === 'number' ? Array<number>(outputs).fill(size / outputs) : undefined;
  const sizes = fromInput ?? attributeInts(node, 'split') ?? equal;
  return Array.from({ length: outputs }, (_, k) => x.map((d, i) => (i === axis ? sizes?.[k] : d)));
};

function scaled(x: Shape, scales: readonly number[] | undefined, sizes: readonly number[] | undefined): Shape | undefined {
  if (sizes && sizes.length === x.length) return sizes;
  if (!scales || scales.length !== x.length) return undefined;
  return x.map((d, i) => (typeof d === 'number' ? Math.floor(d * scales[i]!) : scales[i] === 1 ? d : undefined));
}

const constantOf = (g: OnnxGraphIndex, name: string | undefined): readonly number[] | undefined =>
  name ? g.constantValues(name) : undefined;

const resize: Infer = (node, [x], g) => {
  if (!x) return [];
  const inputs = node.input ?? [];
  const out = inputs.length >= 3
    ? scaled(x, constantOf(g, inputs[2]), constantOf(g, inputs[3]))
    : scaled(x, constantOf(g, inputs[1]), undefined);
  return [out];
};

const upsample: Infer = (node, [x], g) => {
  if (!x) return [];
  const scales = constantOf(g, node.input?.[1]) ?? getAttribute(node, 'scales')?.floats ?? undefined;
  return [scaled(x, scales, undefined)];
};

const same: Infer = (_node, [x]) => [x];
const elementwise: Infer = (_node, ins) => [broadcast(ins)];

const INFER: Readonly<Record<string, Infer>> = {
  ...Object.fromEntries(SAME_SHAPE_OPS.map((op) => [op, same])),
  ...Object.fromEntries(BROADCAST_OPS.map((op) => [op, elementwise])),
  Conv: conv,
  MaxPool: pool,
  AveragePool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  Concat: concat,
  Split: split,
  Resize: resize,
  Upsample: upsample,
};
