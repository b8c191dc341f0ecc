import { describe, expect, it } from 'vitest';
import type { TableRef } from '@/lib/results/search-summary';
import { baselinePoints, budgetLines, measuredPoints, niceAxis, paretoFront, pointsFor, referenceLabel, referencePoints } from './pareto-points';
import type { ParetoPoint } from './pareto-points';

const name = (id: string | null): string => (id === 'd1' ? 'Pi' : id === 'd2' ? 'Jetson' : 'device');
const reference = (): string => 'silu';

describe('Pareto points', () => {
  it('places a measured latency at its total with its CI, at the predicted accuracy change, one per device measured', () => {
    const totals = [
      { metric: 'LATENCY', deviceProfileId: 'd1', reference: 100, delta: -5, total: 95 },
      { metric: 'ACCURACY', deviceProfileId: 'd1', reference: 0.34, delta: -0.01, total: 0.33 },
    ];
    const measured = [
      { metric: 'LATENCY', deviceProfileId: 'd1', measured: -6, measuredTotal: null, ciLow: -6.5, ciHigh: -5.2 },
      { metric: 'ACCURACY', deviceProfileId: 'd1', measured: 0.2, measuredTotal: null, ciLow: null, ciHigh: null },
      // Another device without a total or a reference cannot be placed.
      { metric: 'LATENCY', deviceProfileId: 'd2', measured: -1, measuredTotal: null, ciLow: null, ciHigh: null },
      { metric: 'LATENCY', deviceProfileId: 'd3', measured: -1, measuredTotal: 40, ciLow: null, ciHigh: null },
    ];
    expect(measuredPoints('#1 measured', measured, totals, name, '/p/1')).toEqual([
      { label: '#1 measured', kind: 'measured', device: 'Pi', latencyMs: 94, accuracyDelta: -0.01, latencyCi: [93.5, 94.8], href: '/p/1' },
      { label: '#1 measured', kind: 'measured', device: 'device', latencyMs: 40, accuracyDelta: -0.01, href: '/p/1' },
    ]);
  });

  it('pairs each device latency with its accuracy delta and keeps the link', () => {
    const points = pointsFor('#1', 'proposal', [
      { metric: 'LATENCY', deviceProfileId: 'd1', delta: -5, total: 95 },
      { metric: 'LATENCY', deviceProfileId: 'd2', delta: -2, total: 48 },
      { metric: 'ACCURACY', deviceProfileId: 'd1', delta: -0.01, total: 0.33 },
    ], name, '/p/versions/1/proposals/1');
    expect(points).toEqual([
      { label: '#1', kind: 'proposal', device: 'Pi', latencyMs: 95, accuracyDelta: -0.01, href: '/p/versions/1/proposals/1' },
      { label: '#1', kind: 'proposal', device: 'Jetson', latencyMs: 48, accuracyDelta: -0.01, href: '/p/versions/1/proposals/1' },
    ]);
  });

  it('draws the unchanged reference at each table’s reference value', () => {
    const totals = [
      { metric: 'LATENCY', deviceProfileId: 'd1', reference: 100, delta: -5, total: 95 },
      { metric: 'ACCURACY', deviceProfileId: 'd1', reference: 0.34, delta: -0.01, total: 0.33 },
    ];
    expect(referencePoints('all-SiLU (reference)', totals, name)).toEqual([{ label: 'all-SiLU (reference)', kind: 'reference', device: 'Pi', latencyMs: 100, accuracyDelta: 0 }]);
    expect(referenceLabel(['silu', 'silu'])).toBe('all-SiLU (reference)');
    expect(referenceLabel(['silu', 'relu'])).toBe('reference model');
  });

  it('names uniform baselines for what they are when locks keep sites elsewhere', () => {
    const totals = [{ metric: 'LATENCY', deviceProfileId: 'd1', delta: -10, total: 90 }];
    const sites = (...activations: string[]) => activations.map((activation, i) => ({ site: `s${i}`, activation }));
    const baselines = [
      { name: 'all-reference', available: true, activations: sites('relu', 'silu', 'silu'), totals },
      { name: 'all-relu', available: true, activations: sites('relu', 'relu', 'relu'), totals },
      { name: 'all-hardswish', available: true, activations: sites('relu', 'hardswish', 'hardswish'), totals },
    ];
    expect(baselinePoints(baselines, name, reference).map((p) => p.label)).toEqual(['reference with 1 locked site', 'all-ReLU', 'all-Hardswish except 1 locked site']);
    // Without locks the reference baseline is the reference itself, drawn once by referencePoints.
    const unlocked = [
      { name: 'all-reference', available: true, activations: sites('silu'), totals },
      { name: 'all-hardswish', available: false, activations: [], totals: [] },
    ];
    expect(baselinePoints(unlocked, name, reference)).toEqual([]);
  });

  it('finds the front: no proposal on it is both slower and less accurate than another', () => {
    const p = (label: string, latencyMs: number, accuracyDelta: number): ParetoPoint => ({ label, device: 'Pi', latencyMs, accuracyDelta, kind: 'proposal' });
    const front = paretoFront([p('slow-good', 100, 0), p('dominated', 95, -0.02), p('fast-bad', 80, -0.03), p('mid', 90, -0.01)]);
    expect(front.map((x) => x.label)).toEqual(['fast-bad', 'mid', 'slow-good']);
  });

  it('turns latency and accuracy budgets into lines at the values they allow', () => {
    const tables: TableRef[] = [
      { id: 'lat', version: 1, metric: 'LATENCY', unit: 'ms', deviceProfile: { id: 'd1', name: 'Pi' } },
      { id: 'acc', version: 1, metric: 'ACCURACY', unit: 'mAP', deviceProfile: { id: 'd1', name: 'Pi' } },
      { id: 'mem', version: 1, metric: 'MEMORY', unit: 'KB', deviceProfile: { id: 'd1', name: 'Pi' } },
    ];
    const lines = budgetLines(
      [
        { metric: { metric: 'LATENCY', deviceProfileId: 'd1' }, bound: 'MAX', value: -20, of: 'DELTA' },
        { metric: { metric: 'ACCURACY', deviceProfileId: null }, bound: 'MIN', value: 0.33, of: 'TOTAL' },
        { metric: { metric: 'MEMORY', deviceProfileId: null }, bound: 'MAX', value: 900, of: 'TOTAL' },
      ],
      tables,
      (id) => ({ lat: 100, acc: 0.34 })[id],
    );
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ axis: 'x', value: 80, device: 'Pi', label: 'latency ≤ 80.00 ms' });
    expect(lines[1]!.axis).toBe('y');
    expect(lines[1]!.value).toBeCloseTo(-0.01, 12);
    expect(lines[1]!.label).toBe('accuracy Δ ≥ \u22120.0100 mAP');
  });
});

describe('chart axes', () => {
  it('uses round ticks that cover every value', () => {
    const axis = niceAxis([779.1, 938.2, 850]);
    expect(axis.ticks).toEqual([750, 800, 850, 900, 950]);
    expect(axis.decimals).toBe(0);
    const accuracy = niceAxis([-0.0165, 0, -0.01]);
    expect(accuracy.domain[0]).toBeLessThan(-0.0165);
    expect(accuracy.domain[1]).toBeGreaterThan(0);
    expect(accuracy.ticks.every((t) => Number.isFinite(t) && String(t).length < 8)).toBe(true);
    expect(accuracy.decimals).toBe(3);
  });
});
