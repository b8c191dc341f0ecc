import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXTENSION_ACTIVATIONS, PAPER_ACTIVATIONS, buildGraph, builtinModelSpec, emitOnnx } from '@actnas/core';

/** A second opinion from the reference `onnx` package (Debian python3-onnx), when installed. */
const PYTHON = '/usr/bin/python3';
const hasOnnx = spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;
const CHECK = `
import sys, onnx
for f in sys.argv[1:]:
    m = onnx.load(f)
    onnx.checker.check_model(m, full_check=True)
    out = onnx.shape_inference.infer_shapes(m, strict_mode=True).graph.output[0]
    print(f.rsplit('/', 1)[-1], [d.dim_value or d.dim_param for d in out.type.tensor_type.shape.dim])
`;

const scratch = mkdtempSync(join(tmpdir(), 'actnas-checker-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(!hasOnnx)('emitted ONNX passes onnx.checker (full check, strict shape inference)', () => {
  it('for every built-in head, both opsets, every activation kind', () => {
    const kinds = [...PAPER_ACTIVATIONS, ...EXTENSION_ACTIVATIONS];
    const files: string[] = [];
    for (const name of ['yolov5nu', 'yolov5n', 'yolov8n']) {
      const g = buildGraph(builtinModelSpec(name), { imgsz: 160 });
      const assignment = new Map(g.sites.map((s, i) => [s.name, kinds[i % kinds.length]!] as const));
      for (const opset of [13, 17]) {
        const file = join(scratch, `${name}-${opset}.onnx`);
        writeFileSync(file, emitOnnx(g, { opset, assignment, dynamicBatch: opset === 17 }));
        files.push(file);
      }
    }
    const lines = execFileSync(PYTHON, ['-c', CHECK, ...files], { encoding: 'utf8' }).trim().split('\n');
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
