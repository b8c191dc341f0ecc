import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  EXTENSION_ACTIVATIONS, LeakyReLU, PAPER_ACTIVATIONS, ReLU, buildGraph, builtinModelSpec, emitOnnx, initWeights, parseModelYaml,
} from '@actnas/core';
import type { ActivationKind, ConvWeights, ModelGraph } from '@actnas/core';

const session = (bytes: Uint8Array): Promise<ort.InferenceSession> =>
  ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 2 });

/** A deterministic image-like input in [0, 1). */
function image(batch: number, size: number): ort.Tensor {
  const data = new Float32Array(batch * 3 * size * size).map((_, i) => ((i * 7919) % 251) / 251);
  return new ort.Tensor('float32', data, [batch, 3, size, size]);
}

async function run(graph: ModelGraph, options: Parameters<typeof emitOnnx>[1], input = image(1, graph.imgsz)) {
  const s = await session(emitOnnx(graph, options));
  const out = (await s.run({ images: input }))['output0']!;
  return { dims: out.dims, data: out.data as Float32Array };
}

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('emitted ONNX in onnxruntime-node', () => {
  it('yolov5nu at 640 gives [1, 84, 8400] with finite boxes and class probabilities', async () => {
    const g = buildGraph(builtinModelSpec('yolov5nu'), { imgsz: 640 });
    const { dims, data } = await run(g, { opset: 17 });
    expect(dims).toEqual([1, 84, 8400]);
    expect(data.every(Number.isFinite)).toBe(true);
    // Untrained torch-default weights leave the box logits nearly flat: DFL gives 7.5 bins a side,
    // so the first anchor (centre 0.5 cell, stride 8) decodes to about xywh (4, 4, 120, 120).
    expect([data[0], data[8400], data[2 * 8400], data[3 * 8400]].map((v) => Math.round(v!))).toEqual([4, 4, 120, 120]);
    const probs = data.subarray(4 * 8400);
    expect(probs.every((p) => p >= 0 && p <= 1)).toBe(true);
  });

  const g160 = buildGraph(builtinModelSpec('yolov5nu'), { imgsz: 160 });
  const weights = initWeights(g160, { seed: 1, scheme: 'he' });

  it('loads at opset 13 and 17 with the same outputs (Hardswish lowered both ways)', async () => {
    const assignment = new Map(g160.sites.map((s, i) => [s.name, PAPER_ACTIVATIONS[i % 5]!] as const));
    const a = await run(g160, { opset: 13, weights, assignment });
    const b = await run(g160, { opset: 17, weights, assignment });
    expect(a.dims).toEqual([1, 84, 525]);
    expect(maxAbsDiff(a.data, b.data)).toBeLessThan(1e-3);
  });

  it('changes the output when one site goes from SiLU to ReLU', async () => {
    const base = await run(g160, { weights });
    const swapped = await run(g160, { weights, assignment: { 'model.9.cv2.act': ReLU } });
    expect(maxAbsDiff(base.data, swapped.data)).toBeGreaterThan(1e-3);
  });

  it('runs batch 2 with a dynamic batch, each item as in batch 1', async () => {
    const s = await session(emitOnnx(g160, { weights, dynamicBatch: true, opset: 13 }));
    const two = image(2, 160);
    const out = (await s.run({ images: two }))['output0']!;
    expect(out.dims).toEqual([2, 84, 525]);
    const second = new ort.Tensor('float32', (two.data as Float32Array).slice(3 * 160 * 160), [1, 3, 160, 160]);
    const single = (await s.run({ images: second }))['output0']!.data as Float32Array;
    expect(maxAbsDiff((out.data as Float32Array).subarray(84 * 525), single)).toBeLessThan(1e-3);
  });

  it('runs the classic anchor head (yolov5n) and yolov8n', async () => {
    const v5 = await run(buildGraph(builtinModelSpec('yolov5n'), { imgsz: 320 }), { opset: 13 });
    expect(v5.dims).toEqual([1, 6300, 85]);
    expect(v5.data.every(Number.isFinite)).toBe(true);
    const v8 = await run(buildGraph(builtinModelSpec('yolov8n'), { imgsz: 160 }), { opset: 17, dynamicBatch: true });
    expect(v8.dims).toEqual([1, 84, 525]);
  });
});

describe('activation lowering against ActivationKind.apply', () => {
  const tiny = buildGraph(parseModelYaml('nc: 1\nbackbone:\n  - [-1, 1, Conv, [3, 1, 1]]\nhead: []\n', { name: 'tiny' }), { imgsz: 32 });
  const conv = tiny.ops[0]!;
  // Channels round up to 8 as in Ultralytics; output channel o copies input channel o % 3.
  const eye = Float32Array.from({ length: 8 * 3 }, (_, i) => (Math.floor(i / 3) % 3 === i % 3 ? 1 : 0));
  const identityBn = { gamma: new Float32Array(8).fill(1), beta: new Float32Array(8), mean: new Float32Array(8), variance: new Float32Array(8).fill(1), eps: 0 };
  const weights = new Map<string, ConvWeights>([[conv.kind === 'conv' ? conv.convName : '', { weight: eye, bn: identityBn }]]);
  const n = 3 * 32 * 32;
  const x = Float32Array.from({ length: n }, (_, i) => -8 + (16 * i) / (n - 1));
  const kinds: readonly ActivationKind[] = [...PAPER_ACTIVATIONS, ...EXTENSION_ACTIVATIONS];
  const plane = 32 * 32;

  it.each(kinds.flatMap((k) => [13, 17].map((opset) => [k.id, opset, k] as const)))('%s at opset %i', async (_id, opset, kind) => {
    const s = await session(emitOnnx(tiny, { opset, weights, assignment: { 'model.0.act': kind } }));
    const out = (await s.run({ images: new ort.Tensor('float32', x, [1, 3, 32, 32]) }))['output0']!.data as Float32Array;
    expect(out).toHaveLength(8 * plane);
    const worst = out.reduce((m, y, i) => {
      const ref = kind.apply(x[(Math.floor(i / plane) % 3) * plane + (i % plane)]!);
      return Math.max(m, Math.abs(y - ref));
    }, 0);
    expect(worst).toBeLessThan(1e-5);
  });
});

describe('emitted ONNX of the 8.4 families in onnxruntime-node', () => {
  it.each(['yolo11n', 'yolo12n', 'yolo26n', 'yolov10n', 'yolov9t'])('%s runs at 160 with finite outputs, and a LeakyReLU at its first site changes them', async (name) => {
    const g = buildGraph(builtinModelSpec(name), { imgsz: 160 });
    const weights = initWeights(g, { seed: 1, scheme: 'he' });
    const base = await run(g, { weights, opset: 17 });
    expect(base.dims).toEqual([1, ...g.output.shape]);
    expect(base.data.every(Number.isFinite)).toBe(true);
    const site = g.sites[0]!.name;
    const swapped = await run(g, { weights, opset: 17, assignment: { [site]: LeakyReLU } });
    expect(maxAbsDiff(base.data, swapped.data)).toBeGreaterThan(1e-4);
  });

  it('gives the same end-to-end detections at opsets 13, 17, 18 and 20 (ReduceMax takes axes as an input from 18)', async () => {
    const g = buildGraph(builtinModelSpec('yolo26n'), { imgsz: 160 });
    const weights = initWeights(g, { seed: 2, scheme: 'he' });
    const outs = await Promise.all([13, 17, 18, 20].map((opset) => run(g, { weights, opset })));
    for (const o of outs.slice(1)) expect(maxAbsDiff(outs[0]!.data, o.data)).toBeLessThan(1e-3);
  });

  it('runs an end-to-end head with a dynamic batch, each image as alone', async () => {
    const g = buildGraph(builtinModelSpec('yolov10n'), { imgsz: 160 });
    const weights = initWeights(g, { seed: 3, scheme: 'he' });
    const s = await session(emitOnnx(g, { weights, dynamicBatch: true, opset: 17 }));
    const two = image(2, 160);
    const out = (await s.run({ images: two }))['output0']!;
    expect(out.dims).toEqual([2, 300, 6]);
    const second = new ort.Tensor('float32', (two.data as Float32Array).slice(3 * 160 * 160), [1, 3, 160, 160]);
    const single = (await s.run({ images: second }))['output0']!.data as Float32Array;
    expect(maxAbsDiff((out.data as Float32Array).subarray(300 * 6), single)).toBeLessThan(1e-3);
  });
});
