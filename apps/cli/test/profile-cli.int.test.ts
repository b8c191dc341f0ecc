import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = join(root, 'apps/cli/bin/actnas.js');

function actnas(args: readonly string[], cwd: string): { code: number; stdout: string; stderr: string } {
  // Under `npx vitest` npm_command=exec would make the bin resolve paths from INIT_CWD instead of cwd.
  const { npm_command: _npmCommand, ...env } = process.env;
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...env, TURBO_TELEMETRY_DISABLED: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('actnas profile (built bin)', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'actnas-profile-'));
  });

  it('memory table in the paper format', () => {
    const r = actnas(['profile', '--metric', 'memory', '--imgsz', '160', '-o', 'mem.csv'], dir);
    expect(r.code).toBe(0);
    const lines = readFileSync(join(dir, 'mem.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('layer,activation,reference,delta,unit');
    expect(lines).toHaveLength(1 + 68 * 5);
    expect(lines[1]).toMatch(/^model\.0\.act,relu,\d+(\.\d+)?,-\d+/);
  });

  it('micro latency table is resumable: an interrupted run keeps finished cells', () => {
    const args = ['profile', '--metric', 'latency', '--mode', 'micro', '--imgsz', '64', '--sites', 'model.0.act,model.9.cv2.act', '--min-pairs', '4', '--max-pairs', '8', '--warmup', '1', '-o', 'lat.csv'];
    const first = actnas([...args, '--stop-after', '3'], dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/stopped after 3 new cells/);
    expect(existsSync(join(dir, 'lat.csv.checkpoint.jsonl'))).toBe(true);
    const second = actnas(args, dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/10 cells \(7 measured, 3 resumed\)/);
    expect(second.stderr).toMatch(/^resuming .*lat\.csv\.checkpoint\.jsonl: 3 of 10 cells done, \d+ s of the table's 170 s budget spent$/m);
    expect(existsSync(join(dir, 'lat.csv.checkpoint.jsonl'))).toBe(false);
    const lines = readFileSync(join(dir, 'lat.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('layer,activation,reference,delta,ci_low,ci_high,runs,unit');
    expect(lines).toHaveLength(11);
    const runs = lines.slice(1).map((l) => l.split(',')).filter((c) => c[1] !== 'silu').map((c) => Number(c[6]));
    expect(runs).toHaveLength(8);
    expect(runs.every((n) => n >= 4 && n <= 8)).toBe(true);
  });

  it('a micro table of every site is calibrated against the whole model: each all-X model measured, the offset printed and in the note', () => {
    const r = actnas(['profile', '--metric', 'latency', '--mode', 'micro', '--imgsz', '64', '--candidates', 'relu,silu', '--min-pairs', '2', '--max-pairs', '4', '--warmup', '1', '--anchor-pairs', '6', '-o', 'whole.json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/calibrating against the whole model: all-relu against the reference \(up to 6 pairs each\)/);
    const anchor = /all-relu\s+measured\s+(-?\d+\.\d+) \[.*\] ms, micro sum\s+(-?\d+\.\d+) ms \((\d+) pairs\)/.exec(r.stderr);
    expect(anchor, r.stderr).not.toBeNull();
    expect(r.stdout).toMatch(/^calibrated: -?\d+\.\d{4} ms per swapped site \(whole models -?\d+\.\d{3} \[.*\] ms off their micro sums\)$/m);
    const table = JSON.parse(readFileSync(join(dir, 'whole.json'), 'utf8')) as { sites: string[]; cells: { activation: string; delta: number }[]; provenance: { note: string } };
    expect(table.provenance.note).toMatch(/calibration=whole-model: -?\d+\.\d{4} ms on each non-reference cell/);
    // The ReLU column now sums to the measured all-ReLU model (3 decimals as printed).
    const sum = table.cells.filter((c) => c.activation === 'relu').reduce((s, c) => s + c.delta, 0);
    expect(Math.abs(sum - Number(anchor![1]))).toBeLessThan(0.0006);
    const off = actnas(['profile', '--metric', 'latency', '--mode', 'micro', '--imgsz', '64', '--candidates', 'relu,silu', '--min-pairs', '2', '--max-pairs', '4', '--warmup', '1', '--anchor-pairs', '0', '-o', 'raw.json'], dir);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).not.toMatch(/calibrated/);
    expect(readFileSync(join(dir, 'raw.json'), 'utf8')).not.toMatch(/calibration=/);
  });

  it('full mode with --paper: mean of N runs per single-swap model, unpaired CI columns', () => {
    const r = actnas(['profile', '--metric', 'latency', '--mode', 'full', '--paper', '--runs', '3', '--warmup', '1', '--imgsz', '64', '--sites', 'model.4.cv1.act', '-o', 'paper.json'], dir);
    expect(r.code).toBe(0);
    const table = JSON.parse(readFileSync(join(dir, 'paper.json'), 'utf8')) as { cells: { activation: string; ciLow?: number; runs?: number }[]; provenance: { note: string; runs: number } };
    expect(table.cells.map((c) => c.activation)).toEqual(['relu', 'silu', 'hardswish', 'relu6', 'leakyrelu']);
    expect(table.cells.every((c) => c.ciLow !== undefined)).toBe(true);
    expect(table.cells.filter((c) => c.activation !== 'silu').map((c) => c.runs)).toEqual([3, 3, 3, 3]);
    expect(table.provenance.note).toMatch(/mode=full; protocol=paper \(mean of 3 runs, unpaired\); runtime=ort 1\.\d+\.\d+ \(cpu\); threads=1/);
    expect(table.provenance.note).toMatch(/host-cpu=/);
    expect(table.provenance.runs).toBe(3);
  });

  it('profile validate compares additive predictions with measured mixed models', () => {
    writeFileSync(join(dir, 'flat.csv'), ['layer,activation,reference,delta', 'model.0.act,relu,5,-0.1', 'model.0.act,silu,5,0', 'model.0.act,hardswish,5,0'].join('\n'));
    const r = actnas(['profile', 'validate', '--imgsz', '64', '--table', 'flat.csv', '--assignments', '2', '--max-pairs', '10', '--json', 'v.json'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/all-relu .*predicted\s+-0\.100/);
    expect(r.stdout).toMatch(/correlation .*median relative error .*median absolute error/);
    expect(r.stdout).toMatch(/^random mixed models alone: median relative error \d+\.\d% over 2 \(the all-X models are also a calibrated table's anchors\)$/m);
    expect(r.stdout).toMatch(/null-1 .*predicted\s+0\.000/);
    expect(r.stdout).toMatch(/noise floor \d+\.\d{3}: .*\(3 null rows\)/);
    expect(r.stdout).toContain("runs timed by the process's CPU time (1-thread onnxruntime, as micro tables are)");
    const report = JSON.parse(readFileSync(join(dir, 'v.json'), 'utf8')) as { rows: { ciLow: number; ciHigh: number }[]; nullRows: unknown[]; medianHalfWidth: number; medianRelativeHalfWidth: number; medianRelativeError: number };
    expect(report.rows).toHaveLength(4);
    expect(report.nullRows).toHaveLength(3);
    // How fine the measured side was, and, when its CIs are as wide as the errors, what narrows them.
    const widths = report.rows.map((row) => (row.ciHigh - row.ciLow) / 2).sort((a, b) => a - b);
    expect(report.medianHalfWidth).toBeCloseTo((widths[1]! + widths[2]!) / 2, 10);
    expect(r.stdout).toMatch(new RegExp(`^measured side: median CI ±${report.medianHalfWidth.toFixed(3)} \\(${(100 * report.medianRelativeHalfWidth).toFixed(0)}% of \\|delta\\|\\)`, 'm'));
    const hinted = report.medianRelativeHalfWidth >= report.medianRelativeError;
    expect(r.stdout.includes('this host\'s noise; --max-pairs 40 measures each model finer')).toBe(hinted);
  });

  it('NWOT accuracy table on late sites; Spearman against a measured table', () => {
    const r = actnas(['profile', '--metric', 'accuracy', '--imgsz', '64', '--batch', '4', '--sites', 'model.23.cv3.act', '-o', 'acc.csv'], dir);
    expect(r.code).toBe(0);
    const lines = readFileSync(join(dir, 'acc.csv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(6);
    // delta 0 at the reference; runs = 1 seed
    expect(lines.find((l) => l.startsWith('model.23.cv3.act,silu,'))).toMatch(/,0,1,nwot$/);
    const sites = JSON.parse(readFileSync(join(dir, 'acc.csv.sites.json'), 'utf8')) as { seeds: Record<string, { score: number; sites: { site: string; codeDiversity: number }[] }> };
    expect(sites.seeds['0']!.sites).toHaveLength(68);
    expect(sites.seeds['0']!.sites.at(-1)!.codeDiversity).toBeGreaterThan(0);
    const c = actnas(['profile', 'correlate', '--nwot', 'acc.csv', '--measured', 'acc.csv'], dir);
    expect(c.stdout).toMatch(/Spearman 1\.000 over 4 cells/);
  });

  it('bad input: one line on stderr, exit 2', () => {
    const r = actnas(['profile', '--metric', 'latency', '--mode', 'fast', '-o', 'x.csv'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--mode must be one of full, micro/);
    const cap = actnas(['profile', '--metric', 'latency', '--max-cell-seconds', '-1', '-o', 'x.csv'], dir);
    expect(cap.code).toBe(2);
    expect(cap.stderr).toMatch(/--max-cell-seconds must be a number ≥ 0, got "-1"/);
    const anchors = actnas(['profile', '--metric', 'latency', '--anchor-pairs', 'many', '-o', 'x.csv'], dir);
    expect(anchors.code).toBe(2);
    expect(anchors.stderr).toMatch(/--anchor-pairs must be an integer from 0 to 1000000, got "many"/);
    for (const bad of ['-1', '101', 'three']) {
      const nulls = actnas(['profile', 'validate', '--table', 'no-such-table.csv', '--null-copies', bad], dir);
      expect(nulls.code).toBe(2);
      expect(nulls.stderr.trim().split('\n')).toHaveLength(1);
      expect(nulls.stderr).toContain(`--null-copies must be an integer from 0 to 100, got "${bad}"`);
    }
  });
});
