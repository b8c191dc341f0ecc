import { describe, expect, it } from 'vitest';
import { solveExact, solveLzcm, solveNaive, solvePareto, solveRandom } from '@actnas/core';
import { randomRequest } from './search-fixtures.js';

describe('heuristic strategies', () => {
  const request = randomRequest(11, 10, 5);

  it('random search is seeded and never beats the exact optimum', () => {
    const a = solveRandom(request, { seed: 5, samples: 3000, k: 3, diversity: 2 });
    const b = solveRandom(request, { seed: 5, samples: 3000, k: 3, diversity: 2 });
    expect(a.proposals.map((p) => p.activations)).toEqual(b.proposals.map((p) => p.activations));
    const best = solveExact(request).proposals[0]!.objective;
    for (const p of a.proposals) {
      expect(p.feasible).toBe(true);
      expect(p.objective).toBeGreaterThanOrEqual(best - 1e-9);
    }
  });

  it('naive switches the first n sites to ReLU and LZCM keeps only accuracy gains', () => {
    const naive = solveNaive(request, { n: 3 }).proposals[0]!;
    expect(naive.activations.slice(0, 4)).toEqual(['relu', 'relu', 'relu', 'silu']);
    const lzcm = solveLzcm(request).proposals[0]!;
    const acc = request.tables[1]!;
    lzcm.activations.forEach((a, i) => {
      const gain = acc.cells.find((c) => c.site === request.space.sites[i]!.name && c.activation === 'relu')!.delta;
      expect(a).toBe(gain > 0 ? 'relu' : 'silu');
    });
  });

  it('the Pareto sweep gives a frontier: looser accuracy never costs latency, and rank 1 is the fastest', () => {
    // The default range sweeps the accuracy budget from 0 to its value: every point is within it.
    const res = solvePareto(request, { points: 5 });
    const lat = res.proposals.map((p) => p.objective);
    expect(lat.length).toBeGreaterThan(1);
    // Ranked best objective first (min latency: the fastest), as every strategy ranks.
    expect([...lat].sort((x, y) => x - y)).toEqual(lat);
    const accuracy = res.proposals.map((p) => p.totals.find((t) => t.metric === 'accuracy')!.delta);
    // Along the front, each faster point gives up accuracy.
    for (let i = 1; i < accuracy.length; i++) expect(accuracy[i]).toBeGreaterThanOrEqual(accuracy[i - 1]! - 1e-12);
  });

  it('ranks Pareto points within the request’s budgets before those outside them', () => {
    const budget = request.budgets![0]!;
    const res = solvePareto(request, { from: 0, to: budget.value * 2, points: 6 });
    const feasible = res.proposals.map((p) => p.feasible);
    expect(feasible).toContain(false);
    expect(feasible.indexOf(false)).toBeGreaterThan(feasible.lastIndexOf(true));
    expect(res.proposals[0]!.feasible).toBe(true);
  });
});
