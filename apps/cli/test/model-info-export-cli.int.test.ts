import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGraph, decodeOnnxModel, parseModelYaml, readSitesMetadata } from '@actnas/core';
import { main as runCli } from '../src/main.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'apps/cli/bin/actnas.js');
const scratch = mkdtempSync(join(tmpdir(), 'actnas-model-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: scratch });
  return { code, stdout, stderr };
}

describe('actnas model info', () => {
  it('prints the per-layer table and the Ultralytics-style summary line', async () => {
    const { code, stdout } = await cli(['model', 'info', 'yolov5nu', '--imgsz', '640']);
    expect(code).toBe(0);
    expect(stdout).toContain('yolov5nu summary: 25 layers, 2,654,816 parameters, 7.7 GFLOPs, 68 activation sites');
    expect(stdout).toMatch(/^ 0 {2}-1 +1 +1,760 {2}Conv +\[3, 16, 6, 2, 2\] +0\.354 +1$/m);
    expect(stdout).toMatch(/^24 {2}\[17, 20, 23\] +1 +897,664 {2}Detect +\[80, 16, None, \[64, 128, 256\]\] +3\.622 +12$/m);
  });

  it('--json and --sites give the sites; a user YAML works too', async () => {
    const json = JSON.parse((await cli(['model', 'info', 'yolov8n', '--json'])).stdout) as { params: number; sites: { name: string }[] };
    expect(json.params).toBe(3_157_200);
    expect(json.sites).toHaveLength(56);
    writeFileSync(join(scratch, 'tiny.yaml'), 'nc: 2\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\nhead: []\n');
    const tiny = await cli(['model', 'info', 'tiny.yaml', '--imgsz', '64', '--sites']);
    expect(tiny.code).toBe(0);
    expect(tiny.stdout).toMatch(/tiny summary: 1 layers, 464 parameters, .* 1 activation sites/);
    expect(tiny.stdout).toMatch(/^0 {2}model\.0\.act {2}SiLU +16 {2}32x32$/m);
  });

  it.each([
    [['model', 'info', 'yolov9'], /unknown model "yolov9"/],
    [['model', 'info', 'yolov8n', '--imgsz', 'big'], /--imgsz must be an integer/],
    [['model', 'info', 'yolov8n', '--imgsz', '100'], /multiple of 32/],
    [['model', 'info', 'missing.yaml'], /missing\.yaml: no such file/],
    [['model', 'export', 'yolov5nu', '-o', 'x.onnx', '--opset', '11'], /--opset must be an integer from 13 to 20/],
    [['model', 'export', 'yolov5nu', '-o', 'x.onnx', '--act', 'model.0.act:swoosh'], /--act: unknown activation "swoosh"/],
    [['model', 'export', 'yolov5nu', '-o', 'x.onnx', '--act', 'model.99.act:relu'], /--act: "model\.99\.act" matches no activation site/],
  ])('%j is a one-line usage error with exit code 2', async (args, message) => {
    const { code, stdout, stderr } = await cli(args);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a bad user YAML names the layer and field', async () => {
    writeFileSync(join(scratch, 'bad.yaml'), 'nc: 2\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\n  - [-1, two, Conv, [16]]\nhead: []\n');
    const { code, stderr } = await cli(['model', 'info', 'bad.yaml']);
    expect(code).toBe(2);
    expect(stderr).toBe('actnas: bad.yaml: layer 1 (repeats): "repeats" must be a positive integer, got "two"\n');
  });
});

describe('actnas model export', () => {
  it('writes an Ultralytics YAML with the per-site activations', async () => {
    const { code, stdout } = await cli(['model', 'export', 'yolov5nu', '--act', 'all:silu,model.0.act:relu', '--ultralytics-yaml', '-o', 'm.yaml']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^wrote m\.yaml: yolov5nu as Ultralytics YAML, 68 sites \(1 changed from the spec\)/);
    const g = buildGraph(parseModelYaml(readFileSync(join(scratch, 'm.yaml'), 'utf8')));
    expect(g.sites.filter((s) => s.defaultActivation.id === 'relu').map((s) => s.name)).toEqual(['model.0.act']);
  });

  it('the built bin exports ONNX that onnxruntime-node runs, with the assignment in place', async () => {
    expect(existsSync(join(ROOT, 'apps/cli/dist/main.js')), 'build first: npx turbo run build').toBe(true);
    const out = join(scratch, 'm.onnx');
    const run = promisify(execFile);
    const args = ['model', 'export', 'yolov5nu', '--act', 'all:silu,model.0.act:relu', '--opset', '13', '--dynamic-batch', '--imgsz', '320', '--seed', '0', '-o', out];
    const { stdout } = await run(process.execPath, [BIN, ...args], { cwd: ROOT });
    expect(stdout).toContain('ONNX opset 13, dynamic batch, 320x320, 68 sites (1 changed from the spec)');
    const bytes = readFileSync(out);
    const meta = readSitesMetadata(decodeOnnxModel(bytes));
    expect(meta?.ok && meta.metadata.sites.map((s) => s.activation).filter((a) => a !== 'silu')).toEqual(['relu']);
    const session = await ort.InferenceSession.create(bytes);
    const images = new ort.Tensor('float32', new Float32Array(2 * 3 * 320 * 320).fill(0.5), [2, 3, 320, 320]);
    const result = await session.run({ images });
    expect(result['output0']!.dims).toEqual([2, 84, 2100]);
  });
});
