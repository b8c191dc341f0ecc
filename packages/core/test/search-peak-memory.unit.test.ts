import { describe, expect, it } from 'vitest';
import type { CostTable, LiveSetRows } from '../src/index.js';
import { CostTableValidationError, createSearchSpace, liveSetPeakBytes, parseLiveSetRows, runSearch } from '../src/index.js';

const KB = 1024;
const sites = ['a', 'b', 'c'];
const acts = ['silu', 'relu', 'hardswish'];
/** ReLU is fastest everywhere; SiLU the reference. */
const latency: CostTable = {
  metric: 'latency', unit: 'ms', reference: 10, sites,
  cells: sites.flatMap((site) => acts.map((activation) => ({ site, activation, delta: activation === 'relu' ? -1 : activation === 'hardswish' ? -0.5 : 0 }))),
  provenance: { source: 'synthetic' },
};
/**
 * Three steps. A site at ReLU keeps an extra 8 KB alive at its own step (an unfused output, say),
 * Hardswish 2 KB, SiLU 4 KB; step 1 also holds site a's output.
 */
const rows: LiveSetRows = {
  base: [20 * KB, 20 * KB, 10 * KB],
  terms: [
    ...sites.flatMap((site, step) => [
      { step, site, activation: 'relu', bytes: 8 * KB },
      { step, site, activation: 'hardswish', bytes: 2 * KB },
      { step, site, activation: 'silu', bytes: 4 * KB },
    ]),
    { step: 1, site: 'a', activation: 'relu', bytes: 8 * KB },
  ],
};
const space = createSearchSpace({ sites, candidates: acts, reference: 'silu' });
const peakOf = (assignment: readonly string[]): number => liveSetPeakBytes(rows, (s) => assignment[sites.indexOf(s)]) / KB;

describe('peak-memory budgets in search results', () => {
  it('reports the peak of every proposal and baseline as a peak_memory total, and the budget once', async () => {
    const result = await runSearch({ space, tables: [latency], objective: { sense: 'min', metric: { metric: 'latency' } }, peakMemory: [{ rows, maxKB: 30, device: 'pi5' }] }, { strategy: 'ilp', k: 3 });
    expect(result.status).toBe('optimal');
    expect(result.budgets).toEqual(['peak_memory@pi5 ≤ 30']);
    for (const p of result.proposals) {
      const peak = p.totals.find((t) => t.metric === 'peak_memory')!;
      expect(peak).toMatchObject({ label: 'peak_memory@pi5', device: 'pi5', unit: 'KB', reference: 24 });
      expect(peak.total).toBeCloseTo(peakOf(p.activations), 9);
      expect(peak.total).toBeLessThanOrEqual(30);
      expect(peak.delta).toBeCloseTo(peak.total - 24, 9);
    }
    // All-ReLU would be fastest, but its step 1 holds 20 + 8 + 8 = 36 KB.
    expect(peakOf(['relu', 'relu', 'relu'])).toBe(36);
    expect(result.proposals[0]!.activations).not.toEqual(['relu', 'relu', 'relu']);
    expect(result.baselines.find((b) => b.name === 'all-relu')).toMatchObject({ feasible: false });
    // Every strategy agrees with the ILP on the best objective.
    const exact = await runSearch({ space, tables: [latency], objective: { sense: 'min', metric: { metric: 'latency' } }, peakMemory: [{ rows, maxKB: 30, device: 'pi5' }] }, { strategy: 'exact', k: 1 });
    expect(exact.proposals[0]!.objective).toBeCloseTo(result.proposals[0]!.objective, 9);
  });

  it('an unreachable peak is infeasible, reported once with the smallest peak as a lower bound', async () => {
    const result = await runSearch({ space, tables: [latency], objective: { sense: 'min', metric: { metric: 'latency' } }, peakMemory: [{ rows, maxKB: 21 }] }, { strategy: 'ilp' });
    expect(result.status).toBe('infeasible');
    expect(result.infeasible).toHaveLength(1);
    // Step 0 or 1 holds at least 20 + 2 KB (Hardswish at the site of that step).
    expect(result.infeasible![0]).toMatchObject({ description: 'peak_memory ≤ 21', bestAchievable: 22, lowerBound: true });
  });

  it('reads live-set rows and names every problem', () => {
    expect(parseLiveSetRows({ alignment: 64, base: [1, 2], terms: [{ step: 1, site: 'a', activation: 'relu', bytes: 3 }] }, { sites })).toEqual({ base: [1, 2], terms: [{ step: 1, site: 'a', activation: 'relu', bytes: 3 }] });
    const bad = (input: unknown): string => {
      try {
        parseLiveSetRows(input, { source: 'rows.json', sites });
      } catch (err) {
        expect(err).toBeInstanceOf(CostTableValidationError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad([])).toMatch(/^rows\.json: 1 problem: expected a JSON object/);
    expect(bad({ base: [], terms: [] })).toMatch(/base must be an array of 1 to/);
    expect(bad({ base: [1, -2], terms: [] })).toMatch(/base\[1\] is not a byte count/);
    expect(bad({ base: [1], terms: [{ step: 3, site: 'a', activation: 'relu', bytes: 1 }] })).toMatch(/terms\[0\]": step must be an integer from 0 to 0/);
    expect(bad({ base: [1], terms: [{ step: 0, site: 'zz', activation: 'relu', bytes: 1 }] })).toMatch(/site "zz" is not a site of the table/);
    expect(bad({ base: [1], terms: [{ step: 0, site: 'a', activation: 'relu', bytes: Number.NaN }] })).toMatch(/bytes must be a number ≥ 0/);
  });
});
