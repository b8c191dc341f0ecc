import { describe, expect, it } from 'vitest';
import { ULTRALYTICS_BN_EPS, buildGraph, builtinModelSpec, defaultBatchNorm, foldBatchNorm, initWeights } from '@actnas/core';
import type { ConvOp } from '@actnas/core';

const graph = buildGraph(builtinModelSpec('yolov5nu'), { imgsz: 160 });
const convs = graph.ops.filter((op): op is ConvOp => op.kind === 'conv');

describe('seeded weights', () => {
  it('covers every conv with PyTorch-default shapes and bounds, BN at its defaults', () => {
    const w = initWeights(graph, { seed: 0 });
    expect(w.size).toBe(convs.length);
    for (const op of convs) {
      const cw = w.get(op.convName)!;
      const fanIn = (op.cin / op.g) * op.k * op.k;
      expect(cw.weight).toHaveLength(op.cout * fanIn);
      expect(cw.weight.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeLessThanOrEqual(Math.fround(1 / Math.sqrt(fanIn)));
      expect(cw.bias !== undefined).toBe(op.bias);
      expect(cw.bn !== undefined).toBe(op.bn);
    }
    expect(w.get('model.0.conv')!.bn).toMatchObject({ eps: ULTRALYTICS_BN_EPS });
    // Ultralytics 8.4 Detect.bias_init: box logits 2.0.
    expect([...w.get('model.24.cv2.0.2')!.bias!].every((b) => b === 2)).toBe(true);
    expect(w.get('model.24.cv3.1.2')!.bias![0]).toBeCloseTo(Math.log(5 / 80 / (640 / 16) ** 2), 5);
  });

  it('is a pure function of the seed', () => {
    const a = initWeights(graph, { seed: 7 }).get('model.9.cv2.conv')!.weight;
    expect(initWeights(graph, { seed: 7 }).get('model.9.cv2.conv')!.weight).toEqual(a);
    expect(initWeights(graph, { seed: 8 }).get('model.9.cv2.conv')!.weight).not.toEqual(a);
  });

  it('takes BatchNorm statistics per conv and folds them as y = γ(conv(x) − μ)/√(σ² + ε) + β', () => {
    const bn = { ...defaultBatchNorm(16), gamma: new Float32Array(16).fill(2), mean: new Float32Array(16).fill(0.5), variance: new Float32Array(16).fill(3), beta: new Float32Array(16).fill(-1) };
    const w = initWeights(graph, { seed: 0, batchNorm: new Map([['model.0.conv', bn]]) });
    const raw = w.get('model.0.conv')!;
    expect(raw.bn).toBe(bn);
    const folded = foldBatchNorm(convs[0]!, raw);
    const scale = 2 / Math.sqrt(3 + ULTRALYTICS_BN_EPS);
    expect(folded.weight[5]).toBeCloseTo(raw.weight[5]! * scale, 6);
    expect(folded.bias![3]).toBeCloseTo(-1 - 0.5 * scale, 6);
  });
});
