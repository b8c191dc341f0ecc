import type { GraphOp } from './graph.types.js';

/**
 * Parameters of one op as Ultralytics' `model.info()` counts them: every nn.Parameter,
 * so BatchNorm γ and β count and the DFL's fixed 16-weight conv counts too.
 */
export function opParams(op: GraphOp): number {
  if (op.kind === 'conv') {
    return op.cout * (op.cin / op.g) * op.k * op.k + (op.bias ? op.cout : 0) + (op.bn ? 2 * op.cout : 0);
  }
  if (op.kind === 'detect-v8') return op.regMax;
  return 0;
}

/** Parameters after folding BatchNorm into the conv: γ, β become one bias per channel. */
export function opFusedParams(op: GraphOp): number {
  return op.kind === 'conv' && op.bn ? opParams(op) - op.cout : opParams(op);
}

/**
 * FLOPs of one op as Ultralytics reports GFLOPs for the fused model (thop multiply-accumulates
 * × 2): convolutions only, BatchNorm folded away; activations, pooling, nearest upsampling and
 * concatenation count zero, as thop counts them.
 */
export function opFlops(op: GraphOp): number {
  if (op.kind === 'conv') {
    const [c, h, w] = op.output.shape as [number, number, number];
    return 2 * c * h * w * (op.cin / op.g) * op.k * op.k;
  }
  if (op.kind === 'detect-v8') {
    const anchors = op.output.shape[1]!;
    return 2 * 4 * anchors * op.regMax;
  }
  return 0;
}
