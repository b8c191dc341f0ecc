import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOnnx } from '@actnas/core';
import type { Runtime, TensorData } from '@actnas/devices';
import { createRuntime, syntheticInput } from '@actnas/devices';
import { YOLOV8N_TORCH_EXPORT, cli } from './support/in-process-cli.js';

const FIXTURE = YOLOV8N_TORCH_EXPORT;

const scratch = mkdtempSync(join(tmpdir(), 'actnas-byom-export-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let ort: Runtime;
beforeAll(async () => {
  ort = await createRuntime({ runtime: 'ort', threads: 1 });
});

/** The fixture at 640 (its fixed size), seeded input in [0, 1). */
async function run(bytes: Uint8Array): Promise<TensorData> {
  const model = await ort.load(bytes);
  try {
    return (await model.run({ images: syntheticInput([1, 3, 640, 640], 3) }))['output0']!;
  } finally {
    await model.dispose();
  }
}

describe('actnas model export <file.onnx>', () => {
  it('rewrites the file itself: activations as assigned, weights and other nodes unchanged, finite outputs', async () => {
    const out = join(scratch, 'mixed.onnx');
    const { code, stdout, stderr } = await cli(['model', 'export', FIXTURE, '--act', 'all:relu,model.0.act:silu', '-o', out]);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/^wrote .*mixed\.onnx: .*57 sites \(56 changed\)/);
    const original = importOnnx(readFileSync(FIXTURE));
    const rewritten = importOnnx(readFileSync(out));
    expect(rewritten.sites.map((s) => [s.name, s.activation.id])).toEqual(original.sites.map((s) => [s.name, s.name === 'model.0.act' ? 'silu' : 'relu']));
    // Every initializer is the same tensor, byte for byte, and every non-activation node is kept.
    const inits = (m: typeof original) => new Map((m.model.graph?.initializer ?? []).map((t) => [t.name, Buffer.from(t.rawData ?? []).toString('base64')]));
    expect(inits(rewritten)).toEqual(inits(original));
    const siteNodes = (m: typeof original) => new Set(m.sites.flatMap((s) => s.nodeIndices));
    const others = (m: typeof original) => (m.model.graph?.node ?? []).filter((_, k) => !siteNodes(m).has(k)).map((n) => `${n.opType} ${n.name} ${(n.input ?? []).join(',')}>${(n.output ?? []).join(',')}`);
    expect(others(rewritten)).toEqual(others(original));
    const y = await run(readFileSync(out));
    expect(y.dims).toEqual([1, 144, 8400]);
    expect(y.data.every(Number.isFinite)).toBe(true);
    const y0 = await run(readFileSync(FIXTURE));
    expect(y.data.reduce((m, v, i) => Math.max(m, Math.abs(v - y0.data[i]!)), 0)).toBeGreaterThan(1e-3);
  });

  it('an all-SiLU rewrite computes what the original computes', async () => {
    const out = join(scratch, 'silu.onnx');
    const { code, stdout } = await cli(['model', 'export', FIXTURE, '--act', 'all:silu', '-o', out]);
    expect(code).toBe(0);
    expect(stdout).toContain('(0 changed)');
    const [a, b] = [await run(readFileSync(out)), await run(readFileSync(FIXTURE))];
    expect(a.dims).toEqual(b.dims);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });

  it('refuses spec flags, a missing --act and unknown sites with one line and exit code 2', async () => {
    const out = join(scratch, 'x.onnx');
    for (const args of [
      ['--act', 'all:relu', '--opset', '13'],
      ['--act', 'all:relu', '--ultralytics-yaml'],
      [],
      ['--act', 'model.99.act:relu'],
      ['--act', 'all:nosuchact'],
    ]) {
      const r = await cli(['model', 'export', FIXTURE, ...args, '-o', out]);
      expect([r.code, r.stdout]).toEqual([2, '']);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
