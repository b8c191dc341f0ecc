import type { GraphOp } from './graph.types.js';

const convWeights = (cout: number, cin: number, g: number, k: number): number => cout * (cin / g) * k * k;

/**
 * Parameters of one op as Ultralytics' `model.info()` counts them: every nn.Parameter,
 * so BatchNorm γ and β count, a RepConv's second branch counts, and the DFL's fixed conv counts.
 */
export function opParams(op: GraphOp): number {
  switch (op.kind) {
    case 'conv': {
      const branch = op.branch ? convWeights(op.cout, op.cin, op.g, op.branch.k) + 2 * op.cout : 0;
      return convWeights(op.cout, op.cin, op.g, op.k) + (op.bias ? op.cout : 0) + (op.bn ? 2 * op.cout : 0) + branch;
    }
    case 'convtranspose': return op.cin * op.cout * op.k * op.k + (op.bias ? op.cout : 0);
    case 'scaled-add': return op.channels;
    case 'detect': return op.regMax > 1 ? op.regMax : 0;
    default: return 0;
  }
}

/** Parameters after Ultralytics' fuse(): BatchNorm folded into a bias, RepConv branches merged. */
export function opFusedParams(op: GraphOp): number {
  if (op.kind === 'conv' && op.bn) return convWeights(op.cout, op.cin, op.g, op.k) + op.cout;
  return opParams(op);
}

/**
 * FLOPs of one op as Ultralytics reports GFLOPs for the fused model (thop multiply-accumulates
 * × 2 of nn.Conv2d and nn.ConvTranspose2d modules, BN folded): activations, pooling, nearest
 * resizing, concatenation and the functional matmuls of attention count zero, as thop counts them.
 */
export function opFlops(op: GraphOp): number {
  switch (op.kind) {
    case 'conv': {
      const [c, h, w] = op.output.shape as [number, number, number];
      return 2 * c * h * w * (op.cin / op.g) * op.k * op.k;
    }
    case 'convtranspose': {
      // thop counts a transposed conv over its input volume.
      const [, h, w] = op.output.shape as [number, number, number];
      const inH = (h - op.k + 2 * op.p) / op.s + 1;
      const inW = (w - op.k + 2 * op.p) / op.s + 1;
      return 2 * op.cin * inH * inW * op.cout * op.k * op.k;
    }
    case 'detect': {
      if (op.regMax <= 1) return 0;
      const anchors = op.grids.reduce((s, [h, w]) => s + h * w, 0);
      return 2 * 4 * anchors * op.regMax;
    }
    default: return 0;
  }
}
