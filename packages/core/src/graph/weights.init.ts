import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { BatchNormStats, ConvOp, ConvWeights, DetectV5Op, DetectV8Op, ModelGraph, ModelWeights } from './graph.types.js';

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
  const weights = new Map<string, ConvWeights>();
  for (const op of graph.ops) {
    if (op.kind !== 'conv') continue;
    const fanIn = (op.cin / op.g) * op.k * op.k;
    const bound = 1 / Math.sqrt(fanIn);
    const weight = uniform(op.cout * fanIn, options.scheme === 'he' ? Math.sqrt(6) * bound : bound);
    const bias = op.bias ? uniform(op.cout, bound) : undefined;
    const bn = op.bn ? (options.batchNorm?.get(op.convName) ?? defaultBatchNorm(op.cout)) : undefined;
    weights.set(op.convName, { weight, ...(bias ? { bias } : {}), ...(bn ? { bn } : {}) });
  }
  for (const op of graph.ops) {
    if (op.kind === 'detect-v8') initDetectV8Biases(op, weights);
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

/** Ultralytics `Detect.bias_init`: box logits 1.0, class logits log(5 / nc / (640 / s)²). */
function initDetectV8Biases(op: DetectV8Op, weights: Map<string, ConvWeights>): void {
  op.strides.forEach((s, i) => {
    weights.get(`${op.module}.cv2.${i}.2`)?.bias?.fill(1);
    weights.get(`${op.module}.cv3.${i}.2`)?.bias?.fill(Math.log(5 / op.nc / (640 / s) ** 2));
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

/** The conv weights with BatchNorm folded in: W·γ/√(var+eps), β + (b − mean)·γ/√(var+eps). */
export function foldBatchNorm(conv: ConvOp, w: ConvWeights): { readonly weight: Float32Array; readonly bias?: Float32Array } {
  if (!w.bn) return w.bias ? { weight: w.weight, bias: w.bias } : { weight: w.weight };
  const { gamma, beta, mean, variance, eps } = w.bn;
  const perOut = w.weight.length / conv.cout;
  const weight = new Float32Array(w.weight.length);
  const bias = new Float32Array(conv.cout);
  for (let o = 0; o < conv.cout; o++) {
    const scale = gamma[o]! / Math.sqrt(variance[o]! + eps);
    for (let j = o * perOut; j < (o + 1) * perOut; j++) weight[j] = w.weight[j]! * scale;
    bias[o] = beta[o]! + ((w.bias?.[o] ?? 0) - mean[o]!) * scale;
  }
  return { weight, bias };
}
