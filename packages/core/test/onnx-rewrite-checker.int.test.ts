import { afterAll, describe, expect, it } from 'vitest';
import { fullActivationRegistry, importOnnx, rewriteOnnx } from '@actnas/core';
import { hasOnnxChecker, onnxCheckerScratch } from './onnx-checker.js';
import { fixtureBytes, tinyConvBytes } from './onnx-test-models.js';

const scratch = onnxCheckerScratch('actnas-rewrite-checker-');
afterAll(() => scratch.dispose());

describe.skipIf(!hasOnnxChecker)('rewritten ONNX passes onnx.checker (full check, strict shape inference)', () => {
  it('the torch export with every kind, and a small model at opsets 9, 13 and 17', () => {
    const kinds = fullActivationRegistry().list();
    const { write } = scratch;
    const fixture = importOnnx(fixtureBytes());
    const files = [write('fixture.onnx', rewriteOnnx(fixture, new Map(fixture.sites.map((s, i) => [s.name, kinds[i % kinds.length]!]))))];
    for (const opset of [9, 13, 17]) {
      const tiny = importOnnx(tinyConvBytes({ opset }));
      kinds.forEach((kind, k) => files.push(write(`tiny-${opset}-${k}.onnx`, rewriteOnnx(tiny, { 'model.0.act': kind }))));
    }
    const lines = scratch.check(files);
    expect(lines[0]).toBe("fixture.onnx ['batch', 144, 'Concatoutput0_dim_2']");
    expect(lines.slice(1)).toEqual(files.slice(1).map((f) => `${f.split('/').pop()!} [1, 2, 4, 4]`));
  });
});
