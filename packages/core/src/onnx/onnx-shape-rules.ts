/**
 * Per-op shape rules: output shapes, element types and, for small integer tensors, values
 * (shape arithmetic), following the ONNX operator specs for opsets 7–26.
 */
import type { OnnxNode } from './onnx-proto.js';
import { OnnxDataType, attributeInt, attributeInts, attributeString, getAttribute, toNumber } from './onnx-proto.js';
import type { Dim, Shape } from './onnx-symbolic-dim.js';
import { addDim, divDim, isComplete, isKnown, mulDim, productOf, sameDim, subDim } from './onnx-symbolic-dim.js';
import type { TensorFacts } from './onnx-tensor-facts.js';
import { MAX_TRACKED_VALUES, isIntegerType, tensorFacts } from './onnx-tensor-facts.js';

/** Facts of a node's outputs from the facts of its inputs (missing inputs are `{}`). */
export type InferRule = (node: OnnxNode, ins: readonly TensorFacts[], opset: number) => readonly TensorFacts[];

const { INT64, BOOL, FLOAT } = OnnxDataType;

/* ---------------------------------------------------------------- helpers */

function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Numeric values of a tensor, or undefined when unknown or symbolic. */
function numbers(f: TensorFacts | undefined): number[] | undefined {
  const v = f?.value;
  return v && v.every((d): d is number => typeof d === 'number') ? [...v] : undefined;
}

/** Integer list from an attribute, else from an input's values (how ops moved arguments to inputs). */
function intsArg(node: OnnxNode, attribute: string, input: TensorFacts | undefined): number[] | undefined {
  return attributeInts(node, attribute)?.slice() ?? numbers(input);
}

const hasInput = (node: OnnxNode, k: number): boolean => Boolean(node.input?.[k]);

function withValue(f: TensorFacts, value: readonly Dim[] | undefined): TensorFacts {
  return value && value.length <= MAX_TRACKED_VALUES ? { ...f, value } : f;
}

/** Broadcast dims of one axis: the non-1 dim when there is one, unknown when two disagree. */
function broadcastDim(dims: readonly Dim[]): Dim {
  const big = dims.filter((d) => d !== 1);
  if (big.length === 0) return 1;
  const numbersOver1 = big.filter((d): d is number => typeof d === 'number');
  if (numbersOver1.length > 0) return numbersOver1.every((d) => d === numbersOver1[0]) ? numbersOver1[0] : undefined;
  const known = big.filter(isKnown);
  if (known.length === 0) return undefined;
  return known.every((d) => sameDim(d, known[0])) ? known[0] : undefined;
}

export function broadcastShapes(shapes: readonly (Shape | undefined)[]): Shape | undefined {
  if (shapes.some((s) => !s)) return undefined;
  const rank = Math.max(0, ...shapes.map((s) => s!.length));
  return Array.from({ length: rank }, (_, i) => broadcastDim(shapes.map((s) => (i - (rank - s!.length) >= 0 ? s![i - (rank - s!.length)] : 1))));
}

/** Row-major strides of a numeric shape. */
function strides(shape: readonly number[]): number[] {
  const out = Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
}

/** Elementwise op over broadcast inputs whose values are known. */
function broadcastValues(out: Shape | undefined, ins: readonly TensorFacts[], fn: (args: readonly Dim[]) => Dim): Dim[] | undefined {
  if (!isComplete(out) || !out.every((d): d is number => typeof d === 'number')) return undefined;
  if (ins.some((f) => !f.value || !isComplete(f.shape) || !f.shape.every((d) => typeof d === 'number'))) return undefined;
  const count = out.reduce((a, b) => a * b, 1);
  if (count > MAX_TRACKED_VALUES) return undefined;
  const outStrides = strides(out);
  const views = ins.map((f) => {
    const shape = f.shape as number[];
    const padded = [...Array<number>(out.length - shape.length).fill(1), ...shape];
    return { value: f.value!, padded, strides: strides(padded) };
  });
  return Array.from({ length: count }, (_, flat) => {
    const args = views.map((v) => {
      let offset = 0;
      for (let i = 0; i < out.length; i++) {
        const coord = Math.floor(flat / outStrides[i]!) % out[i]!;
        offset += (v.padded[i] === 1 ? 0 : coord) * v.strides[i]!;
      }
      return v.value[offset];
    });
    return fn(args);
  });
}

/**
 * Values of an output whose element at coordinates `out` is the input's element at `source(out)`,
 * for small tensors of numeric shape (Slice, Transpose on shape tensors).
 */
function remapValues(input: TensorFacts, outShape: Shape, source: (coords: readonly number[]) => readonly number[]): Dim[] | undefined {
  const inShape = input.shape;
  const value = input.value;
  if (!value || !inShape || !inShape.every((d): d is number => typeof d === 'number') || !outShape.every((d): d is number => typeof d === 'number')) return undefined;
  const count = outShape.reduce((a, b) => a * b, 1);
  if (count > MAX_TRACKED_VALUES) return undefined;
  const outStrides = strides(outShape);
  const inStrides = strides(inShape);
  return Array.from({ length: count }, (_, flat) => {
    const coords = outShape.map((d, i) => Math.floor(flat / outStrides[i]!) % d);
    return value[source(coords).reduce((offset, c, i) => offset + c * inStrides[i]!, 0)];
  });
}

const numeric = (f: (...xs: number[]) => number) => (args: readonly Dim[]): Dim =>
  args.every((a): a is number => typeof a === 'number') ? f(...args) : undefined;

/* ---------------------------------------------------------------- elementwise */

const same: InferRule = (_n, [x]) => [{ ...(x?.shape ? { shape: x.shape } : {}), ...(x?.elem ? { elem: x.elem } : {}) }];

/** Same shape, values mapped by `fn` when known. */
const unaryValue = (fn: (d: Dim, elem: number | undefined) => Dim): InferRule => (node, ins, opset) => {
  const [out] = same(node, ins, opset);
  const v = ins[0]?.value;
  return [withValue(out!, v?.map((d) => fn(d, ins[0]?.elem)))];
};

const cast: InferRule = (node, [x]) => {
  const to = attributeInt(node, 'to', FLOAT);
  const value = x?.value?.map((d) => (typeof d === 'number' && isIntegerType(to) ? (to === BOOL ? Number(d !== 0) : Math.trunc(d)) : d));
  return [withValue({ ...(x?.shape ? { shape: x.shape } : {}), elem: to }, value)];
};

const binaryOps: Readonly<Record<string, (a: Dim, b: Dim, integer: boolean, node: OnnxNode) => Dim>> = {
  Add: (a, b) => addDim(a, b),
  Sub: (a, b) => subDim(a, b),
  Mul: (a, b) => mulDim(a, b),
  Div: (a, b, integer) => divDim(a, b, integer),
  Pow: (a, b) => numeric((x, y) => x ** y)([a, b]),
  Mod: (a, b, _i, node) =>
    numeric((x, y) => (attributeInt(node, 'fmod', 0) === 1 ? x % y : ((x % y) + y) % y))([a, b]),
  Max: (a, b) => (sameDim(a, b) ? a : numeric(Math.max)([a, b])),
  Min: (a, b) => (sameDim(a, b) ? a : numeric(Math.min)([a, b])),
  Equal: (a, b) => (sameDim(a, b) ? 1 : numeric((x, y) => Number(x === y))([a, b])),
  Less: (a, b) => numeric((x, y) => Number(x < y))([a, b]),
  LessOrEqual: (a, b) => numeric((x, y) => Number(x <= y))([a, b]),
  Greater: (a, b) => numeric((x, y) => Number(x > y))([a, b]),
  GreaterOrEqual: (a, b) => numeric((x, y) => Number(x >= y))([a, b]),
  And: (a, b) => numeric((x, y) => Number(x !== 0 && y !== 0))([a, b]),
  Or: (a, b) => numeric((x, y) => Number(x !== 0 || y !== 0))([a, b]),
  Xor: (a, b) => numeric((x, y) => Number((x !== 0) !== (y !== 0)))([a, b]),
};

const BOOLEAN_RESULT = new Set(['Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor']);

function binary(op: string): InferRule {
  const fn = binaryOps[op]!;
  return (node, ins) => {
    const shape = broadcastShapes(ins.map((f) => f.shape));
    const elem = BOOLEAN_RESULT.has(op) ? BOOL : ins[0]?.elem;
    const integer = isIntegerType(ins[0]?.elem);
    const value = broadcastValues(shape, ins.slice(0, 2), ([a, b]) => fn(a, b, integer, node));
    return [withValue({ ...(shape ? { shape } : {}), ...(elem ? { elem } : {}) }, value)];
  };
}

/** Variadic broadcast ops (Sum, Mean, Max, Min with more than two inputs) and PRelu: shape only. */
const broadcastOnly: InferRule = (_n, ins) => {
  const shape = broadcastShapes(ins.map((f) => f.shape));
  return [{ ...(shape ? { shape } : {}), ...(ins[0]?.elem ? { elem: ins[0].elem } : {}) }];
};

const where: InferRule = (_n, ins) => {
  const shape = broadcastShapes(ins.map((f) => f.shape));
  const value = broadcastValues(shape, ins.slice(0, 3), ([c, x, y]) => (typeof c === 'number' ? (c !== 0 ? x : y) : undefined));
  return [withValue({ ...(shape ? { shape } : {}), ...(ins[1]?.elem ? { elem: ins[1].elem } : {}) }, value)];
};

/* ---------------------------------------------------------------- convolution and pooling */

/** Output spatial size of a sliding window (Conv, pooling). */
function windowed(node: OnnxNode, input: Shape, kernel: readonly number[], withCeil: boolean): Dim[] {
  const spatial = input.length - 2;
  const strideList = attributeInts(node, 'strides') ?? Array<number>(spatial).fill(1);
  const dilations = attributeInts(node, 'dilations') ?? Array<number>(spatial).fill(1);
  const pads = attributeInts(node, 'pads') ?? Array<number>(spatial * 2).fill(0);
  const autoPad = attributeString(node, 'auto_pad') ?? 'NOTSET';
  const ceil = withCeil && attributeInt(node, 'ceil_mode', 0) === 1;
  return Array.from({ length: spatial }, (_, i) => {
    const size = input[i + 2];
    const stride = strideList[i] ?? 1;
    if (typeof size !== 'number') return undefined;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(size / stride);
    const extent = (dilations[i] ?? 1) * ((kernel[i] ?? 1) - 1) + 1;
    const padded = autoPad === 'VALID' ? size : size + (pads[i] ?? 0) + (pads[i + spatial] ?? 0);
    return (ceil ? Math.ceil((padded - extent) / stride) : Math.floor((padded - extent) / stride)) + 1;
  });
}

const kernelOf = (node: OnnxNode, w: Shape | undefined): number[] =>
  attributeInts(node, 'kernel_shape')?.slice() ?? (w ?? []).slice(2).map((d) => (typeof d === 'number' ? d : 1));

const conv: InferRule = (node, [x, w]) => {
  if (!x?.shape || !w?.shape) return [];
  return [{ shape: [x.shape[0], w.shape[0], ...windowed(node, x.shape, kernelOf(node, w.shape), false)], elem: x.elem ?? FLOAT }];
};

const convTranspose: InferRule = (node, [x, w]) => {
  if (!x?.shape || !w?.shape) return [];
  const spatial = x.shape.length - 2;
  const group = attributeInt(node, 'group', 1);
  const channels = mulDim(w.shape[1], group);
  const explicit = attributeInts(node, 'output_shape');
  if (explicit) return [{ shape: [x.shape[0], channels, ...explicit.slice(-spatial)], elem: x.elem ?? FLOAT }];
  const kernel = kernelOf(node, w.shape);
  const strideList = attributeInts(node, 'strides') ?? [];
  const dilations = attributeInts(node, 'dilations') ?? [];
  const pads = attributeInts(node, 'pads') ?? [];
  const outputPadding = attributeInts(node, 'output_padding') ?? [];
  const autoPad = attributeString(node, 'auto_pad') ?? 'NOTSET';
  const dims = Array.from({ length: spatial }, (_, i): Dim => {
    const size = x.shape![i + 2];
    const stride = strideList[i] ?? 1;
    if (typeof size !== 'number') return undefined;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return size * stride;
    const padSum = autoPad === 'VALID' ? 0 : (pads[i] ?? 0) + (pads[i + spatial] ?? 0);
    return stride * (size - 1) + (outputPadding[i] ?? 0) + ((kernel[i] ?? 1) - 1) * (dilations[i] ?? 1) + 1 - padSum;
  });
  return [{ shape: [x.shape[0], channels, ...dims], elem: x.elem ?? FLOAT }];
};

const pool: InferRule = (node, [x]) => {
  if (!x?.shape) return [];
  const out = { shape: [x.shape[0], x.shape[1], ...windowed(node, x.shape, attributeInts(node, 'kernel_shape') ?? [], true)], elem: x.elem ?? FLOAT };
  return [out, { shape: out.shape, elem: INT64 }];
};

const globalPool: InferRule = (_n, [x]) => (x?.shape ? [{ shape: [x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)], ...(x.elem ? { elem: x.elem } : {}) }] : []);

/* ---------------------------------------------------------------- shape arithmetic */

const shapeOp: InferRule = (node, [x]) => {
  if (!x?.shape) return [];
  const rank = x.shape.length;
  const clamp = (k: number): number => Math.min(Math.max(normalizeAxis(k, rank), 0), rank);
  const start = clamp(attributeInt(node, 'start', 0));
  const end = clamp(attributeInt(node, 'end', rank));
  const value = x.shape.slice(start, Math.max(start, end));
  return [{ shape: [value.length], elem: INT64, value }];
};

const size: InferRule = (_n, [x]) => [withValue({ shape: [], elem: INT64 }, x?.shape ? [productOf(x.shape)] : undefined)];

const constant: InferRule = (node) => {
  const t = getAttribute(node, 'value')?.t;
  if (t) return [tensorFacts(t)];
  const f = getAttribute(node, 'value_float');
  if (f) return [{ shape: [], elem: FLOAT, value: [f.f ?? 0] }];
  const fs = getAttribute(node, 'value_floats');
  if (fs) return [{ shape: [fs.floats?.length ?? 0], elem: FLOAT, value: fs.floats ?? [] }];
  const i = getAttribute(node, 'value_int');
  if (i) return [{ shape: [], elem: INT64, value: [toNumber(i.i)] }];
  const is = getAttribute(node, 'value_ints');
  if (is) return [{ shape: [is.ints?.length ?? 0], elem: INT64, value: (is.ints ?? []).map(toNumber) }];
  return [];
};

const constantOfShape: InferRule = (node, [target]) => {
  const dims = target?.value;
  const fill = getAttribute(node, 'value')?.t;
  const fillFacts = fill ? tensorFacts(fill) : { elem: FLOAT, value: [0] };
  if (!dims) return target?.shape && typeof target.shape[0] === 'number' ? [{ shape: Array<Dim>(target.shape[0]).fill(undefined), elem: fillFacts.elem ?? FLOAT }] : [];
  const count = productOf(dims);
  const value = typeof count === 'number' && count <= MAX_TRACKED_VALUES && fillFacts.value?.length === 1 ? Array<Dim>(count).fill(fillFacts.value[0]) : undefined;
  return [withValue({ shape: dims, elem: fillFacts.elem ?? FLOAT }, value)];
};

const range: InferRule = (_n, [start, limit, delta]) => {
  const [s, l, d] = [numbers(start)?.[0], numbers(limit)?.[0], numbers(delta)?.[0]];
  const elem = start?.elem;
  if (s === undefined || l === undefined || d === undefined || d === 0) return [{ shape: [undefined], ...(elem ? { elem } : {}) }];
  const n = Math.max(Math.ceil((l - s) / d), 0);
  return [withValue({ shape: [n], ...(elem ? { elem } : {}) }, n <= MAX_TRACKED_VALUES ? Array.from({ length: n }, (_, k) => s + k * d) : undefined)];
};

/* ---------------------------------------------------------------- layout */

const concat: InferRule = (node, ins) => {
  const present = ins.filter((f, k) => hasInput(node, k) && f);
  const first = present[0]?.shape;
  const elem = present[0]?.elem;
  if (!first || present.some((f) => !f.shape || f.shape.length !== first.length)) return [{ ...(elem ? { elem } : {}) }];
  const axis = normalizeAxis(attributeInt(node, 'axis', 0), first.length);
  const total = present.reduce<Dim>((sum, f) => addDim(sum, f.shape![axis]), 0);
  const shape = first.map((d, i): Dim => (i === axis ? total : broadcastDim(present.map((f) => f.shape![i])) ?? d));
  const value = axis === 0 && present.every((f) => f.value) ? present.flatMap((f) => f.value!) : undefined;
  return [withValue({ shape, ...(elem ? { elem } : {}) }, value)];
};

const split: InferRule = (node, [x, sizesInput], opset) => {
  if (!x?.shape) return [];
  const axis = normalizeAxis(attributeInt(node, 'axis', 0), x.shape.length);
  const outputs = (node.output ?? []).length;
  const dim = x.shape[axis];
  const given = opset >= 13 ? numbers(sizesInput) : attributeInts(node, 'split')?.slice();
  const sizes: Dim[] = given ?? equalParts(dim, attributeInt(node, 'num_outputs', outputs));
  return Array.from({ length: outputs }, (_, k) => ({ shape: x.shape!.map((d, i) => (i === axis ? sizes[k] : d)), ...(x.elem ? { elem: x.elem } : {}) }));
};

/** Split into `parts`: equal parts of ceil(dim / parts), the last one smaller when it does not divide. */
function equalParts(dim: Dim, parts: number): Dim[] {
  if (typeof dim !== 'number') return Array<Dim>(parts).fill(divDim(dim, parts, true));
  const chunk = Math.ceil(dim / parts);
  return Array.from({ length: parts }, (_, k) => (k < parts - 1 ? chunk : dim - chunk * (parts - 1)));
}

/** Length of `[start, end)` stepping by `step` over a dim of `size`, as Slice clamps it. */
function sliceRange(size: number, start: number, end: number, step: number): { from: number; count: number } {
  const at = (k: number, lo: number, hi: number): number => Math.min(Math.max(k < 0 ? k + size : k, lo), hi);
  if (step > 0) {
    const from = at(start, 0, size);
    return { from, count: Math.max(0, Math.ceil((at(end, 0, size) - from) / step)) };
  }
  const from = at(start, 0, size - 1);
  return { from, count: Math.max(0, Math.ceil((from - at(end, -1, size - 1)) / -step)) };
}

/** Exporters slice "to the end" with INT64_MAX (or INT32_MAX). */
const TO_THE_END = 2 ** 31 - 1;

const slice: InferRule = (node, [x, startsIn, endsIn, axesIn, stepsIn], opset) => {
  if (!x?.shape) return [];
  const old = opset < 10;
  const starts = old ? attributeInts(node, 'starts') : numbers(startsIn);
  const ends = old ? attributeInts(node, 'ends') : numbers(endsIn);
  const rank = x.shape.length;
  const elem = x.elem ? { elem: x.elem } : {};
  if (!starts || !ends) return [{ shape: Array<Dim>(rank).fill(undefined), ...elem }];
  const axes = (old ? attributeInts(node, 'axes') : numbers(axesIn)) ?? starts.map((_, k) => k);
  const steps = (old ? undefined : numbers(stepsIn)) ?? starts.map(() => 1);
  const shape: Dim[] = [...x.shape];
  const picks: ({ from: number; step: number } | undefined)[] = Array<undefined>(rank).fill(undefined);
  axes.forEach((a, k) => {
    const axis = normalizeAxis(a, rank);
    const [start, end, step] = [starts[k]!, ends[k]!, steps[k] ?? 1];
    const dim = x.shape![axis];
    if (typeof dim === 'number') {
      const r = sliceRange(dim, start, end, step);
      shape[axis] = r.count;
      picks[axis] = { from: r.from, step };
    } else {
      shape[axis] = start === 0 && step === 1 && end >= TO_THE_END ? dim : undefined;
    }
  });
  const value = remapValues(x, shape, (coords) => coords.map((c, i) => (picks[i] ? picks[i].from + c * picks[i].step : c)));
  return [withValue({ shape, ...elem }, value)];
};

const reshape: InferRule = (node, [x, target]) => {
  const elem = x?.elem ? { elem: x.elem } : {};
  const wanted = target?.value;
  if (!wanted) {
    const rank = target?.shape?.[0];
    return [{ ...(typeof rank === 'number' ? { shape: Array<Dim>(rank).fill(undefined) } : {}), ...elem }];
  }
  const allowZero = attributeInt(node, 'allowzero', 0) === 1;
  const dims: Dim[] = wanted.map((d, i) => (d === 0 && !allowZero ? x?.shape?.[i] : d === -1 ? undefined : d));
  const free = wanted.indexOf(-1);
  if (free >= 0 && x?.shape) dims[free] = divDim(productOf(x.shape), productOf(dims.filter((_, i) => i !== free)), true);
  return [withValue({ shape: dims, ...elem }, x?.value)];
};

const flatten: InferRule = (node, [x]) => {
  if (!x?.shape) return [];
  const axis = normalizeAxis(attributeInt(node, 'axis', 1), x.shape.length);
  return [withValue({ shape: [productOf(x.shape.slice(0, axis)), productOf(x.shape.slice(axis))], ...(x.elem ? { elem: x.elem } : {}) }, x.value)];
};

const squeeze: InferRule = (node, [x, axesIn]) => {
  if (!x?.shape) return [];
  const rank = x.shape.length;
  const axes = intsArg(node, 'axes', axesIn)?.map((a) => normalizeAxis(a, rank));
  const elem = x.elem ? { elem: x.elem } : {};
  if (!axes && hasInput(node, 1)) return [elem];
  if (!axes && !x.shape.every(isKnown)) return [elem];
  const shape = x.shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
  return [withValue({ shape, ...elem }, x.value)];
};

const unsqueeze: InferRule = (node, [x, axesIn]) => {
  if (!x?.shape) return [];
  const axes = intsArg(node, 'axes', axesIn);
  const elem = x.elem ? { elem: x.elem } : {};
  if (!axes) return [elem];
  const rank = x.shape.length + axes.length;
  const at = new Set(axes.map((a) => normalizeAxis(a, rank)));
  const rest = [...x.shape];
  const shape = Array.from({ length: rank }, (_, i): Dim => (at.has(i) ? 1 : rest.shift()));
  return [withValue({ shape, ...elem }, x.value)];
};

const transpose: InferRule = (node, [x]) => {
  if (!x?.shape) return [];
  const perm = attributeInts(node, 'perm') ?? x.shape.map((_, i) => x.shape!.length - 1 - i);
  const shape = perm.map((p) => x.shape![p]);
  const value = remapValues(x, shape, (coords) => {
    const source = Array<number>(coords.length);
    perm.forEach((p, j) => {
      source[p] = coords[j]!;
    });
    return source;
  });
  return [withValue({ shape, ...(x.elem ? { elem: x.elem } : {}) }, value)];
};

const expand: InferRule = (_n, [x, target]) => {
  const dims = target?.value;
  const shape = x?.shape && dims ? broadcastShapes([x.shape, dims]) : undefined;
  const scalar = x?.value?.length === 1 ? x.value[0] : undefined;
  const count = shape ? productOf(shape) : undefined;
  const value = scalar !== undefined && typeof count === 'number' && count <= MAX_TRACKED_VALUES ? Array<Dim>(count).fill(scalar) : undefined;
  return [withValue({ ...(shape ? { shape } : {}), ...(x?.elem ? { elem: x.elem } : {}) }, value)];
};

const tile: InferRule = (_n, [x, repeatsIn]) => {
  const repeats = repeatsIn?.value;
  if (!x?.shape || !repeats) return [];
  return [{ shape: x.shape.map((d, i) => mulDim(d, repeats[i])), ...(x.elem ? { elem: x.elem } : {}) }];
};

const pad: InferRule = (node, [x, padsIn, , axesIn]) => {
  if (!x?.shape) return [];
  const rank = x.shape.length;
  const pads = intsArg(node, 'pads', padsIn);
  const elem = x.elem ? { elem: x.elem } : {};
  if (!pads) return [{ shape: Array<Dim>(rank).fill(undefined), ...elem }];
  const axes = numbers(axesIn)?.map((a) => normalizeAxis(a, rank)) ?? x.shape.map((_, i) => i);
  const shape = [...x.shape];
  axes.forEach((axis, k) => {
    shape[axis] = addDim(shape[axis], (pads[k] ?? 0) + (pads[k + axes.length] ?? 0));
  });
  return [{ shape, ...elem }];
};

/* ---------------------------------------------------------------- linear algebra, selection, reduction */

const matMul: InferRule = (_n, [a, b]) => {
  if (!a?.shape || !b?.shape || a.shape.length === 0 || b.shape.length === 0) return [];
  const left = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const right = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const batch = broadcastShapes([left.slice(0, -2), right.slice(0, -2)]) ?? [];
  const rows = a.shape.length === 1 ? [] : [left[left.length - 2]];
  const cols = b.shape.length === 1 ? [] : [right[right.length - 1]];
  return [{ shape: [...batch, ...rows, ...cols], ...(a.elem ? { elem: a.elem } : {}) }];
};

const gemm: InferRule = (node, [a, b]) => {
  if (!a?.shape || !b?.shape) return [];
  const m = attributeInt(node, 'transA', 0) ? a.shape[1] : a.shape[0];
  const n = attributeInt(node, 'transB', 0) ? b.shape[0] : b.shape[1];
  return [{ shape: [m, n], ...(a.elem ? { elem: a.elem } : {}) }];
};

const gather: InferRule = (node, [data, indices]) => {
  if (!data?.shape || !indices?.shape) return [];
  const axis = normalizeAxis(attributeInt(node, 'axis', 0), data.shape.length);
  const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  const idx = numbers(indices);
  const v = data.value;
  const value = v && idx && data.shape.length === 1 ? idx.map((k) => v[k < 0 ? k + v.length : k]) : undefined;
  return [withValue({ shape, ...(data.elem ? { elem: data.elem } : {}) }, value)];
};

const gatherElements: InferRule = (_n, [data, indices]) => [{ ...(indices?.shape ? { shape: indices.shape } : {}), ...(data?.elem ? { elem: data.elem } : {}) }];

/** Reduce ops: `axes` an attribute (or an input since opset 18, ReduceSum since 13). */
const reduce: InferRule = (node, [x, axesIn]) => {
  if (!x?.shape) return [];
  const rank = x.shape.length;
  const keep = attributeInt(node, 'keepdims', 1) === 1;
  const given = intsArg(node, 'axes', axesIn);
  const elem = x.elem ? { elem: x.elem } : {};
  if (!given && hasInput(node, 1)) return [elem];
  const all = !given || given.length === 0;
  if (all && attributeInt(node, 'noop_with_empty_axes', 0) === 1) return [{ shape: x.shape, ...elem }];
  const axes = new Set(all ? x.shape.map((_, i) => i) : given!.map((a) => normalizeAxis(a, rank)));
  const shape = keep ? x.shape.map((d, i) => (axes.has(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.has(i));
  return [{ shape, ...elem }];
};

const argReduce: InferRule = (node, [x]) => {
  if (!x?.shape) return [];
  const axis = normalizeAxis(attributeInt(node, 'axis', 0), x.shape.length);
  const keep = attributeInt(node, 'keepdims', 1) === 1;
  return [{ shape: keep ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis), elem: INT64 }];
};

const topK: InferRule = (node, [x, kIn]) => {
  if (!x?.shape) return [];
  const axis = normalizeAxis(attributeInt(node, 'axis', -1), x.shape.length);
  const k = kIn?.value?.[0] ?? getAttribute(node, 'k')?.i;
  const kDim = typeof k === 'number' || typeof k === 'string' ? k : k ? toNumber(k) : undefined;
  const shape = x.shape.map((d, i) => (i === axis ? kDim : d));
  return [{ shape, ...(x.elem ? { elem: x.elem } : {}) }, { shape, elem: INT64 }];
};

const nonZero: InferRule = (_n, [x]) => [{ shape: [x?.shape?.length, undefined], elem: INT64 }];

/* ---------------------------------------------------------------- resizing */

/** Output dims from sizes or scales; `axes` (opset 18) says which dims they cover. */
function resized(x: Shape, scales: readonly number[] | undefined, sizes: readonly Dim[] | undefined, axes: readonly number[] | undefined): Shape | undefined {
  const covered = axes?.map((a) => normalizeAxis(a, x.length)) ?? x.map((_, i) => i);
  const out = [...x];
  if (sizes && sizes.length === covered.length) {
    covered.forEach((axis, k) => {
      out[axis] = sizes[k];
    });
    return out;
  }
  if (!scales || scales.length !== covered.length) return undefined;
  covered.forEach((axis, k) => {
    const d = x[axis];
    out[axis] = typeof d === 'number' ? Math.floor(d * scales[k]!) : scales[k] === 1 ? d : undefined;
  });
  return out;
}

const resize: InferRule = (node, [x, roiOrScales, scalesIn, sizesIn], opset) => {
  if (!x?.shape) return [];
  const axes = attributeInts(node, 'axes');
  const present = (f: TensorFacts | undefined): TensorFacts | undefined => (f?.value && f.value.length > 0 ? f : undefined);
  const out = opset < 11
    ? resized(x.shape, numbers(roiOrScales), undefined, undefined)
    : resized(x.shape, numbers(present(scalesIn)), present(sizesIn)?.value, axes);
  return [{ ...(out ? { shape: out } : { shape: x.shape.map(() => undefined) }), ...(x.elem ? { elem: x.elem } : {}) }];
};

const upsample: InferRule = (node, [x, scalesIn]) => {
  if (!x?.shape) return [];
  const scales = numbers(scalesIn) ?? getAttribute(node, 'scales')?.floats ?? undefined;
  const out = resized(x.shape, scales ?? undefined, undefined, undefined);
  return [{ ...(out ? { shape: out } : {}), ...(x.elem ? { elem: x.elem } : {}) }];
};

/* ---------------------------------------------------------------- the table */

const SAME_SHAPE_OPS = [
  'Sigmoid', 'Relu', 'LeakyRelu', 'HardSwish', 'HardSigmoid', 'Clip', 'Tanh', 'Softplus', 'Softsign', 'Gelu', 'Mish',
  'Elu', 'Selu', 'Celu', 'ThresholdedRelu', 'Erf', 'Exp', 'Log', 'Sin', 'Cos', 'Tan', 'Reciprocal', 'Round', 'Sign',
  'IsNaN', 'IsInf', 'Softmax', 'LogSoftmax', 'Hardmax', 'BatchNormalization', 'InstanceNormalization',
  'LayerNormalization', 'LpNormalization', 'Dropout', 'CumSum', 'Trilu', 'ScatterND', 'ScatterElements', 'Shrink',
];

const VALUE_OPS: Readonly<Record<string, (d: Dim, elem: number | undefined) => Dim>> = {
  Identity: (d) => d,
  Neg: (d) => mulDim(d, -1),
  Abs: (d) => (typeof d === 'number' ? Math.abs(d) : undefined),
  Floor: (d) => (typeof d === 'number' ? Math.floor(d) : d),
  Ceil: (d) => (typeof d === 'number' ? Math.ceil(d) : d),
  Sqrt: (d) => (typeof d === 'number' ? Math.sqrt(d) : undefined),
  Not: (d) => (typeof d === 'number' ? Number(d === 0) : undefined),
};

export const INFER_RULES: Readonly<Record<string, InferRule>> = {
  ...Object.fromEntries(SAME_SHAPE_OPS.map((op) => [op, same])),
  ...Object.fromEntries(Object.entries(VALUE_OPS).map(([op, fn]) => [op, unaryValue(fn)])),
  ...Object.fromEntries(Object.keys(binaryOps).map((op) => [op, binary(op)])),
  Max: (node, ins, opset) => ((node.input ?? []).length === 2 ? binary('Max')(node, ins, opset) : broadcastOnly(node, ins, opset)),
  Min: (node, ins, opset) => ((node.input ?? []).length === 2 ? binary('Min')(node, ins, opset) : broadcastOnly(node, ins, opset)),
  Sum: broadcastOnly,
  Mean: broadcastOnly,
  PRelu: broadcastOnly,
  Where: where,
  Cast: cast,
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
  Shape: shapeOp,
  Size: size,
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Range: range,
  Concat: concat,
  Split: split,
  Slice: slice,
  Reshape: reshape,
  Flatten: flatten,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Transpose: transpose,
  Expand: expand,
  Tile: tile,
  Pad: pad,
  MatMul: matMul,
  Gemm: gemm,
  Gather: gather,
  GatherElements: gatherElements,
  ...Object.fromEntries(
    ['ReduceMax', 'ReduceMin', 'ReduceMean', 'ReduceSum', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'].map((op) => [op, reduce]),
  ),
  ArgMax: argReduce,
  ArgMin: argReduce,
  TopK: topK,
  NonZero: nonZero,
  Resize: resize,
  Upsample: upsample,
};
