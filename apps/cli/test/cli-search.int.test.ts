import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(root, 'apps', 'cli', 'bin', 'actnas.js');
const examples = join(root, 'packages', 'core', 'examples', 'yolov5nu-synthetic');
// Under `npx vitest` npm_command=exec would make the bin resolve paths from INIT_CWD instead of cwd.
const { npm_command: _npmCommand, ...env } = process.env;
const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'search', ...args], { cwd: examples, encoding: 'utf8', env });

describe('actnas search (built bin)', () => {
  it('prints ranked, diverse proposals within the accuracy budget as JSON', () => {
    const out = run('--latency', 'latency.csv', '--accuracy', 'accuracy.csv', '--memory', 'memory.csv', '--objective', 'min-latency', '--max-accuracy-drop', '0.005', '--k', '10', '--diversity', '3', '--json');
    expect(out.status).toBe(0);
    const result = JSON.parse(out.stdout) as { status: string; proposals: { objective: number; activations: string[]; totals: { metric: string; delta: number }[] }[]; baselines: { name: string }[] };
    expect(result.status).toBe('optimal');
    expect(result.proposals).toHaveLength(10);
    const objectives = result.proposals.map((p) => p.objective);
    expect([...objectives].sort((a, b) => a - b)).toEqual(objectives);
    for (const p of result.proposals) expect(p.totals.find((t) => t.metric === 'accuracy')!.delta).toBeGreaterThanOrEqual(-0.005 - 1e-9);
    result.proposals.forEach((p, i) =>
      result.proposals.slice(0, i).forEach((q) => expect(p.activations.filter((a, s) => a !== q.activations[s]).length).toBeGreaterThanOrEqual(3)),
    );
    expect(result.baselines.map((b) => b.name)).toEqual(['all-reference', 'all-relu', 'all-hardswish']);
    const exact = JSON.parse(run('--latency', 'latency.csv', '--accuracy', 'accuracy.csv', '--max-accuracy-drop', '0.005', '--k', '1', '--strategy', 'exact', '--json').stdout) as typeof result;
    expect(exact.proposals[0]!.objective).toBeCloseTo(objectives[0]!, 6);
  });

  it('prints tables with baselines', () => {
    const out = run('--latency', 'latency.csv', '--accuracy', 'accuracy.csv', '--max-accuracy-drop', '0.005', '--k', '3', '--table');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/rank/);
    expect(out.stdout).toMatch(/all-hardswish/);
  });

  it('exits 2 with a one-line message for bad flags and bad files', () => {
    const badFlag = run('--latency', 'latency.csv', '--accuracy', 'accuracy.csv', '--k', 'zero');
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr.trim().split('\n')).toHaveLength(1);
    expect(badFlag.stderr).toMatch(/bad --k/);
    const missing = run('--latency', 'nope.csv');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('actnas: cannot read latency table nope.csv: no such file\n');
    const wrongUnit = run('--latency', 'memory.csv');
    expect(wrongUnit.status).toBe(2);
    expect(wrongUnit.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrongUnit.stderr).toMatch(/unit "KB" does not match/);
  });

  it('reports infeasible budgets with the best achievable value', () => {
    const out = run('--latency', 'latency.csv', '--accuracy', 'accuracy.csv', '--max-latency', '500', '--table');
    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(/infeasible: latency ≤ 500; best achievable 7\d\d\.\d+/);
  });

  it('runs as the README shows it: npx actnas from a folder inside the repository', () => {
    // npx runs the bin from the workspace root; the bin resolves paths from where it was typed.
    const r = spawnSync('npx', ['actnas', 'search', '--latency', 'latency.csv', '--accuracy', 'accuracy.csv', '--max-accuracy-drop', '0.005', '--k', '2', '--json'], { cwd: examples, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/actnas:/);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { proposals: unknown[] }).proposals).toHaveLength(2);
  });
});
