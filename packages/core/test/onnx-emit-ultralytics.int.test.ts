import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildGraph, emitOnnx, initWeights, parseModelYaml } from '@actnas/core';
import type { ModelWeights } from '@actnas/core';

interface OutputSignature {
  readonly shape: readonly number[];
  readonly sum: number;
  readonly abs: number;
  readonly at?: readonly number[];
  readonly values?: readonly number[];
  /** End-to-end outputs: the 8 best scores (rows with near-equal scores may trade places). */
  readonly topScores?: readonly number[];
}

/**
 * What Ultralytics 8.4.52's fused torch model (Detect.export = True) outputs for these YAMLs when
 * it is loaded with the weights below and fed `image()`: measured with
 * packages/core/scripts/ultralytics-oracle (emit-for-check.ts, emit_check.py), which copies the initializers of the
 * emitted ONNX into the model's state_dict by name. `tol`: YOLOv3-tiny's box logits are large
 * enough that DFL's softmax turns float32 rounding into ~1e-3 relative differences.
 */
const GOLDEN: readonly { name: string; file: string; imgsz: number; tol?: number; outputs: readonly OutputSignature[] }[] = [
  { name: 'yolo11n', file: 'yolo11.yaml', imgsz: 64, outputs: [
    { shape: [84, 84], sum: 36165.563611, abs: 36165.563611, at: [0, 1007, 2015, 3023, 4031, 5039, 6047, 7055], values: [10.90219, 0.07660792, 0.08539493, 0.7156443, 0.06119624, 0.9409574, 0.9066629, 0.8729038] },
  ] },
  { name: 'yolo12n', file: 'yolo12.yaml', imgsz: 64, outputs: [
    { shape: [84, 84], sum: 31275.437576, abs: 33353.943416, at: [0, 1007, 2015, 3023, 4031, 5039, 6047, 7055], values: [-4, 0, 1, 1.400095e-37, 1, 0.008168946, 0, 1] },
  ] },
  { name: 'yolo26n', file: 'yolo26.yaml', imgsz: 160, outputs: [
    { shape: [300, 6], sum: 87996.715153, abs: 93949.661214, topScores: [0.9519413, 0.9519253, 0.9519241, 0.9519219, 0.9519205, 0.9519091, 0.9519073, 0.951905] },
  ] },
  { name: 'yolov10n', file: 'yolov10n.yaml', imgsz: 160, outputs: [
    { shape: [300, 6], sum: 107003.870463, abs: 150279.959551, topScores: [0.9507865, 0.9507577, 0.95075, 0.9507473, 0.9507456, 0.9507442, 0.9507401, 0.9507396] },
  ] },
  { name: 'yolov9t', file: 'yolov9t.yaml', imgsz: 64, outputs: [
    { shape: [84, 84], sum: 36181.928737, abs: 36181.928737, at: [0, 1007, 2015, 3023, 4031, 5039, 6047, 7055], values: [10.92762, 0.07656956, 0.08538685, 0.7157277, 0.06118087, 0.9409618, 0.9066591, 0.8728908] },
  ] },
  { name: 'yolo11n-seg', file: 'yolo11-seg.yaml', imgsz: 64, outputs: [
    { shape: [116, 84], sum: 36141.724901, abs: 40404.087623, at: [0, 1391, 2783, 4175, 5567, 6959, 8351, 9743], values: [10.90219, 0.6316693, 0.9161258, 0.8141304, 0.8375424, 0.7938443, 2.039824, -1.122169] },
    { shape: [32, 16, 16], sum: 6695.224762, abs: 8314.095318, at: [0, 1170, 2340, 3510, 4680, 5850, 7020, 8191], values: [1.191712, -0.1249408, 1.084716, 2.693039, 1.699652, 0.255858, 2.52758, 0.1561543] },
  ] },
  { name: 'yolo26n-seg', file: 'yolo26-seg.yaml', imgsz: 160, outputs: [
    { shape: [300, 38], sum: 89956.706619, abs: 108244.813141, topScores: [0.9519413, 0.9519253, 0.9519241, 0.9519219, 0.9519205, 0.9519091, 0.9519073, 0.951905] },
    { shape: [32, 40, 40], sum: 61134.412637, abs: 69981.146073, at: [0, 7314, 14628, 21942, 29256, 36570, 43884, 51199], values: [0.01425214, 5.558914, -0.2752046, -0.1071206, -0.2691476, -0.2072062, 2.318536, -0.0451929] },
  ] },
  { name: 'yolo26n-pose', file: 'yolo26-pose.yaml', imgsz: 160, outputs: [
    { shape: [300, 57], sum: 856775.541368, abs: 929192.800230, topScores: [0.9519413, 0.9519253, 0.9519241, 0.9519219, 0.9519205, 0.9519091, 0.9519073, 0.951905] },
  ] },
  { name: 'yolov8n-pose', file: 'yolov8-pose.yaml', imgsz: 64, outputs: [
    { shape: [56, 84], sum: 124835.354115, abs: 161941.573459, at: [0, 671, 1343, 2015, 2687, 3359, 4031, 4703], values: [10.93434, 0.4592372, 115.5495, -158.3667, 0.8806717, 30.40278, -5.070793, 0.8403674] },
  ] },
  { name: 'yolov6n', file: 'yolov6.yaml', imgsz: 64, outputs: [
    { shape: [84, 84], sum: 35147.119407, abs: 35284.812507, at: [0, 1007, 2015, 3023, 4031, 5039, 6047, 7055], values: [-10.01692, 0.2343238, 0.7313346, 0.5271953, 0.08705945, 0.2764539, 0.405411, 0.2418283] },
  ] },
  { name: 'yolov8n-ghost', file: 'yolov8-ghost.yaml', imgsz: 64, outputs: [
    { shape: [84, 84], sum: 36195.271962, abs: 36195.271962, at: [0, 1007, 2015, 3023, 4031, 5039, 6047, 7055], values: [10.96931, 0.07664882, 0.08533779, 0.7157707, 0.06118315, 0.9409691, 0.9065896, 0.8727524] },
  ] },
  { name: 'yolov3-tiny', file: 'yolov3-tiny.yaml', imgsz: 64, tol: 5e-3, outputs: [
    { shape: [84, 20], sum: 13705.061881, abs: 13705.061881, at: [0, 239, 479, 719, 959, 1199, 1439, 1679], values: [21.2187, 0.9331532, 0.4574753, 0.7179776, 0.2010127, 0.07564784, 0.8463588, 0.5812151] },
  ] },
  { name: 'tiny-v9e', file: 'actnas-tiny-v9e.yaml', imgsz: 64, outputs: [
    { shape: [84, 80], sum: 29445.720999, abs: 30817.341316, at: [0, 959, 1919, 2879, 3839, 4799, 5759, 6719], values: [13.1237, 0.8718526, 0.8086444, 0.6610634, 0.01423812, 0.2573552, 0.0005547247, 0.846329] },
  ] },
  { name: 'tiny-area', file: 'actnas-tiny-area.yaml', imgsz: 64, outputs: [
    { shape: [84, 80], sum: 31528.861428, abs: 31528.861428, at: [0, 959, 1919, 2879, 3839, 4799, 5759, 6719], values: [10.72649, 0.9321478, 0.4561175, 0.7279873, 0.2050472, 0.07779451, 0.8356586, 0.5804365] },
  ] },
  { name: 'tiny-psa', file: 'actnas-tiny-psa.yaml', imgsz: 64, outputs: [
    { shape: [84, 80], sum: 29089.033252, abs: 29472.952953, at: [0, 959, 1919, 2879, 3839, 4799, 5759, 6719], values: [-1.886879, 0.9959887, 0.8127107, 0.6518134, 0.1694857, 0.01239893, 0.7282807, 0.5560693] },
  ] },
];

/** The deterministic image of the ORT tests, values in [0, 1). */
const image = (size: number): Float32Array => new Float32Array(3 * size * size).map((_, i) => ((i * 7919) % 251) / 251);

/** Seeded he-scheme weights; the plain convs' biases spread over [-3, 3) so top-k has one answer. */
function weightsFor(graph: Parameters<typeof initWeights>[0]): ModelWeights {
  const weights = initWeights(graph, { seed: 0, scheme: 'he' });
  let r = 12345;
  for (const w of weights.values()) {
    if (!w.bias || w.bn) continue;
    for (let i = 0; i < w.bias.length; i++) {
      r = (r * 1103515245 + 12345) % 2147483648;
      w.bias[i] = (r / 2147483648) * 6 - 3;
    }
  }
  return weights;
}

describe('emitted ONNX computes what Ultralytics computes (onnxruntime-node vs Ultralytics 8.4.52 torch outputs)', () => {
  it.each(GOLDEN)('$name at $imgsz', async ({ name, file, imgsz, tol = 1e-5, outputs }) => {
    const yaml = readFileSync(new URL(`./fixtures/ultralytics/${file}`, import.meta.url), 'utf8');
    const graph = buildGraph(parseModelYaml(yaml, { name }), { imgsz });
    const bytes = emitOnnx(graph, { weights: weightsFor(graph), opset: 17 });
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    const result = await session.run({ images: new ort.Tensor('float32', image(imgsz), [1, 3, imgsz, imgsz]) });
    expect(Object.keys(result)).toEqual(outputs.map((_, i) => `output${i}`));
    outputs.forEach((expected, i) => {
      const t = result[`output${i}`]!;
      const data = t.data as Float32Array;
      expect(t.dims).toEqual([1, ...expected.shape]);
      const sum = data.reduce((s, v) => s + v, 0);
      const abs = data.reduce((s, v) => s + Math.abs(v), 0);
      expect(Math.abs(sum - expected.sum) / expected.abs).toBeLessThan(tol);
      expect(Math.abs(abs - expected.abs) / expected.abs).toBeLessThan(tol);
      if (expected.topScores) {
        const rows = t.dims[1]!;
        const width = t.dims[2]!;
        const scores = Array.from({ length: rows }, (_, r) => data[r * width + 4]!).sort((a, b) => b - a).slice(0, 8);
        scores.forEach((s, k) => expect(s).toBeCloseTo(expected.topScores![k]!, 5));
      } else {
        expected.at!.forEach((k, j) => expect(Math.abs(data[k]! - expected.values![j]!) / (1 + Math.abs(expected.values![j]!))).toBeLessThan(100 * tol));
      }
    });
  });
});
