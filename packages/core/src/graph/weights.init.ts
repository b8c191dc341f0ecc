import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { BatchNormStats, ConvOp, ConvWeights, DetectOp, DetectV5Op, ModelGraph, ModelWeights } from './graph.types.js';

/** Ultralytics sets BatchNorm eps to 1e-3 (torch's default is 1e-5). */
export const ULTRALYTICS_BN_EPS = 1e-3;

export interface InitWeightsOptions {
  readonly seed: number;
  /**
   * `pytorch` (default): torch's own defaults, U(±1/√fan_in). Signals shrink about 3× per conv, so
   * an untrained deep model's output barely depends on early layers. `he`: U(±√(6/fan_in)),
   * variance-preserving, for experiments that need every site to move the output.
   */
  readonly scheme?: 'pytorch' | 'he';
  /** BatchNorm statistics per conv (`model.2.cv1.conv`), e.g. from a data-dependent init. */
  readonly batchNorm?: ReadonlyMap<string, BatchNormStats>;
}

/**
 * Seeded weights as a freshly constructed PyTorch model has them: conv weights
 * kaiming_uniform(a=√5), i.e. U(±1/√fan_in), biases U(±1/√fan_in), BatchNorm γ=1, β=0, mean 0,
 * var 1, plus Ultralytics' detection-head bias init. Convs are drawn in forward order from one
 * xoroshiro128+ stream, so a seed always gives the same model.
 */
export function initWeights(graph: ModelGraph, options: InitWeightsOptions): ModelWeights {
  const rng = xoroshiro128plus(options.seed);
  const uniform = (n: number, bound: number): Float32Array => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = ((rng.next() >>> 0) / 4294967296 * 2 - 1) * bound;
    return out;
  };
  const gain = options.scheme === 'he' ? Math.sqrt(6) : 1;
  const weights = new Map<string, ConvWeights>();
  for (const op of graph.ops) {
    if (op.kind === 'conv') {
      const fanIn = (op.cin / op.g) * op.k * op.k;
      const bound = 1 / Math.sqrt(fanIn);
      const weight = uniform(op.cout * fanIn, gain * bound);
      const bias = op.bias ? uniform(op.cout, bound) : undefined;
      const bn = op.bn ? (options.batchNorm?.get(op.convName) ?? defaultBatchNorm(op.cout)) : undefined;
      const branch = op.branch ? branchWeights(op, uniform, gain, options.batchNorm) : undefined;
      weights.set(op.convName, { weight, ...(bias ? { bias } : {}), ...(bn ? { bn } : {}), ...(branch ? { branch } : {}) });
    } else if (op.kind === 'convtranspose') {
      // torch computes a transposed conv's fan-in over its output channels.
      const bound = 1 / Math.sqrt(op.cout * op.k * op.k);
      const weight = uniform(op.cin * op.cout * op.k * op.k, gain * bound);
      weights.set(op.convName, { weight, ...(op.bias ? { bias: uniform(op.cout, bound) } : {}) });
    } else if (op.kind === 'scaled-add') {
      weights.set(op.paramName, { weight: new Float32Array(op.channels).fill(0.01) });
    }
  }
  for (const op of graph.ops) {
    if (op.kind === 'detect') initDetectBiases(op, weights);
    if (op.kind === 'detect-v5') initDetectV5Biases(op, weights);
  }
  return weights;
}

export function defaultBatchNorm(channels: number): BatchNormStats {
  return {
    gamma: new Float32Array(channels).fill(1),
    beta: new Float32Array(channels),
    mean: new Float32Array(channels),
    variance: new Float32Array(channels).fill(1),
    eps: ULTRALYTICS_BN_EPS,
  };
}

function branchWeights(
  op: ConvOp,
  uniform: (n: number, bound: number) => Float32Array,
  gain: number,
  batchNorm: ReadonlyMap<string, BatchNormStats> | undefined,
): NonNullable<ConvWeights['branch']> {
  const { k, convName } = op.branch!;
  const fanIn = (op.cin / op.g) * k * k;
  return { weight: uniform(op.cout * fanIn, gain / Math.sqrt(fanIn)), bn: batchNorm?.get(convName) ?? defaultBatchNorm(op.cout) };
}

/** Ultralytics 8.4 `Detect.bias_init`: box logits 2.0, class logits log(5 / nc / (640 / s)²). */
function initDetectBiases(op: DetectOp, weights: Map<string, ConvWeights>): void {
  op.strides.forEach((s, i) => {
    weights.get(`${op.boxBranch}.${i}.2`)?.bias?.fill(2);
    weights.get(`${op.clsBranch}.${i}.2`)?.bias?.fill(Math.log(5 / op.nc / (640 / s) ** 2));
  });
}

/** YOLOv5 `_initialize_biases`: objectness log(8 / (640 / s)²), classes log(0.6 / (nc − 0.99)). */
function initDetectV5Biases(op: DetectV5Op, weights: Map<string, ConvWeights>): void {
  const no = op.nc + 5;
  op.strides.forEach((s, i) => {
    const bias = weights.get(`${op.module}.m.${i}`)?.bias;
    if (!bias) return;
    for (let a = 0; a < bias.length / no; a++) {
      bias[a * no + 4]! += Math.log(8 / (640 / s) ** 2);
      for (let c = 5; c < no; c++) bias[a * no + c]! += Math.log(0.6 / (op.nc - 0.99));
    }
  });
}

/**
 * The conv weights with BatchNorm folded in: W·γ/√(var+eps), β + (b − mean)·γ/√(var+eps); a
 * RepConv / RepVGGDW branch is folded the same way and added at the kernel's centre, as
 * Ultralytics' fuse_convs does.
 */
export function foldBatchNorm(conv: ConvOp, w: ConvWeights): { readonly weight: Float32Array; readonly bias?: Float32Array } {
  if (!w.bn) return w.bias ? { weight: w.weight, bias: w.bias } : { weight: w.weight };
  const { weight, bias } = foldOne(conv.cout, w.weight, w.bias, w.bn);
  if (!w.branch || !conv.branch) return { weight, bias };
  const b = foldOne(conv.cout, w.branch.weight, undefined, w.branch.bn);
  const k = conv.k;
  const bk = conv.branch.k;
  const off = (k - bk) / 2;
  const planes = weight.length / (k * k);
  for (let q = 0; q < planes; q++) {
    for (let y = 0; y < bk; y++) {
      for (let x = 0; x < bk; x++) weight[q * k * k + (y + off) * k + x + off]! += b.weight[q * bk * bk + y * bk + x]!;
    }
  }
  for (let o = 0; o < conv.cout; o++) bias[o]! += b.bias[o]!;
  return { weight, bias };
}

function foldOne(cout: number, w: Float32Array, b: Float32Array | undefined, bn: BatchNormStats): { weight: Float32Array; bias: Float32Array } {
  const { gamma, beta, mean, variance, eps } = bn;
  const perOut = w.length / cout;
  const weight = new Float32Array(w.length);
  const bias = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    const scale = gamma[o]! / Math.sqrt(variance[o]! + eps);
    for (let j = o * perOut; j < (o + 1) * perOut; j++) weight[j] = w[j]! * scale;
    bias[o] = beta[o]! + ((b?.[o] ?? 0) - mean[o]!) * scale;
  }
  return { weight, bias };
}
