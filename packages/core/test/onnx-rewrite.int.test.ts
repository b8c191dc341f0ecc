import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import type { ActivationKind, ImportedModel } from '@actnas/core';
import {
  PAPER_ACTIVATIONS,
  ReLU,
  decodeOnnxModel,
  encodeOnnxModel,
  fullActivationRegistry,
  importOnnx,
  rewriteOnnx,
} from '@actnas/core';
import { fixtureBytes, tinyConvBytes } from './onnx-test-models.js';

const SESSION: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all' };

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes, SESSION);
  try {
    const out = await session.run(feeds);
    return out[session.outputNames[0]!]!;
  } finally {
    await session.release();
  }
}

const fixture = fixtureBytes();
const imported = importOnnx(fixture);
const images = new ort.Tensor('float32', Float32Array.from({ length: 3 * 640 * 640 }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37)), [1, 3, 640, 640]);

/**
 * The fixture declared as opset 13: its ops (Split, Unsqueeze, Resize, …) have the same schema
 * there, except Reshape's `allowzero` (opset 14), which is 0, the default, and can go.
 */
function opset13Variant(): ImportedModel {
  const model = decodeOnnxModel(fixture);
  const node = model.graph!.node!.map((n) => (n.opType === 'Reshape' ? { ...n, attribute: (n.attribute ?? []).filter((a) => a.name !== 'allowzero') } : n));
  const graph = { ...model.graph!, node };
  return importOnnx(encodeOnnxModel({ ...model, graph, opsetImport: [{ domain: '', version: 13 }] }));
}

const maxAbsDiff = (a: ort.Tensor, b: ort.Tensor): number => {
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]! - y[i]!));
  return max;
};

describe('rewritten fixture in onnxruntime-node', () => {
  it('model.0.act → ReLU runs, keeps the output shape and changes the output', async () => {
    const original = await run(fixture, { images });
    const relu = await run(rewriteOnnx(imported, { 'model.0.act': ReLU }), { images });
    expect(relu.dims).toEqual([1, 144, 8400]);
    // Random weights damp a change at the first layer to ~1e-6 at the head; all sites move it a lot.
    expect(maxAbsDiff(original, relu)).toBeGreaterThan(0);
    const allRelu = await run(rewriteOnnx(imported, Object.fromEntries(imported.sites.map((s) => [s.name, ReLU]))), { images });
    expect(maxAbsDiff(original, allRelu)).toBeGreaterThan(1e-2);
  });

  const variants: [string, () => ImportedModel][] = [
    ['opset 17', () => imported],
    ['opset 13', opset13Variant],
  ];
  it.each(variants)('every site to each paper kind runs at %s', async (_label, load) => {
    const source = load();
    for (const kind of PAPER_ACTIVATIONS) {
      const out = await run(rewriteOnnx(source, Object.fromEntries(source.sites.map((s) => [s.name, kind]))), { images });
      expect(out.dims, kind.id).toEqual([1, 144, 8400]);
      expect((out.data as Float32Array).every(Number.isFinite), kind.id).toBe(true);
    }
  });
});

describe('rewritten Conv + activation matches ActivationKind.apply', () => {
  const size = 16;
  const channels = 2;
  const values = Float32Array.from({ length: channels * size * size }, (_, i) => -8 + (16 * i) / (channels * size * size - 1));
  const x = new ort.Tensor('float32', values, [1, channels, size, size]);
  const kinds: readonly ActivationKind[] = fullActivationRegistry().list();

  it.each([9, 13, 17, 20])('every kind at opset %i within 1e-5', async (opset) => {
    const source = importOnnx(tinyConvBytes({ opset, channels, size }));
    for (const kind of kinds) {
      const y = (await run(rewriteOnnx(source, { 'model.0.act': kind }), { x })).data as Float32Array;
      const worst = Math.max(...Array.from(values, (v, i) => Math.abs(y[i]! - kind.apply(v))));
      expect(worst, `${kind.id} at opset ${opset}`).toBeLessThan(1e-5);
    }
  });
});
