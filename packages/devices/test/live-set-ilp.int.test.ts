import type { ActivationKind, CostTable } from '@actnas/core';
import { Hardswish, ReLU, SiLU, createSearchSpace, solveIlp } from '@actnas/core';
import { describe, expect, it } from 'vitest';
import { peakLiveBytes } from '../src/memory/arena-planner.js';
import { ORT_CPU_FUSION, XNNPACK_FUSION } from '../src/memory/fusion-rules.js';
import { liveSetRows } from '../src/memory/live-set-rows.js';
import type { MemoryGraph } from '../src/memory/memory-schedule.js';
import { lifetimes, stepAxis } from '../src/memory/memory-schedule.js';
import { createRng } from '../src/random/seeded-rng.js';

const K = 1024;
/** A C3-like block with a skip: x → p, q; concat → y; y + x-sized skip. */
const graph: MemoryGraph = {
  tensorBytes: { in: 4 * K, x: 32 * K, p: 8 * K, q: 8 * K, cat: 16 * K, y: 40 * K, z: 16 * K },
  inputs: ['in'],
  outputs: ['z'],
  ops: [
    { name: 'cx', inputs: ['in'], outputs: ['x'], site: 'x' },
    { name: 'cp', inputs: ['x'], outputs: ['p'], site: 'p' },
    { name: 'cq', inputs: ['x'], outputs: ['q'], site: 'q' },
    { name: 'concat', inputs: ['p', 'q'], outputs: ['cat'] },
    { name: 'cy', inputs: ['cat'], outputs: ['y'], site: 'y' },
    { name: 'cz', inputs: ['y'], outputs: ['z'], site: 'z' },
  ],
  weightsBytes: 0,
};
const kinds: readonly ActivationKind[] = [SiLU, ReLU, Hardswish];
const sites = ['x', 'p', 'q', 'y', 'z'];

function latencyTable(seed: number): CostTable {
  const rng = createRng(seed);
  const cells = sites.flatMap((site) => kinds.map((k) => ({ site, activation: k.id, delta: k.id === 'silu' ? 0 : -rng.float() })));
  return { metric: 'latency', unit: 'ms', reference: 10, sites, cells, provenance: { source: 'synthetic' } };
}

function allAssignments(): Record<string, ActivationKind>[] {
  return sites.reduce<Record<string, ActivationKind>[]>((acc, s) => acc.flatMap((a) => kinds.map((k) => ({ ...a, [s]: k }))), [{}]);
}

describe('peak-memory (live-set) constraint in the ILP', () => {
  for (const rules of [ORT_CPU_FUSION, XNNPACK_FUSION]) {
    it(`${rules.id}: ILP optimum equals brute force over every budget level`, async () => {
      const axis = stepAxis(graph, rules, kinds);
      const rows = liveSetRows(graph, rules, SiLU, kinds, axis);
      const space = createSearchSpace({ sites, candidates: kinds.map((k) => k.id), reference: 'silu' });
      const table = latencyTable(rules.id.length);
      const peaks = allAssignments().map((a) => ({ a, peakKB: peakLiveBytes(lifetimes(graph, { reference: SiLU, sites: a }, rules, axis)) / K }));
      const levels = [...new Set(peaks.map((p) => p.peakKB))].sort((x, y) => x - y);
      expect(levels.length).toBeGreaterThan(2);
      for (const maxKB of [levels[0]! - 1, ...levels]) {
        const feasible = peaks.filter((p) => p.peakKB <= maxKB);
        const result = await solveIlp({ space, tables: [table], objective: { sense: 'min', metric: { metric: 'latency' } }, peakMemory: [{ rows, maxKB }] });
        if (feasible.length === 0) {
          expect(result.status).toBe('infeasible');
          continue;
        }
        const brute = Math.min(...feasible.map((p) => 10 + sites.reduce((s, site) => s + table.cells.find((c) => c.site === site && c.activation === p.a[site]!.id)!.delta, 0)));
        const best = result.proposals[0]!;
        expect(best.objective).toBeCloseTo(brute, 9);
        const chosen = Object.fromEntries(result.sites.map((s, i) => [s, kinds.find((k) => k.id === best.activations[i])!]));
        expect(peakLiveBytes(lifetimes(graph, { reference: SiLU, sites: chosen }, rules, axis)) / K).toBeLessThanOrEqual(maxKB);
      }
    });
  }
});
