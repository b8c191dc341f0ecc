import { Hardswish, LeakyReLU, ReLU, ReLU6, SiLU, buildGraph, builtinModelSpec, emitOnnx } from '@actnas/core';
import { describe, expect, it } from 'vitest';
import { calibrationBatch } from '../src/accuracy/calibration-images.js';
import { microBlockOnnx } from '../src/latency/micro-block.js';
import { XNNPACK_FUSION } from '../src/memory/fusion-rules.js';
import { siteBlocks } from '../src/profile/graph-adapters.js';
import { syntheticInput } from '../src/profile/latency-sweep.js';
import { runProfile } from '../src/profile/profile-runner.js';
import { createOrtRuntime } from '../src/runtimes/ort.runtime.js';
import { createRuntime, registerRuntime, runtimeIds } from '../src/runtimes/runtime-registry.js';
import type { Runtime } from '../src/runtimes/runtime.js';
import { chooseTfjsBackend } from '../src/runtimes/tfjs-backend.detect.js';
import { createTfjsRuntime } from '../src/runtimes/tfjs.runtime.js';

describe('tfjs backend detection', () => {
  it('uses tfjs-node when its package is installed, else wasm', () => {
    expect(chooseTfjsBackend((pkg) => pkg === '@tensorflow/tfjs-node')).toBe('tensorflow');
    expect(chooseTfjsBackend(() => false)).toBe('wasm');
    expect(chooseTfjsBackend(() => true, 'wasm')).toBe('wasm');
  });

  it('here (no tfjs-node) picks wasm', () => {
    expect(chooseTfjsBackend()).toBe('wasm');
  });
});

describe('tfjs runtime (wasm backend)', () => {
  it('runs the emitted yolov5nu graph with mixed activations and matches onnxruntime', async () => {
    const graph = buildGraph(builtinModelSpec('yolov5nu'), { imgsz: 64 });
    const kinds = [ReLU, ReLU6, Hardswish, LeakyReLU];
    const assignment = new Map(graph.sites.map((s, i) => [s.name, kinds[i % 5] ?? builtinModelSpec('yolov5nu').activation]));
    const onnx = emitOnnx(graph, { assignment, dynamicBatch: true, seed: 1 });
    const x = calibrationBatch({ kind: 'synthetic', seed: 3 }, 2, 64);
    const ort = await (await createOrtRuntime({ runtime: 'ort', threads: 1 })).load(onnx);
    const tf = await createTfjsRuntime({ runtime: 'tfjs', threads: 1 });
    expect(tf.provenance).toMatchObject({ runtime: 'tfjs', backend: 'wasm', version: '4.22.0' });
    expect([...tf.fusedActivations].sort()).toEqual(['relu', 'relu6']);
    const model = await tf.load(onnx);
    const a = (await ort.run({ images: x }))['output0']!;
    const b = (await model.run({ images: x }))['output0']!;
    expect(b.dims).toEqual(a.dims);
    let worst = 0;
    for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!) / (1 + Math.abs(a.data[i]!)));
    expect(worst).toBeLessThan(1e-3);
    const timer = model.timer({ images: x });
    expect(await timer()).toBeGreaterThan(0);
    // Repeated runs hold no tensors: a latency sweep runs a model thousands of times.
    const held = (await import('@tensorflow/tfjs')).memory().numTensors;
    for (let i = 0; i < 3; i++) await timer();
    expect((await import('@tensorflow/tfjs')).memory().numTensors).toBe(held);
    await model.dispose();
    await ort.dispose();
  });

  it('profiles a micro-mode latency table (Conv → activation → GlobalAveragePool blocks) like onnxruntime does', async () => {
    const graph = buildGraph(builtinModelSpec('yolov5nu'), { imgsz: 64 });
    const tf = await createTfjsRuntime({ runtime: 'tfjs', threads: 1 });
    const ort = await createOrtRuntime({ runtime: 'ort', threads: 1 });
    const block = siteBlocks(graph).find((b) => b.site === 'model.2.cv1.act')!;
    const x = { images: syntheticInput([1, block.inChannels, 16, 16], 3) };
    const onnx = microBlockOnnx({ ...block, inHeight: 16, inWidth: 16 }, Hardswish);
    const [a, b] = await Promise.all([ort.load(onnx), tf.load(onnx)]);
    const [ya, yb] = [(await a.run(x))[a.outputNames[0]!]!, (await b.run(x))[b.outputNames[0]!]!];
    expect(yb.dims).toEqual(ya.dims);
    for (let i = 0; i < ya.data.length; i++) expect(yb.data[i]).toBeCloseTo(ya.data[i]!, 4);
    await Promise.all([a.dispose(), b.dispose()]);
    const { table } = await runProfile({
      modelName: 'yolov5nu', graph, runtime: tf, metric: 'latency', mode: 'micro', reference: SiLU, candidates: [SiLU, ReLU], seed: 0, fusion: XNNPACK_FUSION, sites: ['model.0.act'],
      nwot: { batch: 2, seeds: [0], calibration: 'synthetic', initBatch: 2 },
      protocol: { kind: 'paired', options: { warmup: 1, order: 'abba', stopping: { relative: 0.1, absolute: 0.01, minPairs: 4, maxPairs: 4, checkEvery: 2 } } },
    });
    expect(table!.cells.find((c) => c.activation === 'relu')).toMatchObject({ site: 'model.0.act', runs: 4 });
    expect(table!.provenance.note).toMatch(/runtime=tfjs 4\.22\.0 \(wasm\)/);
  });

  it('a custom runtime plugs in by id', async () => {
    const fake: Runtime = { provenance: { runtime: 'npu-x', version: '0.1', backend: 'npu', threads: 1 }, fusedActivations: new Set(['relu']), load: () => Promise.reject(new Error('no device')) };
    registerRuntime('npu-x', () => Promise.resolve(fake));
    expect(runtimeIds()).toContain('npu-x');
    expect((await createRuntime({ runtime: 'npu-x', threads: 1 })).provenance.backend).toBe('npu');
    expect(() => createRuntime({ runtime: 'nope', threads: 1 })).toThrow(/unknown runtime "nope"/);
  });
});
