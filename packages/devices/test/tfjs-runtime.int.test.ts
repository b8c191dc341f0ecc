import { Hardswish, LeakyReLU, ReLU, ReLU6, buildGraph, builtinModelSpec, emitOnnx } from '@actnas/core';
import { describe, expect, it } from 'vitest';
import { calibrationBatch } from '../src/accuracy/calibration-images.js';
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
    expect(await model.timer({ images: x })()).toBeGreaterThan(0);
    await model.dispose();
    await ort.dispose();
  });

  it('a custom runtime plugs in by id', async () => {
    const fake: Runtime = { provenance: { runtime: 'npu-x', version: '0.1', backend: 'npu', threads: 1 }, fusedActivations: new Set(['relu']), load: () => Promise.reject(new Error('no device')) };
    registerRuntime('npu-x', () => Promise.resolve(fake));
    expect(runtimeIds()).toContain('npu-x');
    expect((await createRuntime({ runtime: 'npu-x', threads: 1 })).provenance.backend).toBe('npu');
    expect(() => createRuntime({ runtime: 'nope', threads: 1 })).toThrow(/unknown runtime "nope"/);
  });
});
