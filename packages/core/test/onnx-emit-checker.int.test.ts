import { afterAll, describe, expect, it } from 'vitest';
import { EXTENSION_ACTIVATIONS, PAPER_ACTIVATIONS, buildGraph, builtinModelSpec, emitOnnx } from '@actnas/core';
import { hasOnnxChecker, onnxCheckerScratch } from './onnx-checker.js';

const scratch = onnxCheckerScratch('actnas-checker-');
afterAll(() => scratch.dispose());

describe.skipIf(!hasOnnxChecker)('emitted ONNX passes onnx.checker (full check, strict shape inference)', () => {
  it('for every built-in head, both opsets, every activation kind', () => {
    const kinds = [...PAPER_ACTIVATIONS, ...EXTENSION_ACTIVATIONS];
    const files: string[] = [];
    for (const name of ['yolov5nu', 'yolov5n', 'yolov8n']) {
      const g = buildGraph(builtinModelSpec(name), { imgsz: 160 });
      const assignment = new Map(g.sites.map((s, i) => [s.name, kinds[i % kinds.length]!] as const));
      for (const opset of [13, 17]) {
        files.push(scratch.write(`${name}-${opset}.onnx`, emitOnnx(g, { opset, assignment, dynamicBatch: opset === 17 })));
      }
    }
    const lines = scratch.check(files);
    expect(lines).toEqual([
      "yolov5nu-13.onnx [1, 84, 525]",
      "yolov5nu-17.onnx ['batch', 84, 525]",
      "yolov5n-13.onnx [1, 1575, 85]",
      "yolov5n-17.onnx ['batch', 1575, 85]",
      "yolov8n-13.onnx [1, 84, 525]",
      "yolov8n-17.onnx ['batch', 84, 525]",
    ]);
  });
});
