import { Hardswish, LeakyReLU, ReLU, SiLU } from '@actnas/core';
import type { ActivationKind } from '@actnas/core';
import { describe, expect, it } from 'vitest';
import { planArena, peakLiveBytes } from '../src/memory/arena-planner.js';
import { ORT_CPU_FUSION, XNNPACK_FUSION } from '../src/memory/fusion-rules.js';
import { liveSetPeak, liveSetRows } from '../src/memory/live-set-rows.js';
import type { MemoryGraph } from '../src/memory/memory-schedule.js';
import { lifetimes, stepAxis } from '../src/memory/memory-schedule.js';
import { estimateMemory, memoryTable } from '../src/memory/memory-table.js';

/** input (1000 B) → conv a → a (2000 B) → conv b → b (500 B). */
const chain: MemoryGraph = {
  tensorBytes: { in: 1000, a: 2000, b: 500 },
  inputs: ['in'],
  outputs: ['b'],
  ops: [
    { name: 'conv_a', inputs: ['in'], outputs: ['a'], site: 'a' },
    { name: 'conv_b', inputs: ['a'], outputs: ['b'], site: 'b' },
  ],
  weightsBytes: 4096,
};

/** A C3-like branch: x feeds two convs whose outputs are concatenated. */
const branch: MemoryGraph = {
  tensorBytes: { in: 4096, x: 8192, p: 4096, q: 4096, cat: 8192, y: 2048 },
  inputs: ['in'],
  outputs: ['y'],
  ops: [
    { name: 'cx', inputs: ['in'], outputs: ['x'], site: 'x' },
    { name: 'cp', inputs: ['x'], outputs: ['p'], site: 'p' },
    { name: 'cq', inputs: ['x'], outputs: ['q'], site: 'q' },
    { name: 'concat', inputs: ['p', 'q'], outputs: ['cat'] },
    { name: 'cy', inputs: ['cat'], outputs: ['y'], site: 'y' },
  ],
  weightsBytes: 0,
};

describe('arena planner', () => {
  it('places the hand-checked chain (all SiLU, unfused on ORT) in 4096 bytes', () => {
    const m = estimateMemory(chain, { reference: SiLU, sites: {} }, ORT_CPU_FUSION);
    expect(m.peakLiveBytes).toBe(2048 + 2048);
    expect(m.arenaBytes).toBe(4096);
    expect(m.weightsBytes).toBe(4096);
  });

  it('a fused ReLU needs no buffer of its own; an unfused one does', () => {
    const fused = estimateMemory(chain, { reference: SiLU, sites: { a: ReLU } }, ORT_CPU_FUSION);
    expect(fused.peakLiveBytes).toBe(1024 + 2048);
    expect(fused.arenaBytes).toBe(3072);
    // XNNPACK does not fuse LeakyReLU: same as SiLU's one extra buffer (its SiLU needs two ops).
    const leaky = estimateMemory(chain, { reference: SiLU, sites: { a: LeakyReLU } }, XNNPACK_FUSION);
    expect(leaky.peakLiveBytes).toBe(4096);
    const siluTflite = estimateMemory(chain, { reference: SiLU, sites: {} }, XNNPACK_FUSION);
    expect(siluTflite.peakLiveBytes).toBe(2048 * 3);
  });

  it('aligns to 64 bytes and reuses gaps best-fit', () => {
    const plan = planArena([
      { id: 'big', bytes: 1000, first: 0, last: 1 },
      { id: 'mid', bytes: 100, first: 2, last: 3 },
      { id: 'small', bytes: 10, first: 1, last: 2 },
    ]);
    expect(plan.offsets.get('big')).toBe(0);
    expect(plan.offsets.get('mid')).toBe(0);
    expect(plan.offsets.get('small')).toBe(1024);
    expect(plan.arenaBytes).toBe(1088);
  });

  it('memory table: deltas of single swaps in KB', () => {
    const t = memoryTable(chain, ORT_CPU_FUSION, SiLU, [ReLU, SiLU, Hardswish]);
    const cell = (s: string, a: string) => t.cells.find((c) => c.site === s && c.activation === a)!;
    expect(cell('a', 'relu').delta).toBe(-1);
    expect(cell('a', 'silu').delta).toBe(0);
    expect(cell('a', 'hardswish').delta).toBe(0);
    expect(cell('a', 'relu').reference).toBe(4);
  });
});

describe('live-set rows', () => {
  const kinds: readonly ActivationKind[] = [SiLU, ReLU, Hardswish];
  const assignments = (sites: readonly string[]): Record<string, ActivationKind>[] =>
    sites.reduce<Record<string, ActivationKind>[]>((acc, s) => acc.flatMap((a) => kinds.map((k) => ({ ...a, [s]: k }))), [{}]);

  for (const [name, graph, rules] of [['chain/ort', chain, ORT_CPU_FUSION], ['branch/ort', branch, ORT_CPU_FUSION], ['branch/xnnpack', branch, XNNPACK_FUSION]] as const) {
    it(`${name}: rows reproduce the planner's live-set peak for every assignment`, () => {
      const axis = stepAxis(graph, rules, kinds);
      const rows = liveSetRows(graph, rules, SiLU, kinds, axis);
      const sites = graph.ops.flatMap((o) => (o.site ? [o.site] : []));
      for (const a of assignments(sites)) {
        const ts = lifetimes(graph, { reference: SiLU, sites: a }, rules, axis);
        expect(liveSetPeak(rows, (s) => a[s]!.id)).toBe(peakLiveBytes(ts));
        expect(planArena(ts).arenaBytes).toBeGreaterThanOrEqual(peakLiveBytes(ts));
      }
    });
  }
});
