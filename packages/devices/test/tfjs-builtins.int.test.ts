import { buildGraph, builtinModelSpec, decodeOnnxModel, emitOnnx } from '@actnas/core';
import { describe, expect, it } from 'vitest';
import { calibrationBatch } from '../src/accuracy/calibration-images.js';
import { createOrtRuntime } from '../src/runtimes/ort.runtime.js';
import { createTfjsRuntime } from '../src/runtimes/tfjs.runtime.js';

/**
 * Built-ins whose families emit ops beyond yolov5nu's (attention MatMul/Softmax/Transpose/Reshape/Split,
 * AveragePool), emitted at imgsz 64 and run whole in tfjs against onnxruntime.
 */
describe('tfjs runtime runs the emitted built-ins whole', () => {
  const cases: readonly [string, readonly string[]][] = [
    ['yolo11n', ['MatMul', 'Softmax', 'Transpose', 'Reshape', 'Split']],
    ['yolo12n', ['MatMul', 'Softmax', 'Transpose', 'Reshape']],
    ['yolov9t', ['AveragePool']],
    ['yolov10n', ['TopK', 'GatherElements', 'Expand', 'Flatten', 'Mod', 'Cast', 'ReduceMax', 'Unsqueeze']],
    ['yolo26n', ['TopK', 'GatherElements', 'Expand', 'Flatten', 'Mod', 'Cast', 'ReduceMax', 'Unsqueeze']],
  ];
  for (const [name, ops] of cases) {
    it(`${name} at imgsz 64 (with ${ops.join(', ')}) matches onnxruntime (relative 1e-3 where |y| ≥ 1, else absolute)`, async () => {
      const graph = buildGraph(builtinModelSpec(name), { imgsz: 64 });
      const onnx = emitOnnx(graph, { dynamicBatch: true, seed: 1 });
      const emitted = new Set((decodeOnnxModel(onnx).graph?.node ?? []).map((n) => n.opType));
      for (const op of ops) expect(emitted.has(op), `${name} emits ${op}`).toBe(true);
      const x = calibrationBatch({ kind: 'synthetic', seed: 3 }, 2, 64);
      const ort = await (await createOrtRuntime({ runtime: 'ort', threads: 1 })).load(onnx);
      const model = await (await createTfjsRuntime({ runtime: 'tfjs', threads: 1 })).load(onnx);
      try {
        const a = (await ort.run({ images: x }))['output0']!;
        const b = (await model.run({ images: x }))['output0']!;
        expect(b.dims).toEqual(a.dims);
        let worst = 0;
        for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!) / Math.max(1, Math.abs(a.data[i]!)));
        expect(worst).toBeLessThan(1e-3);
      } finally {
        await Promise.all([model.dispose(), ort.dispose()]);
      }
    });
  }
});
