import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxDataType, decodeOnnxModel, encodeOnnxModel, float32Tensor, intsAttribute, tensorValueInfo } from '@actnas/core';
import { YOLOV8N_TORCH_EXPORT, cli } from './support/in-process-cli.js';

const FIXTURE = YOLOV8N_TORCH_EXPORT;

const scratch = mkdtempSync(join(tmpdir(), 'actnas-byom-bad-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const files: Record<string, string> = {};

beforeAll(() => {
  const put = (name: string, bytes: Uint8Array | string): void => {
    files[name] = join(scratch, `${name}.onnx`);
    writeFileSync(files[name], bytes);
  };
  put('not-onnx', 'name,value\nthis is a CSV, not a model\n');
  // A conv and nothing an importer could take for an activation.
  put('no-sites', encodeOnnxModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'conv only',
      node: [{ name: '/model.0/conv/Conv', opType: 'Conv', input: ['images', 'w'], output: ['y'], attribute: [intsAttribute('kernel_shape', [1, 1])] }],
      initializer: [float32Tensor('w', [4, 3, 1, 1], new Float32Array(12).fill(0.1))],
      input: [tensorValueInfo('images', OnnxDataType.FLOAT, [1, 3, 32, 32])],
      output: [tensorValueInfo('y', OnnxDataType.FLOAT, [1, 4, 32, 32])],
    },
  }));
  // torch.onnx.export with dynamic height and width writes no size to shape it at.
  const dynamic = decodeOnnxModel(readFileSync(FIXTURE));
  const dims = dynamic.graph!.input![0]!.type!.tensorType!.shape!.dim! as { dimValue?: unknown; dimParam?: string }[];
  for (const k of [2, 3]) Object.assign(dims[k]!, { dimValue: undefined, dimParam: k === 2 ? 'height' : 'width' });
  (dynamic.graph as { valueInfo?: unknown[] }).valueInfo = [];
  put('dynamic', encodeOnnxModel(dynamic));
  // Weights saved with save_as_external_data.
  const external = decodeOnnxModel(readFileSync(FIXTURE));
  const g = external.graph as { initializer: unknown[] };
  g.initializer = [...g.initializer, { ...float32Tensor('extra.weight', [1], Float32Array.of(0)), rawData: null, dataLocation: 1, externalData: [{ key: 'location', value: 'weights.bin' }] }];
  put('external', encodeOnnxModel(external));
});

const commands: Record<string, (file: string) => string[]> = {
  'profile --model': (file) => ['profile', '--model', file, '--metric', 'memory', '-o', join(scratch, 'out.csv')],
  'model export': (file) => ['model', 'export', file, '--act', 'all:relu', '-o', join(scratch, 'out.onnx')],
  'model sites': (file) => ['model', 'sites', file],
};

/** One line on stderr naming the file and the problem, nothing on stdout, exit code 2. */
async function refused(args: readonly string[], problem: RegExp): Promise<void> {
  const r = await cli(args);
  expect([r.code, r.stdout]).toEqual([2, '']);
  expect(r.stderr.endsWith('\n') && r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(problem);
}

describe.each(Object.keys(commands))('actnas %s on a file it cannot use', (command) => {
  const args = commands[command]!;
  it('not ONNX at all', () => refused(args(files['not-onnx']!), /^actnas: \S+not-onnx\.onnx: not an ONNX model.*\[NOT_PROTOBUF\]$/m));
  it('no recognisable activation site', () => refused(args(files['no-sites']!), /no-sites\.onnx: no activation site among the model's 1 nodes.*\[NO_ACTIVATION_SITES\]$/m));
  it('weights in external data', () => refused(args(files['external']!), /external\.onnx: tensor "extra\.weight" stores its data in an external file.*\[EXTERNAL_DATA\]$/m));
  it('over the size limit', () => refused([...args(FIXTURE), '--max-mb', '1'], /yolov8n-pytorch-export-opset17\.onnx: \d+ bytes, over the limit of 1048576 bytes \(--max-mb\) \[TOO_LARGE\]$/m));
  it('missing', () => refused(args(join(scratch, 'missing.onnx')), /missing\.onnx: no such file$/m));
});

describe('dynamic height and width', () => {
  it('profile and model sites need a size: refused without --imgsz, profiled with it', async () => {
    await refused(commands['profile --model']!(files['dynamic']!), /dynamic\.onnx: input "images" has dynamic spatial dims \[batch, 3, height, width\].*--imgsz.*\[DYNAMIC_INPUT_SIZE\]$/m);
    await refused(commands['model sites']!(files['dynamic']!), /\[DYNAMIC_INPUT_SIZE\]$/m);
    const ok = await cli([...commands['profile --model']!(files['dynamic']!), '--imgsz', '320']);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(readFileSync(join(scratch, 'out.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 57 * 5);
  });

  it('model export rewrites it without a size: a rewrite needs no shapes, and the file keeps its dynamic dims', async () => {
    const r = await cli(commands['model export']!(files['dynamic']!));
    expect(r.code).toBe(0);
    expect(decodeOnnxModel(readFileSync(join(scratch, 'out.onnx'))).graph!.input![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 3, 'height', 'width']);
  });
});
