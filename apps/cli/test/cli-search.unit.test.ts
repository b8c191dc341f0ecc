import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main as runCli } from '../src/main.js';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages', 'core', 'examples', 'yolov5nu-synthetic');

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['search', ...args], { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: examples });
  return { code, out, err };
}

interface Json {
  status: string;
  proposals: { activations: string[]; totals: { label: string; total: number }[] }[];
  sites: string[];
}

describe('actnas search in-process', () => {
  it('honours --lock and per-device latency budgets', async () => {
    const r = await cli(
      '--latency-device', 'a53=latency.csv', '--latency-device', 'npu=latency.csv', '--accuracy', 'accuracy.csv',
      '--objective', 'max-accuracy', '--max-latency-device', 'a53=900', '--max-latency-device', 'npu=880',
      '--lock', 'model.0.act=hardswish', '--k', '2', '--diversity', '2', '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out) as Json;
    for (const p of res.proposals) {
      expect(p.activations[0]).toBe('hardswish');
      expect(p.totals.find((t) => t.label === 'latency@npu')!.total).toBeLessThanOrEqual(880 + 1e-9);
    }
  });

  it('runs every strategy on the example tables', async () => {
    for (const strategy of ['exact', 'random', 'lzcm', 'naive', 'pareto']) {
      const r = await cli('--latency', 'latency.csv', '--accuracy', 'accuracy.csv', '--max-accuracy-drop', '0.005', '--k', '2', '--strategy', strategy, '--samples', '500', '--json');
      expect(r.code, `${strategy}: ${r.err}`).toBe(0);
      expect((JSON.parse(r.out) as Json).proposals.length).toBeGreaterThan(0);
    }
  });

  it('rejects bad input with one line and exit code 2', async () => {
    const cases: string[][] = [
      ['--latency', 'latency.csv', '--objective', 'fastest'],
      ['--latency', 'latency.csv', '--diversity', '0'],
      ['--latency', 'latency.csv', '--lock', 'model.0.act'],
      ['--latency', 'latency.csv', '--lock', 'nope.act=relu'],
      ['--latency', 'latency.csv', '--max-memory', '100'],
      ['--latency', 'latency.csv', '--strategy', 'magic'],
      ['--latency', 'latency.csv', '--json', '--table'],
    ];
    for (const args of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
