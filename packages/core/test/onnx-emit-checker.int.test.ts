import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { EXTENSION_ACTIVATIONS, PAPER_ACTIVATIONS, buildGraph, builtinModelSpec, emitOnnx, parseModelYaml } from '@actnas/core';
import type { ModelGraph } from '@actnas/core';
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

  it('for every new module family and head: built-ins, v6, v8-ghost, v3-tiny, segment and pose (opsets 13 and 17)', () => {
    const kinds = [...PAPER_ACTIVATIONS, ...EXTENSION_ACTIVATIONS];
    const fixture = (file: string, name: string): ModelGraph =>
      buildGraph(parseModelYaml(readFileSync(new URL(`./fixtures/ultralytics/${file}`, import.meta.url), 'utf8'), { name }), { imgsz: 160 });
    const graphs: [string, ModelGraph][] = [
      ...['yolo11n', 'yolo12n', 'yolo26n', 'yolov10n', 'yolov9t'].map((n): [string, ModelGraph] => [n, buildGraph(builtinModelSpec(n), { imgsz: 160 })]),
      ['yolov6n', fixture('yolov6.yaml', 'yolov6n')],
      ['yolov8n-ghost', fixture('yolov8-ghost.yaml', 'yolov8n-ghost')],
      ['yolov3-tiny', fixture('yolov3-tiny.yaml', 'yolov3-tiny')],
      ['yolo11n-seg', fixture('yolo11-seg.yaml', 'yolo11n-seg')],
      ['yolo26n-pose', fixture('yolo26-pose.yaml', 'yolo26n-pose')],
      ['tiny-v9e', fixture('actnas-tiny-v9e.yaml', 'tiny-v9e')],
      ['tiny-area', fixture('actnas-tiny-area.yaml', 'tiny-area')],
    ];
    const files = graphs.flatMap(([name, g]) => {
      const assignment = new Map(g.sites.map((s, i) => [s.name, kinds[i % kinds.length]!] as const));
      return [13, 17].map((opset) => scratch.write(`${name}-${opset}.onnx`, emitOnnx(g, { opset, assignment, dynamicBatch: opset === 17 })));
    });
    expect(scratch.check(files)).toEqual([
      '[1, 84, 525]', "['batch', 84, 525]", '[1, 84, 525]', "['batch', 84, 525]", '[1, 300, 6]', "['batch', 300, 6]",
      '[1, 300, 6]', "['batch', 300, 6]", '[1, 84, 525]', "['batch', 84, 525]", '[1, 84, 525]', "['batch', 84, 525]",
      '[1, 84, 525]', "['batch', 84, 525]", '[1, 84, 125]', "['batch', 84, 125]", '[1, 116, 525]', "['batch', 116, 525]",
      '[1, 300, 57]', "['batch', 300, 57]", '[1, 84, 500]', "['batch', 84, 500]", '[1, 84, 500]', "['batch', 84, 500]",
    ].map((dims, i) => `${graphs[Math.floor(i / 2)]![0]}-${i % 2 === 0 ? 13 : 17}.onnx ${dims}`));
  });
});
