import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fullActivationRegistry, importOnnx, rewriteOnnx } from '@actnas/core';
import { fixtureBytes, tinyConvBytes } from './onnx-test-models.js';

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

const scratch = mkdtempSync(join(tmpdir(), 'actnas-rewrite-checker-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(!hasOnnx)('rewritten ONNX passes onnx.checker (full check, strict shape inference)', () => {
  it('the torch export with every kind, and a small model at opsets 9, 13 and 17', () => {
    const kinds = fullActivationRegistry().list();
    const write = (name: string, bytes: Uint8Array): string => {
      const file = join(scratch, name);
      writeFileSync(file, bytes);
      return file;
    };
    const fixture = importOnnx(fixtureBytes());
    const files = [write('fixture.onnx', rewriteOnnx(fixture, new Map(fixture.sites.map((s, i) => [s.name, kinds[i % kinds.length]!]))))];
    for (const opset of [9, 13, 17]) {
      const tiny = importOnnx(tinyConvBytes({ opset }));
      kinds.forEach((kind, k) => files.push(write(`tiny-${opset}-${k}.onnx`, rewriteOnnx(tiny, { 'model.0.act': kind }))));
    }
    const lines = execFileSync(PYTHON, ['-c', CHECK, ...files], { encoding: 'utf8' }).trim().split('\n');
    expect(lines[0]).toBe("fixture.onnx ['batch', 144, 'Concatoutput0_dim_2']");
    expect(lines.slice(1)).toEqual(files.slice(1).map((f) => `${f.split('/').pop()!} [1, 2, 4, 4]`));
  });
});
