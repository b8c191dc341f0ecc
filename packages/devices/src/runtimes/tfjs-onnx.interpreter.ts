import type * as tfjs from '@tensorflow/tfjs';
import type { OnnxModel, OnnxNode } from '@actnas/core';
import type { OnnxTensor } from '@actnas/core';
import { OnnxDataType, attributeFloat, attributeInt, attributeInts, attributeString, decodeOnnxModel, getAttribute, tensorDims, tensorToFloat32Array, tensorToNumbers } from '@actnas/core';

type Tf = typeof tfjs;
type Layout = 'nchw' | 'nhwc';

/** A value during interpretation: 4-D feature maps are kept NHWC (tfjs' native layout). */
interface Value {
  readonly t: tfjs.Tensor;
  readonly layout: Layout;
}

export class TfjsUnsupportedError extends Error {
  override readonly name = 'TfjsUnsupportedError';
}

/** ONNX integer element types, held as int32 tensors (tfjs has no int64). */
const INTEGER_TYPES = new Set<number>([OnnxDataType.INT64, OnnxDataType.INT32, OnnxDataType.INT16, OnnxDataType.INT8, OnnxDataType.UINT8, OnnxDataType.UINT16, OnnxDataType.UINT32]);

/** Activations XNNPACK fuses into a conv as an output clamp. */
const FUSABLE = new Set(['Relu', 'Clip']);

interface PreparedConv {
  readonly filter: tfjs.Tensor4D;
  readonly bias?: tfjs.Tensor1D;
  readonly depthwise: boolean;
}

/**
 * Runs an ONNX graph (as emitted from the graph IR) with TensorFlow.js ops: conv + ReLU/ReLU6 are
 * fused as XNNPACK would, everything else runs as its own op. Weights are converted once.
 */
export class TfjsOnnxProgram {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly #nodes: readonly OnnxNode[];
  readonly #consts = new Map<string, tfjs.Tensor>();
  readonly #numbers = new Map<string, readonly number[]>();
  readonly #convs = new Map<string, PreparedConv>();
  /** ConvTranspose filters in tfjs' [kh, kw, Cout, Cin], converted once like the conv weights. */
  readonly #deconvFilters = new Map<string, tfjs.Tensor4D>();
  readonly #fusedInto = new Map<string, OnnxNode>();
  readonly #lastUse = new Map<string, number>();

  constructor(private readonly tf: Tf, bytes: Uint8Array) {
    const model: OnnxModel = decodeOnnxModel(bytes);
    const g = model.graph ?? {};
    this.#nodes = g.node ?? [];
    const inits = new Set((g.initializer ?? []).map((t) => t.name ?? ''));
    this.inputNames = (g.input ?? []).map((i) => i.name ?? '').filter((n) => !inits.has(n));
    this.outputNames = (g.output ?? []).map((o) => o.name ?? '');
    for (const t of g.initializer ?? []) {
      const dims = tensorDims(t);
      this.#numbers.set(t.name ?? '', dims.reduce((a, b) => a * b, 1) <= 64 ? tensorToNumbers(t) : []);
      this.#consts.set(t.name ?? '', this.#constTensor(t));
    }
    this.#prepare();
  }

  /** Integer initializers (indices, divisors) stay integer so integer ops (TopK indices ÷ nc) keep their dtype. */
  #constTensor(t: OnnxTensor): tfjs.Tensor {
    const dims = [...tensorDims(t)];
    return INTEGER_TYPES.has(t.dataType ?? 0) ? this.tf.tensor(tensorToNumbers(t) as number[], dims, 'int32') : this.tf.tensor(tensorToFloat32Array(t), dims);
  }

  #prepare(): void {
    const consumers = new Map<string, number>();
    this.#nodes.forEach((n, i) => {
      for (const x of n.input ?? []) {
        consumers.set(x, (consumers.get(x) ?? 0) + 1);
        this.#lastUse.set(x, i);
      }
    });
    for (const n of this.#nodes) {
      if (n.opType === 'Constant') {
        const t = getAttribute(n, 'value')?.t;
        if (!t) throw new TfjsUnsupportedError(`Constant ${n.name} without a tensor value`);
        this.#numbers.set(n.output![0]!, tensorToNumbers(t));
        this.#consts.set(n.output![0]!, this.#constTensor(t));
      }
      if (n.opType === 'Conv') this.#convs.set(n.name ?? '', this.#prepareConv(n));
      const w = n.opType === 'ConvTranspose' ? this.#consts.get(n.input![1]!) : undefined;
      if (w?.rank === 4) this.#deconvFilters.set(n.name ?? '', this.tf.transpose(w, [2, 3, 1, 0]) as tfjs.Tensor4D);
    }
    for (const n of this.#nodes) {
      if (!FUSABLE.has(n.opType ?? '')) continue;
      const producer = this.#nodes.find((p) => p.opType === 'Conv' && p.output?.[0] === n.input?.[0]);
      if (!producer || consumers.get(n.input![0]!) !== 1 || this.outputNames.includes(n.input![0]!)) continue;
      if (n.opType === 'Clip' && !this.#isRelu6(n)) continue;
      this.#fusedInto.set(producer.name ?? '', n);
    }
  }

  #isRelu6(n: OnnxNode): boolean {
    const lo = n.input?.[1] ? this.#numbers.get(n.input[1])?.[0] : attributeFloat(n, 'min', -Infinity);
    const hi = n.input?.[2] ? this.#numbers.get(n.input[2])?.[0] : attributeFloat(n, 'max', Infinity);
    return lo === 0 && hi === 6;
  }

  #prepareConv(n: OnnxNode): PreparedConv {
    const tf = this.tf;
    const w = this.#consts.get(n.input![1]!);
    if (!w || w.rank !== 4) throw new TfjsUnsupportedError(`Conv ${n.name}: weights must be a 4-D initializer`);
    const [cout, cinG] = w.shape as [number, number, number, number];
    const group = attributeInt(n, 'group', 1);
    const depthwise = group > 1;
    if (depthwise && !(cinG === 1 && group === cout)) throw new TfjsUnsupportedError(`Conv ${n.name}: grouped conv other than depthwise`);
    const filter = (depthwise ? tf.transpose(w, [2, 3, 0, 1]) : tf.transpose(w, [2, 3, 1, 0])) as tfjs.Tensor4D;
    const b = n.input?.[2] ? this.#consts.get(n.input[2]) : undefined;
    return { filter, ...(b ? { bias: b as tfjs.Tensor1D } : {}), depthwise };
  }

  /** Runs the graph; returns the requested outputs as NCHW float32 tensors (caller disposes). */
  run(feeds: ReadonlyMap<string, tfjs.Tensor>, outputs: readonly string[] = this.outputNames): Map<string, tfjs.Tensor> {
    // Layout transposes made inside ops have no name to dispose them by; without tidy every run
    // leaked them, and a latency sweep ran the wasm heap out of memory.
    const kept = this.tf.tidy(() => Object.fromEntries(this.#run(feeds, outputs)));
    return new Map(Object.entries(kept));
  }

  #run(feeds: ReadonlyMap<string, tfjs.Tensor>, outputs: readonly string[]): Map<string, tfjs.Tensor> {
    const values = new Map<string, Value>();
    for (const [k, t] of feeds) values.set(k, { t, layout: 'nchw' });
    const keep = new Set(outputs);
    const skip = new Set([...this.#fusedInto.values()].map((n) => n.name ?? ''));
    this.#nodes.forEach((node, i) => {
      if (node.opType === 'Constant' || skip.has(node.name ?? '')) return;
      const outs = this.#exec(node, values);
      outs.forEach((v, k) => values.set(node.output![k]!, v));
      const fused = this.#fusedInto.get(node.name ?? '');
      if (fused) values.set(fused.output![0]!, values.get(node.output![0]!)!);
      for (const x of node.input ?? []) {
        if (this.#lastUse.get(x) === i && !keep.has(x) && feeds.get(x) === undefined && !this.#consts.has(x)) {
          const v = values.get(x);
          if (v && ![...keep].some((k) => values.get(k)?.t === v.t)) v.t.dispose();
          values.delete(x);
        }
      }
    });
    const result = new Map<string, tfjs.Tensor>();
    for (const name of outputs) {
      const v = values.get(name);
      if (!v) throw new TfjsUnsupportedError(`output ${name} was not computed`);
      result.set(name, this.#toLayout(v, 'nchw').t);
    }
    return result;
  }

  #toLayout(v: Value, layout: Layout): Value {
    if (v.layout === layout || v.t.rank !== 4) return { t: v.t, layout: v.t.rank === 4 ? layout : 'nchw' };
    return { t: this.tf.transpose(v.t, layout === 'nhwc' ? [0, 2, 3, 1] : [0, 3, 1, 2]), layout };
  }

  #get(values: Map<string, Value>, name: string): Value {
    const v = values.get(name) ?? (this.#consts.has(name) ? { t: this.#consts.get(name)!, layout: 'nchw' as const } : undefined);
    if (!v) throw new TfjsUnsupportedError(`tensor ${name} is not available`);
    return v;
  }

  #nhwc(values: Map<string, Value>, name: string): tfjs.Tensor4D {
    return this.#toLayout(this.#get(values, name), 'nhwc').t as tfjs.Tensor4D;
  }

  #exec(n: OnnxNode, values: Map<string, Value>): Value[] {
    const tf = this.tf;
    const op = n.opType ?? '';
    const input = (k: number): Value => this.#get(values, n.input![k]!);
    const same = (f: (t: tfjs.Tensor) => tfjs.Tensor): Value[] => {
      const x = input(0);
      return [{ t: f(x.t), layout: x.layout }];
    };
    switch (op) {
      case 'Conv':
        return [this.#conv(n, values)];
      case 'Relu':
        return same((t) => tf.relu(t));
      case 'Sigmoid':
        return same((t) => tf.sigmoid(t));
      case 'LeakyRelu':
        return same((t) => tf.leakyRelu(t, attributeFloat(n, 'alpha', 0.01)));
      case 'HardSwish':
        return same((t) => tf.mul(t, tf.clipByValue(tf.add(tf.mul(t, 1 / 6), 0.5), 0, 1)));
      case 'HardSigmoid':
        return same((t) => tf.clipByValue(tf.add(tf.mul(t, attributeFloat(n, 'alpha', 0.2)), attributeFloat(n, 'beta', 0.5)), 0, 1));
      case 'Clip': {
        const lo = n.input?.[1] ? this.#numbers.get(n.input[1])![0]! : attributeFloat(n, 'min', -3.4e38);
        const hi = n.input?.[2] ? this.#numbers.get(n.input[2])![0]! : attributeFloat(n, 'max', 3.4e38);
        return same((t) => tf.clipByValue(t, lo, hi));
      }
      case 'Identity':
        return same((t) => tf.clone(t));
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div':
        return [this.#binary(op, input(0), input(1))];
      case 'Sum':
        return [(n.input ?? []).slice(1).reduce((acc, name) => this.#binary('Add', acc, this.#get(values, name)), input(0))];
      case 'Concat':
        return [this.#concat(n, values)];
      case 'Pad':
        return [this.#pad(n, values)];
      case 'Slice':
        return [this.#slice(n, this.#toLayout(input(0), 'nchw').t)];
      case 'Split':
        return this.#split(n, values);
      case 'MaxPool':
        return [this.#maxPool(n, values)];
      case 'AveragePool':
        return [this.#avgPool(n, values)];
      case 'ConvTranspose':
        return [this.#convTranspose(n, values)];
      case 'MatMul':
        return [this.#matMul(this.#toLayout(input(0), 'nchw').t, this.#toLayout(input(1), 'nchw').t)];
      case 'GlobalAveragePool':
        // The consumer of every micro-benchmark block (latency micro mode).
        return [{ t: tf.mean(this.#nhwc(values, n.input![0]!), [1, 2], true), layout: 'nhwc' }];
      case 'Resize':
        return [this.#resize(n, values)];
      case 'Reshape': {
        const x = this.#toLayout(input(0), 'nchw').t;
        const shape = this.#numbers.get(n.input![1]!)!.map((d, k) => (d === 0 ? x.shape[k]! : d));
        return [{ t: tf.reshape(x, shape), layout: 'nchw' }];
      }
      case 'Transpose': {
        const x = this.#toLayout(input(0), 'nchw').t;
        const perm = attributeInts(n, 'perm')?.map(Number);
        return [{ t: tf.transpose(x, perm ? [...perm] : undefined), layout: 'nchw' }];
      }
      case 'Softmax': {
        const x = this.#toLayout(input(0), 'nchw').t;
        const axis = (attributeInt(n, 'axis', -1) + x.rank) % x.rank;
        if (axis === x.rank - 1) return [{ t: tf.softmax(x), layout: 'nchw' }];
        const perm = [...Array(x.rank).keys()];
        [perm[axis], perm[x.rank - 1]] = [x.rank - 1, axis];
        return [{ t: tf.transpose(tf.softmax(tf.transpose(x, perm)), perm), layout: 'nchw' }];
      }
      case 'Cast':
        return same((t) => this.#cast(n, t));
      case 'Expand': {
        const x = this.#toLayout(input(0), 'nchw').t;
        return [{ t: tf.broadcastTo(x, broadcastShape(x.shape, this.#constant(n, 1))), layout: 'nchw' }];
      }
      case 'Flatten': {
        const x = this.#toLayout(input(0), 'nchw').t;
        const a = attributeInt(n, 'axis', 1);
        const axis = a < 0 ? a + x.rank : a;
        const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
        return [{ t: tf.reshape(x, [outer, x.size / Math.max(1, outer)]), layout: 'nchw' }];
      }
      case 'GatherElements':
        return [this.#gatherElements(n, this.#toLayout(input(0), 'nchw').t, this.#toLayout(input(1), 'nchw').t)];
      case 'Mod': {
        const [a, b] = [this.#toLayout(input(0), 'nchw').t, this.#toLayout(input(1), 'nchw').t];
        // fmod=1 is C fmod (sign of the dividend); fmod=0 (integers) is Python's (sign of the divisor), tfjs' mod.
        if (attributeInt(n, 'fmod', 0) !== 1) return [{ t: tf.mod(a, b), layout: 'nchw' }];
        const q = tf.div(tf.cast(a, 'float32'), tf.cast(b, 'float32'));
        return [{ t: tf.sub(a, tf.mul(tf.mul(tf.sign(q), tf.floor(tf.abs(q))), b)), layout: 'nchw' }];
      }
      case 'ReduceMax':
        return [this.#reduceMax(n, this.#toLayout(input(0), 'nchw').t)];
      case 'TopK':
        return this.#topK(n, this.#toLayout(input(0), 'nchw').t);
      case 'Unsqueeze': {
        const x = this.#toLayout(input(0), 'nchw').t;
        const axes = n.input?.[1] ? this.#constant(n, 1) : (attributeInts(n, 'axes')?.map(Number) ?? []);
        const rank = x.rank + axes.length;
        const at = new Set(axes.map((a) => (a + rank) % rank));
        const shape: number[] = [];
        let k = 0;
        for (let d = 0; d < rank; d++) shape.push(at.has(d) ? 1 : x.shape[k++]!);
        return [{ t: tf.reshape(x, shape), layout: 'nchw' }];
      }
      default:
        throw new TfjsUnsupportedError(`ONNX op ${op} (${n.name}) is not supported by the tfjs runtime`);
    }
  }

  #conv(n: OnnxNode, values: Map<string, Value>): Value {
    const tf = this.tf;
    const prep = this.#convs.get(n.name ?? '')!;
    const x = this.#nhwc(values, n.input![0]!);
    const s = attributeInts(n, 'strides')?.map(Number) ?? [1, 1];
    const d = attributeInts(n, 'dilations')?.map(Number) ?? [1, 1];
    const p = attributeInts(n, 'pads')?.map(Number) ?? [0, 0, 0, 0];
    const autoPad = attributeString(n, 'auto_pad');
    if (autoPad && autoPad !== 'NOTSET') throw new TfjsUnsupportedError(`Conv ${n.name}: auto_pad ${autoPad}`);
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [p[0]!, p[2]!], [p[1]!, p[3]!], [0, 0]];
    const fused = this.#fusedInto.get(n.name ?? '');
    const activation = fused ? (fused.opType === 'Relu' ? 'relu' : 'relu6') : 'linear';
    const common = { filter: prep.filter, strides: [s[0]!, s[1]!] as [number, number], dilations: [d[0]!, d[1]!] as [number, number], activation, ...(prep.bias ? { bias: prep.bias } : {}) } as const;
    let t: tfjs.Tensor;
    if (prep.depthwise) {
      const padded = p.some((v) => v > 0) ? tf.pad(x, pad) : x;
      t = tf.fused.depthwiseConv2d({ x: padded, pad: 'valid', ...common });
      if (padded !== x) padded.dispose();
    } else {
      t = tf.fused.conv2d({ x, pad, ...common });
    }
    return { t, layout: 'nhwc' };
  }

  #binary(op: string, a: Value, b: Value): Value {
    const tf = this.tf;
    const fn = op === 'Add' ? tf.add : op === 'Sub' ? tf.sub : op === 'Mul' ? tf.mul : tf.div;
    if (a.t.rank === 4 && b.t.rank === 4) {
      const layout: Layout = a.layout === 'nhwc' || b.layout === 'nhwc' ? 'nhwc' : 'nchw';
      return { t: fn(this.#toLayout(a, layout).t, this.#toLayout(b, layout).t), layout };
    }
    if (a.t.rank === 4 || b.t.rank === 4) {
      // A lower-rank operand broadcasts against NCHW semantics: compute in NCHW.
      return { t: fn(this.#toLayout(a, 'nchw').t, this.#toLayout(b, 'nchw').t), layout: 'nchw' };
    }
    return { t: fn(a.t, b.t), layout: 'nchw' };
  }

  #concat(n: OnnxNode, values: Map<string, Value>): Value {
    const xs = (n.input ?? []).map((name) => this.#get(values, name));
    const rank = xs[0]!.t.rank;
    const axis = (attributeInt(n, 'axis', 0) + rank) % rank;
    const layout: Layout = rank === 4 && xs.some((v) => v.layout === 'nhwc') ? 'nhwc' : 'nchw';
    const ts = xs.map((v) => this.#toLayout(v, layout).t);
    return { t: this.tf.concat(ts, layout === 'nhwc' ? [0, 3, 1, 2][axis]! : axis), layout };
  }

  #split(n: OnnxNode, values: Map<string, Value>): Value[] {
    const x = this.#get(values, n.input![0]!);
    const rank = x.t.rank;
    const axis = (attributeInt(n, 'axis', 0) + rank) % rank;
    const sizes = n.input?.[1] ? this.#numbers.get(n.input[1])! : attributeInts(n, 'split')?.map(Number);
    const parts = sizes ? [...sizes] : (n.output ?? []).length;
    const tfAxis = x.layout === 'nhwc' && rank === 4 ? [0, 3, 1, 2][axis]! : axis;
    return this.tf.split(x.t, parts, tfAxis).map((t) => ({ t, layout: x.layout }));
  }

  #maxPool(n: OnnxNode, values: Map<string, Value>): Value {
    const tf = this.tf;
    const x = this.#nhwc(values, n.input![0]!);
    const k = attributeInts(n, 'kernel_shape')!.map(Number);
    const s = attributeInts(n, 'strides')?.map(Number) ?? [1, 1];
    const p = attributeInts(n, 'pads')?.map(Number) ?? [0, 0, 0, 0];
    const padded = p.some((v) => v > 0) ? tf.pad(x, [[0, 0], [p[0]!, p[2]!], [p[1]!, p[3]!], [0, 0]], -3.4e38) : x;
    const t = tf.maxPool(padded, [k[0]!, k[1]!], [s[0]!, s[1]!], 'valid');
    if (padded !== x) padded.dispose();
    return { t, layout: 'nhwc' };
  }

  #avgPool(n: OnnxNode, values: Map<string, Value>): Value {
    const tf = this.tf;
    const x = this.#nhwc(values, n.input![0]!);
    const k = attributeInts(n, 'kernel_shape')!.map(Number);
    const s = attributeInts(n, 'strides')?.map(Number) ?? [1, 1];
    const p = attributeInts(n, 'pads')?.map(Number) ?? [0, 0, 0, 0];
    const autoPad = attributeString(n, 'auto_pad');
    if (autoPad && autoPad !== 'NOTSET') throw new TfjsUnsupportedError(`AveragePool ${n.name}: auto_pad ${autoPad}`);
    if (attributeInt(n, 'ceil_mode', 0) !== 0) throw new TfjsUnsupportedError(`AveragePool ${n.name}: ceil_mode 1`);
    if (k.length !== 2) throw new TfjsUnsupportedError(`AveragePool ${n.name}: only 2-D pooling`);
    const kernel: [number, number] = [k[0]!, k[1]!];
    const strides: [number, number] = [s[0]!, s[1]!];
    if (!p.some((v) => v > 0)) return { t: tf.avgPool(x, kernel, strides, 'valid'), layout: 'nhwc' };
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [p[0]!, p[2]!], [p[1]!, p[3]!], [0, 0]];
    const sum = tf.avgPool(tf.pad(x, pad), kernel, strides, 'valid');
    if (attributeInt(n, 'count_include_pad', 0) === 1) return { t: sum, layout: 'nhwc' };
    // Excluding pads: divide by the share of each window that lies inside the input.
    const [, h, w] = x.shape;
    const share = tf.avgPool(tf.pad(tf.ones([1, h, w, 1]), pad) as tfjs.Tensor4D, kernel, strides, 'valid');
    return { t: tf.div(sum, share), layout: 'nhwc' };
  }

  /** ONNX ConvTranspose (2-D, group 1): a full ("valid") transposed conv, then the pads cropped off. */
  #convTranspose(n: OnnxNode, values: Map<string, Value>): Value {
    const tf = this.tf;
    const x = this.#nhwc(values, n.input![0]!);
    const w = this.#consts.get(n.input![1]!);
    if (!w || w.rank !== 4) throw new TfjsUnsupportedError(`ConvTranspose ${n.name}: weights must be a 4-D initializer`);
    if (attributeInt(n, 'group', 1) !== 1) throw new TfjsUnsupportedError(`ConvTranspose ${n.name}: group > 1`);
    if ((attributeInts(n, 'dilations')?.map(Number) ?? [1, 1]).some((d) => d !== 1)) throw new TfjsUnsupportedError(`ConvTranspose ${n.name}: dilations`);
    const autoPad = attributeString(n, 'auto_pad');
    if (autoPad && autoPad !== 'NOTSET') throw new TfjsUnsupportedError(`ConvTranspose ${n.name}: auto_pad ${autoPad}`);
    if (attributeInts(n, 'output_shape')) throw new TfjsUnsupportedError(`ConvTranspose ${n.name}: output_shape`);
    const [, cout, kh, kw] = w.shape as [number, number, number, number];
    const s = attributeInts(n, 'strides')?.map(Number) ?? [1, 1];
    const p = attributeInts(n, 'pads')?.map(Number) ?? [0, 0, 0, 0];
    const op = attributeInts(n, 'output_padding')?.map(Number) ?? [0, 0];
    const [b, h, wd] = x.shape;
    const full: [number, number, number, number] = [b, (h - 1) * s[0]! + kh, (wd - 1) * s[1]! + kw, cout];
    const filter = this.#deconvFilters.get(n.name ?? '')!;
    let t: tfjs.Tensor4D = tf.conv2dTranspose(x, filter, full, [s[0]!, s[1]!], 'valid');
    // output_padding extends the full output at the end (zeros there), before the pads are cropped.
    if (op.some((v) => v > 0)) t = tf.pad(t, [[0, 0], [0, op[0]!], [0, op[1]!], [0, 0]]);
    if (p.some((v) => v > 0)) t = tf.slice(t, [0, p[0]!, p[1]!, 0], [b, full[1] + op[0]! - p[0]! - p[2]!, full[2] + op[1]! - p[1]! - p[3]!, cout]);
    const bias = n.input?.[2] ? this.#consts.get(n.input[2]) : undefined;
    return { t: bias ? tf.add(t, bias) : t, layout: 'nhwc' };
  }

  /** ONNX MatMul (numpy matmul): 1-D operands promoted and the added axis dropped, batch dims broadcast. */
  #matMul(a: tfjs.Tensor, b: tfjs.Tensor): Value {
    const tf = this.tf;
    const a2 = a.rank === 1 ? tf.reshape(a, [1, a.shape[0]!]) : a;
    const b2 = b.rank === 1 ? tf.reshape(b, [b.shape[0]!, 1]) : b;
    const rank = Math.max(a2.rank, b2.rank);
    const lift = (t: tfjs.Tensor): tfjs.Tensor => (t.rank === rank ? t : tf.reshape(t, [...Array<number>(rank - t.rank).fill(1), ...t.shape]));
    const [la, lb] = [lift(a2), lift(b2)];
    const batch = la.shape.slice(0, -2).map((d, k) => Math.max(d, lb.shape[k]!));
    const grow = (t: tfjs.Tensor): tfjs.Tensor => (t.shape.slice(0, -2).every((d, k) => d === batch[k]) ? t : tf.broadcastTo(t, [...batch, ...t.shape.slice(-2)]));
    let y = rank === 2 ? tf.matMul(la as tfjs.Tensor2D, lb as tfjs.Tensor2D) : tf.matMul(grow(la), grow(lb));
    if (a.rank === 1) y = tf.squeeze(y, [y.rank - 2]);
    if (b.rank === 1) y = tf.squeeze(y, [y.rank - 1]);
    return { t: y, layout: 'nchw' };
  }

  /** A constant input (shape, axes, k, pads, a pad value): initializer or Constant node. */
  #constant(n: OnnxNode, k: number): readonly number[] {
    const v = this.#numbers.get(n.input![k]!);
    if (!v) throw new TfjsUnsupportedError(`${n.opType} ${n.name}: input ${k} must be a constant`);
    return v;
  }

  #cast(n: OnnxNode, t: tfjs.Tensor): tfjs.Tensor {
    const to = attributeInt(n, 'to', OnnxDataType.FLOAT);
    if (to === OnnxDataType.FLOAT || to === OnnxDataType.DOUBLE || to === OnnxDataType.FLOAT16) return this.tf.cast(t, 'float32');
    if (INTEGER_TYPES.has(to)) return t.dtype === 'int32' ? this.tf.clone(t) : this.tf.cast(t, 'int32');
    if (to === OnnxDataType.BOOL) return this.tf.cast(t, 'bool');
    throw new TfjsUnsupportedError(`Cast ${n.name}: to type ${to}`);
  }

  /** out[i…] = x[i…] with the `axis` coordinate taken from idx[i…]: a gatherND over built coordinates. */
  #gatherElements(n: OnnxNode, x: tfjs.Tensor, idx: tfjs.Tensor): Value {
    const tf = this.tf;
    const rank = x.rank;
    const axis = (attributeInt(n, 'axis', 0) + rank) % rank;
    const shape = idx.shape;
    let at = tf.cast(idx, 'int32');
    at = tf.where(tf.less(at, tf.scalar(0, 'int32')), tf.add(at, tf.scalar(x.shape[axis]!, 'int32')), at);
    const coords = shape.map((d, k) => {
      if (k === axis) return at;
      const view = shape.map((_, j) => (j === k ? d : 1));
      return tf.broadcastTo(tf.reshape(tf.range(0, d, 1, 'int32'), view), [...shape]);
    });
    return { t: tf.gatherND(x, tf.stack(coords, rank)), layout: 'nchw' };
  }

  #reduceMax(n: OnnxNode, x: tfjs.Tensor): Value {
    const axes = n.input?.[1] ? this.#constant(n, 1) : attributeInts(n, 'axes')?.map(Number);
    const keep = attributeInt(n, 'keepdims', 1) === 1;
    if (!axes || axes.length === 0) {
      if (attributeInt(n, 'noop_with_empty_axes', 0) === 1) return { t: this.tf.clone(x), layout: 'nchw' };
      return { t: this.tf.max(x, undefined, keep), layout: 'nchw' };
    }
    return { t: this.tf.max(x, axes.map((a) => (a + x.rank) % x.rank), keep), layout: 'nchw' };
  }

  /** tfjs' topk works on the last axis, largest first: move `axis` there, negate for smallest. */
  #topK(n: OnnxNode, x: tfjs.Tensor): Value[] {
    const tf = this.tf;
    const k = this.#constant(n, 1)[0]!;
    const axis = (attributeInt(n, 'axis', -1) + x.rank) % x.rank;
    const largest = attributeInt(n, 'largest', 1) === 1;
    const perm = [...Array(x.rank).keys()];
    [perm[axis], perm[x.rank - 1]] = [x.rank - 1, axis];
    const last = axis === x.rank - 1 ? x : tf.transpose(x, perm);
    const { values, indices } = tf.topk(largest ? last : tf.neg(last), k, true);
    const back = (t: tfjs.Tensor): tfjs.Tensor => (axis === x.rank - 1 ? t : tf.transpose(t, perm));
    return [{ t: back(largest ? values : tf.neg(values)), layout: 'nchw' }, { t: back(indices), layout: 'nchw' }];
  }

  /** Pad (opset 11+: pads, optional constant_value as inputs), constant or reflect; a 4-D map stays NHWC. */
  #pad(n: OnnxNode, values: Map<string, Value>): Value {
    const tf = this.tf;
    const x = this.#get(values, n.input![0]!);
    if (n.input?.[3]) throw new TfjsUnsupportedError(`Pad ${n.name}: axes input`);
    const p = n.input?.[1] ? this.#constant(n, 1) : (attributeInts(n, 'pads')?.map(Number) ?? []);
    if (p.some((v) => v < 0)) throw new TfjsUnsupportedError(`Pad ${n.name}: negative pads`);
    const rank = x.t.rank;
    const nchw = Array.from({ length: rank }, (_, k): [number, number] => [p[k] ?? 0, p[k + rank] ?? 0]);
    const paddings = rank === 4 && x.layout === 'nhwc' ? [nchw[0]!, nchw[2]!, nchw[3]!, nchw[1]!] : nchw;
    const mode = attributeString(n, 'mode') ?? 'constant';
    if (mode === 'reflect') return { t: tf.mirrorPad(x.t, paddings, 'reflect'), layout: x.layout };
    if (mode !== 'constant') throw new TfjsUnsupportedError(`Pad ${n.name}: mode ${mode}`);
    const value = n.input?.[2] ? this.#constant(n, 2)[0]! : attributeFloat(n, 'value', 0);
    return { t: tf.pad(x.t, paddings, value), layout: x.layout };
  }

  /** Slice (opset 10+: starts, ends, axes, steps as constant inputs), positive steps. */
  #slice(n: OnnxNode, x: tfjs.Tensor): Value {
    const starts = this.#constant(n, 1);
    const ends = this.#constant(n, 2);
    const axes = n.input?.[3] ? this.#constant(n, 3) : starts.map((_, k) => k);
    const steps = n.input?.[4] ? this.#constant(n, 4) : starts.map(() => 1);
    const begin = x.shape.map(() => 0);
    const end = [...x.shape];
    const strides = x.shape.map(() => 1);
    axes.forEach((a, k) => {
      const axis = a < 0 ? a + x.rank : a;
      const dim = x.shape[axis]!;
      if (steps[k]! <= 0) throw new TfjsUnsupportedError(`Slice ${n.name}: step ${steps[k]}`);
      const clamp = (v: number): number => Math.min(dim, Math.max(0, v < 0 ? v + dim : v));
      begin[axis] = clamp(starts[k]!);
      end[axis] = Math.max(begin[axis], clamp(ends[k]!));
      strides[axis] = steps[k]!;
    });
    if (strides.every((v) => v === 1)) return { t: this.tf.slice(x, begin, end.map((e, k) => e - begin[k]!)), layout: 'nchw' };
    return { t: this.tf.stridedSlice(x, begin, end, strides), layout: 'nchw' };
  }

  #resize(n: OnnxNode, values: Map<string, Value>): Value {
    const x = this.#nhwc(values, n.input![0]!);
    const mode = attributeString(n, 'mode') ?? 'nearest';
    if (mode !== 'nearest') throw new TfjsUnsupportedError(`Resize ${n.name}: mode ${mode}`);
    const scales = n.input?.[2] ? this.#numbers.get(n.input[2]) : undefined;
    const sizes = n.input?.[3] ? this.#numbers.get(n.input[3]) : undefined;
    const [, h, w] = x.shape;
    const size: [number, number] = sizes ? [sizes[2]!, sizes[3]!] : [Math.floor(h * scales![2]!), Math.floor(w * scales![3]!)];
    return { t: this.tf.image.resizeNearestNeighbor(x, size), layout: 'nhwc' };
  }

  dispose(): void {
    for (const t of this.#consts.values()) t.dispose();
    for (const c of this.#convs.values()) c.filter.dispose();
    for (const f of this.#deconvFilters.values()) f.dispose();
  }
}

/** Numpy (bidirectional) broadcast of two shapes, as ONNX Expand uses. */
function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, k) => {
    const x = a[a.length - rank + k] ?? 1;
    const y = b[b.length - rank + k] ?? 1;
    return x === 1 ? y : x;
  });
}
