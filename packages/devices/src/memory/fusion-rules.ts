import type { ActivationFamily, ActivationKind } from '@actnas/core';

/**
 * What a device's compiler does with an activation after a convolution: fuse it (no buffer of
 * its own) or run it as separate operators, each writing a feature-map-sized tensor.
 */
export interface FusionRules {
  readonly id: string;
  readonly fused: ReadonlySet<ActivationFamily>;
  /** Operators an unfused family lowers to (default 1), e.g. TFLite SiLU = LOGISTIC + MUL. */
  readonly unfusedOps?: Readonly<Partial<Record<ActivationFamily, number>>>;
}

export const ORT_CPU_FUSION: FusionRules = {
  id: 'ort-cpu',
  // Relu, LeakyRelu, Clip, HardSigmoid fuse into Conv; Sigmoid+Mul becomes one QuickGelu kernel.
  fused: new Set<ActivationFamily>(['relu', 'leakyrelu', 'relu6', 'hardsigmoid']),
};

export const XNNPACK_FUSION: FusionRules = {
  id: 'xnnpack',
  fused: new Set<ActivationFamily>(['relu', 'relu6']),
  unfusedOps: { silu: 2 },
};

export const NPU_FUSION: FusionRules = {
  id: 'npu',
  fused: new Set<ActivationFamily>(['relu', 'relu6', 'leakyrelu']),
  unfusedOps: { silu: 2 },
};

export const FUSION_RULES: Readonly<Record<string, FusionRules>> = {
  'ort-cpu': ORT_CPU_FUSION,
  xnnpack: XNNPACK_FUSION,
  npu: NPU_FUSION,
};

export function fusionRulesFor(families: readonly ActivationFamily[], id = 'custom', unfusedOps?: FusionRules['unfusedOps']): FusionRules {
  return { id, fused: new Set(families), ...(unfusedOps ? { unfusedOps } : {}) };
}

/** Separate operators the activation needs on this device: 0 when fused into the conv. */
export function activationOpCount(rules: FusionRules, kind: ActivationKind): number {
  if (rules.fused.has(kind.family) || kind.family === 'identity') return 0;
  return rules.unfusedOps?.[kind.family] ?? 1;
}
