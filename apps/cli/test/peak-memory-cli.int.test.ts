import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGraph, builtinModelSpec, fullActivationRegistry } from '@actnas/core';
import { ORT_CPU_FUSION, estimateMemory, memoryGraphOf } from '@actnas/devices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'apps/cli/bin/actnas.js');
const examples = join(root, 'packages/core/examples/yolov5nu-synthetic');
const latency = join(examples, 'latency.csv');
const IMGSZ = 160;

function actnas(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  // Under `npx vitest` npm_command=exec would make the bin resolve paths from INIT_CWD instead of cwd.
  const { npm_command: _npmCommand, ...env } = process.env;
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Result {
  status: string;
  sites: string[];
  budgets: string[];
  proposals: { activations: string[]; feasible: boolean; totals: { label: string; metric: string; total: number; reference: number }[] }[];
  baselines: { name: string; feasible?: boolean; totals?: { metric: string; total: number }[] }[];
}

/** The peak live set of an assignment by the memory planner itself (no live-set rows involved), KB. */
function plannedPeakKB(sites: readonly string[], activations: readonly string[]): number {
  const spec = builtinModelSpec('yolov5nu');
  const graph = memoryGraphOf(buildGraph(spec, { imgsz: IMGSZ, nc: spec.nc }));
  const registry = fullActivationRegistry();
  const assigned = Object.fromEntries(sites.map((s, i) => [s, registry.resolve(activations[i]!)]));
  return estimateMemory(graph, { reference: spec.activation, sites: assigned }, ORT_CPU_FUSION).peakLiveBytes / 1024;
}

describe('actnas search --live-set --max-peak-memory (built bin)', () => {
  let dir: string;
  let referencePeak: number;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'actnas-peak-'));
    // The example latency table with its signs flipped: every swap is slower, so the fastest model
    // is the reference, whose peak the budget below rules out.
    const [header, ...lines] = readFileSync(latency, 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'slower.csv'), [header, ...lines.map((l) => l.split(',').map((v, i) => (i === 3 ? String(-Number(v)) : v)).join(','))].join('\n'));
    const profile = actnas(dir, 'profile', '--metric', 'memory', '--imgsz', String(IMGSZ), '--live-set', 'rows.json', '-o', 'mem.csv');
    expect(profile.code, profile.stderr).toBe(0);
    const free = JSON.parse(actnas(dir, 'search', '--latency', latency, '--memory', 'mem.csv', '--live-set', 'rows.json', '--max-peak-memory', '1e9', '--json').stdout) as Result;
    referencePeak = free.proposals[0]!.totals.find((t) => t.metric === 'peak_memory')!.reference;
  });

  it('keeps every proposal under the peak budget, as the memory planner measures the chosen model', () => {
    const budget = referencePeak - 1;
    const r = actnas(dir, 'search', '--latency', 'slower.csv', '--memory', 'mem.csv', '--live-set', 'rows.json', '--max-peak-memory', String(budget), '--k', '3', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as Result;
    expect(result.status).toBe('optimal');
    expect(result.budgets).toEqual([`peak_memory ≤ ${budget}`]);
    expect(result.proposals).toHaveLength(3);
    for (const p of result.proposals) {
      const peak = p.totals.find((t) => t.metric === 'peak_memory')!;
      expect(peak.total).toBeLessThanOrEqual(budget);
      expect(peak.total).toBeCloseTo(plannedPeakKB(result.sites, p.activations), 6);
    }
    // Without the budget the best model is the reference, whose peak breaks it: the budget binds.
    const free = JSON.parse(actnas(dir, 'search', '--latency', 'slower.csv', '--json').stdout) as Result;
    expect(free.proposals[0]!.activations.every((a) => a === 'silu')).toBe(true);
    expect(plannedPeakKB(free.sites, free.proposals[0]!.activations)).toBeGreaterThan(budget);
    expect(result.proposals[0]!.activations.some((a) => a !== 'silu')).toBe(true);
  });

  it('reports an unreachable peak as infeasible (exit 1) with the smallest reachable peak', () => {
    const r = actnas(dir, 'search', '--latency', latency, '--live-set', 'rows.json', '--max-peak-memory', '1', '--table');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/infeasible: peak_memory ≤ 1; best achievable ≥ \d+/);
  });

  it('bad input: one flag without the other, rows of another model, a broken file', () => {
    const alone = actnas(dir, 'search', '--latency', latency, '--max-peak-memory', '100');
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--live-set and --max-peak-memory go together/);
    const rows = JSON.parse(readFileSync(join(dir, 'rows.json'), 'utf8')) as { base: number[]; terms: { site: string }[] };
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ ...rows, terms: rows.terms.map((t, i) => (i === 0 ? { ...t, site: 'model.99.act' } : t)) }));
    const other = actnas(dir, 'search', '--latency', latency, '--live-set', 'other.json', '--max-peak-memory', '100');
    expect(other.code).toBe(2);
    expect(other.stderr.trim().split('\n')).toHaveLength(1);
    expect(other.stderr).toMatch(/live-set rows other\.json: 1 problem: column "terms\[0\]": site "model\.99\.act" is not a site of the table/);
    writeFileSync(join(dir, 'broken.json'), '{"base": [1,');
    const broken = actnas(dir, 'search', '--latency', latency, '--live-set', 'broken.json', '--max-peak-memory', '100');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/live-set rows broken\.json: invalid JSON/);
  });
});
