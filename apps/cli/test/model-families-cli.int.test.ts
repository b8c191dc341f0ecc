import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { YOLO11_YAML } from '@actnas/core';
import { main as runCli } from '../src/main.js';

const scratch = mkdtempSync(join(tmpdir(), 'actnas-families-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
writeFileSync(join(scratch, 'yolo11.yaml'), YOLO11_YAML);
writeFileSync(join(scratch, 'detector.yaml'), YOLO11_YAML);
writeFileSync(join(scratch, 'rotated.yaml'), YOLO11_YAML.replace('[[16, 19, 22], 1, Detect, [nc]]', '[[16, 19, 22], 1, OBB, [nc, 1]]'));

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: scratch });
  return { code, stdout, stderr };
}

describe('actnas model info for the Ultralytics 8.4 families', () => {
  it('says which module layout it used, and builds the pre-8.4 one on request', async () => {
    const current = await cli(['model', 'info', 'yolov8n']);
    expect(current.code).toBe(0);
    expect(current.stdout).toMatch(/^layout: Ultralytics 8\.4 \(no activation after SPPF\.cv1/m);
    expect(current.stdout).toContain('56 activation sites');
    const legacy = await cli(['model', 'info', 'yolov8n', '--layout', 'pre-8.4', '--json']);
    expect(JSON.parse(legacy.stdout)).toMatchObject({ layout: 'pre-8.4', params: 3_157_200 });
    expect((JSON.parse(legacy.stdout) as { sites: unknown[] }).sites).toHaveLength(57);
    expect((await cli(['model', 'info', 'yolov5n'])).stdout).toMatch(/^layout: ultralytics\/yolov5 repository/m);
  });

  it('describes YOLO26: end-to-end output, the must-match figures', async () => {
    const { code, stdout } = await cli(['model', 'info', 'yolo26n']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^yolo26n \(scale n\) at 640x640, 80 classes, detect, output \[300, 6\] \(end-to-end: the top 300 detections\)$/m);
    expect(stdout).toContain('yolo26n summary: 24 layers, 2,572,280 parameters, 5.4 GFLOPs, 87 activation sites');
    expect(stdout).toContain('2,408,932 after BN folding');
  });

  it('takes the scale from the file name as Ultralytics does, lets --scale win, and warns when neither names one', async () => {
    const small = await cli(['model', 'info', 'yolo11s.yaml']);
    expect(small.code).toBe(0);
    expect(small.stdout).toContain('yolo11s summary: 24 layers, 9,458,752 parameters');
    expect(small.stderr).toBe('');
    expect((await cli(['model', 'info', 'yolo11s.yaml', '--scale', 'm'])).stdout).toContain('20,114,688 parameters');
    const guessed = await cli(['model', 'info', 'detector.yaml']);
    expect(guessed.code).toBe(0);
    expect(guessed.stdout).toContain('2,624,080 parameters');
    expect(guessed.stderr).toBe('actnas: warning: detector: no scale named (--scale, or a letter in the file name as in yolo11s.yaml); assuming scale "n" of n, s, m, l, x\n');
  });

  it('refuses a head of another task in one line, exit 2', async () => {
    const { code, stdout, stderr } = await cli(['model', 'info', 'rotated.yaml']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^actnas: rotated\.yaml: rotated: its head OBB predicts oriented bounding boxes \(OBB\), a task ActNAS does not build .*\n$/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a bad --layout and a scale the YAML lacks, exit 2', async () => {
    const layout = await cli(['model', 'info', 'yolo11n', '--layout', '8.3']);
    expect([layout.code, layout.stderr]).toEqual([2, 'actnas: --layout must be 8.4 or pre-8.4, got "8.3"\n']);
    const legacy26 = await cli(['model', 'export', 'yolo26n', '--layout', 'pre-8.4', '-o', 'x.onnx']);
    expect(legacy26.code).toBe(2);
    expect(legacy26.stderr).toMatch(/SPPF args \[1024,5,3,true\] need Ultralytics ≥ 8\.4/);
    const scale = await cli(['model', 'info', 'yolo11q.yaml']);
    expect([scale.code, scale.stderr]).toEqual([2, 'actnas: yolo11q.yaml: no such file\n']);
  });
});
