import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { main as runCli } from '../src/main.js';

/** The repository root is three levels up from apps/cli/test; CI has ../shared beside it. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/models/yolov8n-pytorch-export-opset17.onnx', import.meta.url));
const BIN = join(ROOT, 'apps/cli/bin/actnas.js');

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

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
