import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeOnnxModel, encodeOnnxModel, importOnnx } from '@actnas/core';
import { createRuntime, syntheticInput } from '@actnas/devices';

// README's "Your own model" walkthrough, run as written: every `npx actnas …` command between its
// markers, in bash, in a folder with this repository's node_modules (the built CLI), on the
// PyTorch-exported yolov8n fixture saved as yolov8n.onnx with its height and width made dynamic, as
// the walkthrough's `export(…, dynamic=True)` leaves them.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = join(root, 'test/fixtures/models/yolov8n-pytorch-export-opset17.onnx');

/** The walkthrough's shell commands: the `npx actnas` lines of its sh block, continuations joined. */
function walkthrough(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = /<!-- your-own-model:start -->\n([\s\S]*?)<!-- your-own-model:end -->/.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no your-own-model markers');
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.replace(/\\\n\s*/g, '').split('\n').filter((line) => line.startsWith('npx actnas '));
}

function run(script: string, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', ['-e', '-c', script], { cwd, env: { PATH: process.env['PATH'] ?? '', HOME: cwd, NPM_CONFIG_UPDATE_NOTIFIER: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'actnas-own-model-'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const model = decodeOnnxModel(readFileSync(FIXTURE));
  const dims = model.graph!.input![0]!.type!.tensorType!.shape!.dim! as { dimValue?: unknown; dimParam?: string }[];
  for (const k of [2, 3]) Object.assign(dims[k]!, { dimValue: undefined, dimParam: k === 2 ? 'height' : 'width' });
  (model.graph as { valueInfo?: unknown[] }).valueInfo = [];
  writeFileSync(join(dir, 'yolov8n.onnx'), encodeOnnxModel(model));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README: your own model, as written', () => {
  it('exports, lists sites, profiles, searches and rewrites the file', async () => {
    const commands = walkthrough();
    expect(commands.map((c) => c.split(' ').slice(2, 4).join(' '))).toEqual([
      'model sites', 'profile --model', 'profile --model', 'profile --model', 'profile validate', 'search --latency', 'model export',
    ]);
    const outputs: string[] = [];
    for (const command of commands) {
      const r = await run(command, dir);
      expect({ command, code: r.code, stderr: r.stderr }).toEqual({ command, code: 0, stderr: '' });
      outputs.push(r.stdout);
    }
    expect(outputs[0]).toContain('57 activation sites');
    expect(outputs[0]).toContain('shaped at 160×160 (--imgsz)');
    for (const table of ['lat.csv', 'mem.csv', 'nwot.csv']) {
      expect(readFileSync(join(dir, table), 'utf8').trim().split('\n')).toHaveLength(1 + 57 * 5);
    }
    expect(outputs[4]).toMatch(/all-relu\s+predicted\s+-?\d+\.\d{3}\s+measured/);
    expect(outputs[4]).toMatch(/correlation .* over 5 models/);
    expect(outputs[5]).toMatch(/3 proposal\(s\)/);
    const mixed = importOnnx(readFileSync(join(dir, 'yolov8n-mixed.onnx')), { imgsz: 160 });
    expect(mixed.sites.map((s) => s.activation.id)).toEqual(mixed.sites.map((s) => (s.name === 'model.0.act' ? 'silu' : 'relu')));
    const ort = await createRuntime({ runtime: 'ort', threads: 1 });
    const session = await ort.load(mixed.bytes);
    try {
      const y = (await session.run({ images: syntheticInput([1, 3, 160, 160], 0) }))['output0']!;
      expect(y.dims).toEqual([1, 144, 525]);
      expect(y.data.every(Number.isFinite)).toBe(true);
    } finally {
      await session.dispose();
    }
  }, 600_000);
});
