import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SearchRequest } from '@actnas/core';
import { createSearchSpace, lockSite, maxAccuracyDrop, maxLatency, minimize, solveExact, solveIlp } from '@actnas/core';
import { bruteForce, hammingOf, randomRequest } from './search-fixtures.js';

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-7 * Math.max(1, Math.abs(a), Math.abs(b));
const params = { seed: 424242, numRuns: 25 };
const instance = fc.record({ seed: fc.integer({ min: 1, max: 1_000_000 }), n: fc.integer({ min: 2, max: 7 }), m: fc.integer({ min: 2, max: 5 }), mem: fc.boolean() });

describe('ILP and exact solver against brute force', () => {
  it('find the brute-force optimum on seeded random tables', async () => {
    await fc.assert(
      fc.asyncProperty(instance, async ({ seed, n, m, mem }) => {
        const request = randomRequest(seed, n, m, mem);
        const best = bruteForce(request)[0];
        const ilp = await solveIlp(request);
        const exact = solveExact(request);
        if (!best) {
          expect(ilp.status).toBe('infeasible');
          expect(exact.status).toBe('infeasible');
          return;
        }
        expect(ilp.status).toBe('optimal');
        expect(close(ilp.proposals[0]!.objective, best.objective)).toBe(true);
        expect(close(exact.proposals[0]!.objective, best.objective)).toBe(true);
      }),
      params,
    );
  });

  it('matches brute force at 8 sites × 5 activations and the exact solver at 12 × 5', async () => {
    for (const seed of [3, 17]) {
      const request = randomRequest(seed, 8, 5, seed === 17);
      const best = bruteForce(request)[0]!;
      expect(close((await solveIlp(request)).proposals[0]!.objective, best.objective)).toBe(true);
      expect(close(solveExact(request).proposals[0]!.objective, best.objective)).toBe(true);
    }
    const big = randomRequest(5, 12, 5);
    expect(close((await solveIlp(big)).proposals[0]!.objective, solveExact(big).proposals[0]!.objective)).toBe(true);
  });

  it('returns top-k proposals that meet the budgets and the distance, ranked, matching greedy brute force', async () => {
    await fc.assert(
      fc.asyncProperty(instance, fc.integer({ min: 1, max: 3 }), async ({ seed, n, m, mem }, d) => {
        const request = randomRequest(seed, n, m, mem);
        const all = bruteForce(request);
        const res = await solveIlp(request, { k: 4, diversity: d });
        const greedy: typeof all = [];
        for (const cand of all) if (greedy.length < 4 && greedy.every((g) => hammingOf(g.activations, cand.activations) >= d)) greedy.push(cand);
        const objectives = res.proposals.map((p) => p.objective);
        expect(objectives.length).toBe(greedy.length);
        expect(close(objectives[0] ?? 0, greedy[0]?.objective ?? 0)).toBe(true);
        expect([...objectives].sort((a, b) => a - b)).toEqual(objectives);
        for (const p of res.proposals) expect(p.feasible).toBe(true);
        res.proposals.forEach((p, i) => res.proposals.slice(0, i).forEach((q) => expect(hammingOf(p.activations, q.activations)).toBeGreaterThanOrEqual(d)));
        const exact = solveExact(request, { k: 4, diversity: d });
        expect(exact.proposals.map((p) => p.objective).every((o, i) => close(o, objectives[i]!))).toBe(true);
      }),
      { seed: 7, numRuns: 20 },
    );
  });
});

describe('metamorphic properties', () => {
  it('adding a constant to one site row shifts the optimum by that constant', async () => {
    await fc.assert(
      fc.asyncProperty(instance, fc.double({ min: -5, max: 5, noNaN: true }), async ({ seed, n, m, mem }, c) => {
        const request = randomRequest(seed, n, m, mem);
        const base = await solveIlp(request);
        fc.pre(base.status === 'optimal');
        const site = request.space.sites[seed % n]!.name;
        const latency = request.tables[0]!;
        const shifted: SearchRequest = {
          ...request,
          tables: [{ ...latency, cells: latency.cells.map((cell) => (cell.site === site ? { ...cell, delta: cell.delta + c } : cell)) }, ...request.tables.slice(1)],
        };
        const after = await solveIlp(shifted);
        expect(close(after.proposals[0]!.objective, base.proposals[0]!.objective + c)).toBe(true);
      }),
      params,
    );
  });

  it('loosening a budget never worsens the objective', async () => {
    await fc.assert(
      fc.asyncProperty(instance, fc.double({ min: 0, max: 0.01, noNaN: true }), async ({ seed, n, m, mem }, extra) => {
        const request = randomRequest(seed, n, m, mem);
        const tight = await solveIlp(request);
        const budgets = request.budgets!.map((b, i) => (i === 0 ? { ...b, value: b.value - extra } : b));
        const loose = await solveIlp({ ...request, budgets });
        if (tight.status === 'optimal') expect(loose.proposals[0]!.objective).toBeLessThanOrEqual(tight.proposals[0]!.objective + 1e-9);
      }),
      params,
    );
  });
});

describe('ties', () => {
  it('enumerates distinct proposals when every site and candidate costs the same', async () => {
    const sites = ['a', 'b', 'c', 'd'];
    const tie = (metric: 'latency' | 'accuracy') => ({
      metric, unit: metric === 'latency' ? 'ms' : 'mAP', reference: 1, sites, provenance: { source: 'synthetic' as const },
      cells: sites.flatMap((site) => ['relu', 'silu', 'relu6'].map((a) => ({ site, activation: a, delta: a === 'silu' ? 0 : metric === 'latency' ? -1 : -0.001 }))),
    });
    const request: SearchRequest = { space: createSearchSpace({ sites, candidates: ['relu', 'silu', 'relu6'], reference: 'silu' }), tables: [tie('latency'), tie('accuracy')], objective: minimize('latency'), budgets: [maxAccuracyDrop(0.003)] };
    for (const res of [await solveIlp(request, { k: 6, diversity: 1 }), solveExact(request, { k: 6, diversity: 1 })]) {
      expect(res.proposals.map((p) => p.objective)).toEqual([-2, -2, -2, -2, -2, -2]);
      expect(new Set(res.proposals.map((p) => p.activations.join())).size).toBe(6);
    }
  });
});

describe('ILP features', () => {
  const sites = ['a', 'b', 'c'];
  const table = (metric: 'latency' | 'accuracy', device: string | undefined, rows: number[][]) => ({
    metric,
    unit: metric === 'latency' ? 'ms' : 'mAP',
    ...(device ? { device } : {}),
    reference: metric === 'latency' ? 10 : 0.3,
    sites,
    provenance: { source: 'synthetic' as const },
    cells: sites.flatMap((site, i) => ['relu', 'silu', 'hardswish'].map((a, o) => ({ site, activation: a, delta: rows[i]![o]! }))),
  });
  const space = createSearchSpace({ sites, candidates: ['relu', 'silu', 'hardswish'], reference: 'silu' });
  const acc = table('accuracy', undefined, [[-0.002, 0, -0.001], [-0.002, 0, 0], [-0.001, 0, -0.0005]]);

  it('honours locks and latency budgets on several devices at once', async () => {
    const cpu = table('latency', 'cpu', [[-3, 0, -1], [-2, 0, -1], [-1, 0, -0.5]]);
    const npu = table('latency', 'npu', [[-1, 0, -2], [-1, 0, -2], [-1, 0, -2]]);
    const request: SearchRequest = { space: lockSite(space, 'a', 'hardswish'), tables: [cpu, npu, acc], objective: minimize('accuracy', undefined), budgets: [maxLatency(8.5, 'cpu'), maxLatency(6, 'npu')] };
    const res = await solveIlp({ ...request, objective: { sense: 'max', metric: { metric: 'accuracy' } } });
    expect(res.status).toBe('optimal');
    const p = res.proposals[0]!;
    expect(p.activations[0]).toBe('hardswish');
    expect(p.totals.find((t) => t.device === 'cpu')!.total).toBeLessThanOrEqual(8.5);
    expect(p.totals.find((t) => t.device === 'npu')!.total).toBeLessThanOrEqual(6);
    expect(p.activations).toEqual(['hardswish', 'hardswish', 'silu']);
  });

  it('reports an infeasible budget with the best value it can reach', async () => {
    const cpu = table('latency', undefined, [[-3, 0, -1], [-2, 0, -1], [-1, 0, -0.5]]);
    const res = await solveIlp({ space, tables: [cpu, acc], objective: minimize('latency'), budgets: [maxLatency(3)] });
    expect(res.status).toBe('infeasible');
    expect(res.proposals).toHaveLength(0);
    expect(res.infeasible).toHaveLength(1);
    expect(res.infeasible![0]!.bestAchievable).toBeCloseTo(4);
    const joint = await solveIlp({ space, tables: [cpu, acc], objective: minimize('latency'), budgets: [maxLatency(5), maxAccuracyDrop(0.001)] });
    expect(joint.status).toBe('infeasible');
    expect(joint.infeasible!.every((r) => r.withOtherBudgets)).toBe(true);
  });

  it('includes the three baselines in every result', async () => {
    const cpu = table('latency', undefined, [[-3, 0, -1], [-2, 0, -1], [-1, 0, -0.5]]);
    const res = await solveIlp({ space, tables: [cpu, acc], objective: minimize('latency'), budgets: [maxAccuracyDrop(0.003)] });
    expect(res.baselines.map((b) => [b.name, b.objective])).toEqual([['all-reference', 10], ['all-relu', 4], ['all-hardswish', 7.5]]);
    expect(res.baselines.map((b) => b.feasible)).toEqual([true, false, true]);
    expect(res.proposals[0]!.objective).toBeCloseTo(5);
  });
});
