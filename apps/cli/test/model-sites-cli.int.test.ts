import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxDataType, decodeOnnxModel, encodeOnnxModel, float32Tensor, tensorValueInfo } from '@actnas/core';
import { YOLOV8N_TORCH_EXPORT, cli } from './support/in-process-cli.js';

/** The repository root is three levels up from apps/cli/test; CI has ../shared beside it. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODELS = new URL('../../../test/fixtures/models/', import.meta.url);
const FIXTURE = YOLOV8N_TORCH_EXPORT;
const BIN = join(ROOT, 'apps/cli/bin/actnas.js');

const scratch = mkdtempSync(join(tmpdir(), 'actnas-sites-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('actnas model sites', () => {
  it('lists the 57 sites of the fixture as a table', async () => {
    const { code, stdout } = await cli(['model', 'sites', FIXTURE]);
    expect(code).toBe(0);
    expect(stdout).toContain('opset 17');
    expect(stdout).toContain('57 activation sites');
    expect(stdout).toMatch(/^0\s+model\.0\.act\s+SiLU\s+16\s+\[batch, 16, 320, 320\]\s+\/model\.0\/act\/Sigmoid \/model\.0\/act\/Mul$/m);
  });

  it('--json gives sites and warnings', async () => {
    const { code, stdout } = await cli(['model', 'sites', FIXTURE, '--json']);
    const json = JSON.parse(stdout) as { sites: { name: string; activation: string; channels: number }[]; warnings: unknown[] };
    expect(code).toBe(0);
    expect(json.sites).toHaveLength(57);
    expect(json.sites[56]).toMatchObject({ name: 'model.22.cv3.2.1.act', activation: 'silu', channels: 80 });
    expect(json.warnings).toEqual([]);
  });

  it('a bad or missing file is a one-line error with exit code 2', async () => {
    const bad = join(scratch, 'bad.onnx');
    writeFileSync(bad, 'this is not an onnx model');
    const notOnnx = await cli(['model', 'sites', bad]);
    expect([notOnnx.code, notOnnx.stdout]).toEqual([2, '']);
    expect(notOnnx.stderr).toMatch(/^actnas: .*bad\.onnx: not an ONNX model.*\[NOT_PROTOBUF\]\n$/);
    const missing = await cli(['model', 'sites', join(scratch, 'missing.onnx')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file\n$/);
    const tooBig = await cli(['model', 'sites', FIXTURE, '--max-mb', '1']);
    expect([tooBig.code, tooBig.stderr.trim().split('\n')]).toEqual([2, [expect.stringContaining('[TOO_LARGE]')]]);
  });

  it('runs from the built bin', async () => {
    expect(existsSync(join(ROOT, 'apps/cli/dist/main.js')), 'build first: npx turbo run build').toBe(true);
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [BIN, 'model', 'sites', FIXTURE, '--json'], { cwd: ROOT, maxBuffer: 16 << 20 });
    expect((JSON.parse(stdout) as { sites: unknown[] }).sites).toHaveLength(57);
    const failed = await run(process.execPath, [BIN, 'model', 'sites', join(ROOT, 'package.json')], { cwd: ROOT }).catch((err: { code: number; stderr: string }) => err);
    expect('code' in failed && failed.code).toBe(2);
    expect('stderr' in failed && failed.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('actnas model sites on Ultralytics exports', () => {
  /** A gzipped fixture written out as the .onnx a user has. */
  const unpacked = (name: string, edit: (bytes: Uint8Array) => Uint8Array = (b) => b): string => {
    const path = join(scratch, `${name}.onnx`);
    writeFileSync(path, edit(gunzipSync(readFileSync(new URL(`${name}.onnx.gz`, MODELS)))));
    return path;
  };
  const rows = (stdout: string): string[] => stdout.split('\n').filter((line) => /^\d+\s/.test(line));

  it('YOLO26 (end-to-end head): every site named by module path and shaped', async () => {
    const { code, stdout } = await cli(['model', 'sites', unpacked('yolo26n-ultralytics-opset17')]);
    expect(code).toBe(0);
    expect(stdout).toContain('opset 17, pytorch 1.13.0, 87 activation sites; input images [1, 3, 640, 640]');
    expect(rows(stdout)).toHaveLength(87);
    expect(rows(stdout).filter((row) => row.includes(' ? '))).toEqual([]);
    // C2PSA's feed-forward, behind the attention's reshapes.
    expect(stdout).toMatch(/^33\s+model\.10\.m\.0\.ffn\.0\.act\s+SiLU\s+256\s+\[1, 256, 20, 20\]/m);
    expect(stdout).toMatch(/^86\s+model\.23\.one2one_cv3\.2\.1\.1\.act\s+SiLU\s+80\s+\[1, 80, 20, 20\]/m);
    expect(stdout).toContain('warning SIGMOID_NOT_SILU: Sigmoid is not multiplied by its input: not an activation site (/model.23/Sigmoid)');
  });

  it('dynamic height and width: shaped at the imgsz Ultralytics recorded, or at --imgsz', async () => {
    const file = unpacked('yolo11n-ultralytics-opset17-dynamic');
    const recorded = await cli(['model', 'sites', file]);
    expect(recorded.stdout).toContain("input images [batch, 3, height, width], shaped at 640×640 (the imgsz in Ultralytics' metadata; --imgsz to change)");
    expect(recorded.stdout).toMatch(/^0\s+model\.0\.act\s+SiLU\s+16\s+\[batch, 16, 320, 320\]/m);
    const json = JSON.parse((await cli(['model', 'sites', file, '--imgsz', '320,480', '--json'])).stdout) as { inputBinding: unknown; sites: { shape: unknown }[] };
    expect(json.inputBinding).toEqual({ imgsz: [320, 480], source: 'option' });
    expect(json.sites[0]!.shape).toEqual(['batch', 16, 160, 240]);
  });

  it('refuses what it cannot shape or use, in one line with the reason code', async () => {
    const noMetadata = unpacked('yolo11n-ultralytics-opset17-dynamic', (bytes) => {
      const model = decodeOnnxModel(bytes);
      return encodeOnnxModel({ ...model, metadataProps: [] });
    });
    const dynamic = await cli(['model', 'sites', noMetadata]);
    expect([dynamic.code, dynamic.stdout]).toEqual([2, '']);
    expect(dynamic.stderr).toMatch(/^actnas: .*: input "images" has dynamic spatial dims \[batch, 3, height, width\]: .*--imgsz 640.* \[DYNAMIC_INPUT_SIZE\]\n$/);
    const mismatch = await cli(['model', 'sites', unpacked('yolo26n-ultralytics-opset17'), '--imgsz', '320']);
    expect([mismatch.code, mismatch.stderr]).toEqual([2, expect.stringMatching(/fixed at 640×640, not the requested 320×320.*\[INPUT_SIZE_MISMATCH\]\n$/)]);
    const badFlag = await cli(['model', 'sites', noMetadata, '--imgsz', '640,480,3']);
    expect([badFlag.code, badFlag.stderr]).toEqual([2, expect.stringContaining('--imgsz must be one size or height,width')]);

    const convOnly = join(scratch, 'conv-only.onnx');
    writeFileSync(convOnly, encodeOnnxModel({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        node: [{ name: 'conv', opType: 'Conv', input: ['x', 'w'], output: ['y'] }],
        initializer: [float32Tensor('w', [2, 3, 1, 1], new Float32Array(6))],
        input: [tensorValueInfo('x', OnnxDataType.FLOAT, [1, 3, 8, 8])],
        output: [tensorValueInfo('y', OnnxDataType.FLOAT, [1, 2, 8, 8])],
      },
    }));
    const none = await cli(['model', 'sites', convOnly]);
    expect([none.code, none.stderr]).toEqual([2, expect.stringMatching(/^actnas: .*conv-only\.onnx: no activation site among the model's 1 nodes: .* \[NO_ACTIVATION_SITES\]\n$/)]);
  });
});
