/**
 * Activation kinds. A kind is data: its canonical id, display label, the names other tools use
 * for it, its parameters, and a scalar reference implementation. Which kind is the *reference*
 * at a site is part of the search space, never assumed here.
 */

/** The computational families the graph builder, ONNX lowering and runtimes know how to run. */
export type ActivationFamily =
  | 'relu'
  | 'silu'
  | 'hardswish'
  | 'relu6'
  | 'leakyrelu'
  | 'gelu'
  | 'mish'
  | 'hardsigmoid'
  | 'identity';

export interface ActivationKind {
  /** Canonical id used in tables, assignments and APIs: `relu`, `leakyrelu`, `leakyrelu(0.2)`. */
  readonly id: string;
  /** Human label: `ReLU`, `LeakyReLU(0.2)`. */
  readonly label: string;
  readonly family: ActivationFamily;
  /** Family parameters, e.g. `{ alpha: 0.1 }` for LeakyReLU. */
  readonly params: Readonly<Record<string, number>>;
  /** The PyTorch module Ultralytics YAML uses for it, e.g. `nn.LeakyReLU(0.1)`. */
  readonly torchModule: string;
  /** Scalar reference implementation (float64). */
  readonly apply: (x: number) => number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
/** erf by Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7), enough for a reference GELU. */
const erf = (x: number): number => {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
};

/** LeakyReLU's default slope, as Ultralytics and the paper use it. */
export const DEFAULT_LEAKY_ALPHA = 0.1;

export const ReLU: ActivationKind = Object.freeze({
  id: 'relu', label: 'ReLU', family: 'relu', params: {}, torchModule: 'nn.ReLU()', apply: (x: number) => Math.max(0, x),
});
export const SiLU: ActivationKind = Object.freeze({
  id: 'silu', label: 'SiLU', family: 'silu', params: {}, torchModule: 'nn.SiLU()', apply: (x: number) => x * sigmoid(x),
});
export const Hardswish: ActivationKind = Object.freeze({
  id: 'hardswish', label: 'Hardswish', family: 'hardswish', params: {}, torchModule: 'nn.Hardswish()',
  apply: (x: number) => (x * clamp(x + 3, 0, 6)) / 6,
});
export const ReLU6: ActivationKind = Object.freeze({
  id: 'relu6', label: 'ReLU6', family: 'relu6', params: {}, torchModule: 'nn.ReLU6()', apply: (x: number) => clamp(x, 0, 6),
});

export function leakyReLU(alpha: number = DEFAULT_LEAKY_ALPHA): ActivationKind {
  if (!Number.isFinite(alpha) || alpha < 0 || alpha >= 1) {
    throw new RangeError(`LeakyReLU alpha must be in [0, 1), got ${alpha}`);
  }
  const isDefault = alpha === DEFAULT_LEAKY_ALPHA;
  return Object.freeze({
    id: isDefault ? 'leakyrelu' : `leakyrelu(${alpha})`,
    label: isDefault ? 'LeakyReLU' : `LeakyReLU(${alpha})`,
    family: 'leakyrelu',
    params: Object.freeze({ alpha }),
    torchModule: `nn.LeakyReLU(${alpha})`,
    apply: (x: number) => (x >= 0 ? x : alpha * x),
  });
}
export const LeakyReLU: ActivationKind = leakyReLU();

/* Extension kinds: not candidates by default; a user registers them to search over them. */
export const GELU: ActivationKind = Object.freeze({
  id: 'gelu', label: 'GELU', family: 'gelu', params: {}, torchModule: 'nn.GELU()',
  apply: (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
});
export const Mish: ActivationKind = Object.freeze({
  id: 'mish', label: 'Mish', family: 'mish', params: {}, torchModule: 'nn.Mish()',
  apply: (x: number) => x * Math.tanh(Math.log1p(Math.exp(x))),
});
export const HardSigmoid: ActivationKind = Object.freeze({
  id: 'hardsigmoid', label: 'Hardsigmoid', family: 'hardsigmoid', params: {}, torchModule: 'nn.Hardsigmoid()',
  apply: (x: number) => clamp(x / 6 + 0.5, 0, 1),
});
export const Identity: ActivationKind = Object.freeze({
  id: 'identity', label: 'Identity', family: 'identity', params: {}, torchModule: 'nn.Identity()', apply: (x: number) => x,
});

/** The paper's five candidates, in the paper's order. */
export const PAPER_ACTIVATIONS: readonly ActivationKind[] = Object.freeze([ReLU, SiLU, Hardswish, ReLU6, LeakyReLU]);
/** Kinds a user may add to a registry. */
export const EXTENSION_ACTIVATIONS: readonly ActivationKind[] = Object.freeze([GELU, Mish, HardSigmoid, Identity]);
