import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'apps/cli/bin/actnas.js');
const measured = join(root, 'packages/core/examples/yolov5nu-ort-cpu');
const { npm_command: _npmCommand, ...env } = process.env;
const actnas = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
// Small and short: yolov5nu at 64, few pairs, NWOT batch 4 (timing targets live in the bench).
const QUICK = ['--imgsz', '64', '--nwot-imgsz', '64', '--nwot-batch', '4', '--max-pairs', '10', '--null-copies', '1'];

let dir: string;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'actnas-verify-'));
  const search = actnas(['search', '--latency', join(measured, 'latency.json'), '--memory', join(measured, 'memory.json'), '--accuracy', join(measured, 'accuracy.json'), '--max-accuracy-drop', '2', '--k', '3', '--json'], dir);
  expect(search.code).toBe(0);
  writeFileSync(join(dir, 'proposals.json'), search.stdout);
});

describe('actnas verify (built bin)', () => {
  it('measures the chosen proposals and the baselines whole, predicted beside measured, and writes the report', () => {
    const r = actnas(['verify', '--proposals', 'proposals.json', '--ranks', '1-2', '--baselines', ...QUICK, '--accuracy', join(measured, 'accuracy.json'), '--max-memory', '127', '-o', 'v.json'], dir);
    expect(r.stderr).toMatch(/verify: latency null-1 \(noise floor\)/);
    expect(r.stdout).toMatch(/latency noise floor \d+\.\d{3} ms: median \|delta\| of 1 fresh session.*; runs timed by the process's CPU time \(1-thread onnxruntime\)/);
    expect(r.stdout).toMatch(/#1 \(\d+ changed\)/);
    expect(r.stdout).toMatch(/all-hardswish/);
    expect(r.stdout).toMatch(/5 model\(s\) verified/);
    const report = JSON.parse(readFileSync(join(dir, 'v.json'), 'utf8')) as {
      candidates: { name: string; kind: string; broken: string[]; metrics: { metric: string; predicted?: { delta: number }; measured: { delta: number; total: number }; budget?: { brokenAsMeasured: boolean } }[] }[];
      noise: { nullCopies: unknown[] };
    };
    expect(report.candidates.map((c) => c.name)).toEqual(['#1', '#2', 'all-reference', 'all-relu', 'all-hardswish']);
    expect(report.noise.nullCopies).toHaveLength(1);
    for (const c of report.candidates) expect(c.metrics.map((m) => m.metric)).toEqual(['latency', 'memory', 'accuracy']);
    const ref = report.candidates[2]!;
    expect(ref.metrics.find((m) => m.metric === 'accuracy')!.measured.delta).toBe(0);
    // 128 KB arena at 64: the unchanged model breaks a 127 KB budget as measured, and only models below it pass.
    expect(ref.broken).toEqual(['memory']);
    for (const c of report.candidates) {
      const mem = c.metrics.find((m) => m.metric === 'memory')!;
      expect(mem.budget!.brokenAsMeasured).toBe(mem.measured.total > 127);
    }
    // Proposals' predictions come from the accuracy table, else from the file's totals.
    expect(report.candidates[0]!.metrics.every((m) => m.predicted !== undefined)).toBe(true);
    expect(r.code).toBe(report.candidates.filter((c) => c.kind === 'proposal').every((c) => c.broken.length > 0) ? 1 : 0);
  });

  it('writes a CSV with one row per model and metric', () => {
    const r = actnas(['verify', '--proposals', 'proposals.json', '--ranks', '3', '--metrics', 'memory', '--imgsz', '64', '-o', 'v.csv'], dir);
    expect(r.code).toBe(0);
    const lines = readFileSync(join(dir, 'v.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^model,kind,rank,metric,unit,predicted_delta,predicted_uncertainty,.*,inside,budget,budget_excess,broken_as_measured$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^#3,proposal,3,memory,KB,/);
  });

  it('verifies against an ONNX file as the model, with its own weights at its own input size', () => {
    expect(actnas(['model', 'export', 'yolov5nu', '--imgsz', '64', '-o', 'ref.onnx'], dir).code).toBe(0);
    const r = actnas(['verify', '--model', 'ref.onnx', '--proposals', 'proposals.json', '--ranks', '1', '--metrics', 'latency,memory', '--max-pairs', '10', '--null-copies', '1', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^verify: 1 model\(s\) of ref at 64 on /);
    const report = JSON.parse(r.stdout) as { candidates: { name: string; metrics: { metric: string; measured: { delta: number; total: number; runs: number } }[] }[] };
    expect(report.candidates.map((c) => c.name)).toEqual(['#1']);
    const [latency, memory] = report.candidates[0]!.metrics;
    expect(latency).toMatchObject({ metric: 'latency', measured: { runs: 10 } });
    // The planner on the file's graph: the same whole-model arena delta as on the built-in graph it was exported from.
    const builtin = JSON.parse(actnas(['verify', '--proposals', 'proposals.json', '--ranks', '1', '--metrics', 'memory', '--imgsz', '64', '--json'], dir).stdout) as typeof report;
    expect(memory!.measured.delta).toBeCloseTo(builtin.candidates[0]!.metrics[0]!.measured.delta, 6);

    expect(actnas(['model', 'export', 'yolov5nu', '--imgsz', '64', '--act', 'all:silu,model.0.act:relu', '-o', 'mixed.onnx'], dir).code).toBe(0);
    const mixed = actnas(['verify', '--model', 'mixed.onnx', '--proposals', 'proposals.json', '--metrics', 'memory'], dir);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/^actnas: mixed\.onnx: its sites have mixed activations \(relu, silu\); .+\n$/);
    const fixed = actnas(['verify', '--model', 'ref.onnx', '--proposals', 'proposals.json', '--metrics', 'memory', '--imgsz', '640'], dir);
    expect(fixed.code).toBe(2);
    expect(fixed.stderr).toMatch(/^actnas: ref\.onnx: .+\[INPUT_SIZE_MISMATCH\]\n$/);
  });

  it('bad input: one line on stderr, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['--ranks', '1-12'], /--ranks 1-12: rank 4 is out of range \(proposals\.json has ranks 1-3\)/],
      [['--ranks', 'top'], /--ranks must be ranks or ranges/],
      [['--model', 'yolov8n'], /proposals proposals\.json are for another model: site "[^"]+" is not a site of yolov8n/],
      [['--metrics', 'speed'], /--metrics must be one of latency, memory, accuracy/],
    ];
    for (const [extra, message] of cases) {
      const r = actnas(['verify', '--proposals', 'proposals.json', '--imgsz', '64', ...extra], dir);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    const missing = actnas(['verify', '--proposals', 'nope.json', '--imgsz', '64'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read proposals nope\.json: no such file$/m);
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ sites: ['a'], proposals: [{ rank: 1, activations: ['relu'] }] }));
    const other = actnas(['verify', '--proposals', 'other.json', '--imgsz', '64', '--json'], dir);
    expect(other.code).toBe(2);
    expect(JSON.parse(other.stdout)).toMatchObject({ error: { code: 'BAD_INPUT', exitCode: 2 } });
  });
});
