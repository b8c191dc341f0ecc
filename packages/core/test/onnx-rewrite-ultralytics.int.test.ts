import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import type { ActivationKind, ImportedModel } from '@actnas/core';
import { PAPER_ACTIVATIONS, fullActivationRegistry, importOnnx, rewriteOnnx } from '@actnas/core';
import type { UltralyticsFixture } from './ultralytics-fixtures.js';
import { fixtureOnnx, fixturePath, ultralyticsFixture, ultralyticsFixtures, upgradeOpset } from './ultralytics-fixtures.js';

const SESSION: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all' };

async function runAll(bytes: Uint8Array, image: ort.Tensor): Promise<ort.Tensor[]> {
  const session = await ort.InferenceSession.create(bytes, SESSION);
  try {
    const out = await session.run({ [session.inputNames[0]!]: image });
    return session.outputNames.map((name) => out[name]!);
  } finally {
    await session.release();
  }
}

/** The deterministic input the activations fixture describes: 0.5 + 0.5 sin(0.37 i). */
function sineImage(size: number): ort.Tensor {
  return new ort.Tensor('float32', Float32Array.from({ length: 3 * size * size }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37)), [1, 3, size, size]);
}

const everySite = (model: ImportedModel, kind: ActivationKind): Record<string, ActivationKind> =>
  Object.fromEntries(model.sites.map((s) => [s.name, kind]));

/** Each site a paper kind, cycling, so every kind meets every kind of neighbour. */
const mixed = (model: ImportedModel): Record<string, ActivationKind> =>
  Object.fromEntries(model.sites.map((s, k) => [s.name, PAPER_ACTIVATIONS[k % PAPER_ACTIVATIONS.length]!]));

interface ActivationOutputs {
  readonly output: { readonly stride: number; readonly shape: readonly number[] };
  readonly outputs: Readonly<Record<string, string>>;
}

const decodeFloats = (base64: string): Float32Array => {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

/** Largest |a − b| / max(1, |b|). */
function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

describe('yolo11n rewritten to one activation equals the torch export of yolo11n with that activation', () => {
  const fixture = ultralyticsFixture('yolo11n-ultralytics-opset17');
  const imported = importOnnx(fixtureOnnx(fixture));
  const expected = JSON.parse(readFileSync(fixturePath('yolo11n-ultralytics-opset17.activations.json'), 'utf8')) as ActivationOutputs;
  const sampled = (t: ort.Tensor): Float32Array => {
    const data = t.data as Float32Array;
    return Float32Array.from({ length: Math.ceil(data.length / expected.output.stride) }, (_, k) => data[k * expected.output.stride]!);
  };
  const image = sineImage(fixture.imgsz);

  it('the expected outputs tell the activations apart (else the comparison proves nothing)', () => {
    const ids = Object.keys(expected.outputs);
    for (const a of ids) for (const b of ids) if (a < b) expect(worstRelative(decodeFloats(expected.outputs[a]!), decodeFloats(expected.outputs[b]!)), `${a} vs ${b}`).toBeGreaterThan(1e-2);
  });

  it.each(Object.keys(expected.outputs))('%s to 5e-4 (relative, |x| ≥ 1)', async (id) => {
    const kind = fullActivationRegistry().resolve(id);
    const [out] = await runAll(rewriteOnnx(imported, everySite(imported, kind)), image);
    expect(out!.dims).toEqual(expected.output.shape);
    // 5e-4: the stored outputs were computed on another CPU, and onnxruntime's fused Conv+ReLU /
    // Conv+LeakyRelu kernels sum in a CPU-dependent order (on AMD EPYC: SiLU and Hardswish within
    // 5e-7, ReLU 4e-5, LeakyReLU 2e-4); the activations differ from each other by more than 1e-2.
    expect(worstRelative(sampled(out!), decodeFloats(expected.outputs[id]!))).toBeLessThan(5e-4);
  });
});

/** Too heavy to run whole here (415 MB of weights each, or 75 GFLOPs); their import is tested. */
const NOT_RUN = new Set(['yolov3u-ultralytics-opset17', 'yolov3u-spp-ultralytics-opset13', 'yolo26m-ultralytics-opset17']);

async function expectRewriteRuns(bytes: Uint8Array, fixture: UltralyticsFixture): Promise<void> {
  const image = sineImage(fixture.imgsz);
  const source = importOnnx(bytes);
  const before = await runAll(bytes, image);
  const after = await runAll(rewriteOnnx(source, mixed(source)), image);
  expect(after.map((t) => t.dims)).toEqual(before.map((t) => t.dims));
  expect(after.every((t) => t.type !== 'float32' || (t.data as Float32Array).every(Number.isFinite))).toBe(true);
  // The rewrite is what the importer then finds.
  const again = importOnnx(rewriteOnnx(source, mixed(source), { metadata: false }));
  expect(again.sites.map((s) => [s.name, s.activation.id])).toEqual(source.sites.map((s) => [s.name, mixed(source)[s.name]!.id]));
}

describe('every site of each Ultralytics export rewritten (ReLU, SiLU, Hardswish, ReLU6, LeakyReLU in turn) runs in onnxruntime', () => {
  const runnable = ultralyticsFixtures().filter((f) => !NOT_RUN.has(f.name));
  it.each(runnable.map((f) => [f.name, f] as const))('%s', async (_name, fixture) => {
    await expectRewriteRuns(fixtureOnnx(fixture), fixture);
  });

  it.each([18, 19, 20] as const)('yolo11n and yolo26n adapted to opset %i', async (opset) => {
    for (const name of ['yolo11n-ultralytics-opset17', 'yolo26n-ultralytics-opset17']) {
      const fixture = ultralyticsFixture(name);
      await expectRewriteRuns(upgradeOpset(fixtureOnnx(fixture), opset), fixture);
    }
  });
});
