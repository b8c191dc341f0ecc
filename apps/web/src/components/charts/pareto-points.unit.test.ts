import { describe, expect, it } from 'vitest';
import { baselinePoints, pointsFor } from './pareto-points';

const name = (id: string | null): string => (id === 'd1' ? 'Pi' : id === 'd2' ? 'Jetson' : 'device');

describe('Pareto points', () => {
  it('pairs each device latency with its accuracy delta', () => {
    const points = pointsFor('#1', 'proposal', [
      { metric: 'LATENCY', deviceProfileId: 'd1', delta: -5, total: 95 },
      { metric: 'LATENCY', deviceProfileId: 'd2', delta: -2, total: 48 },
      { metric: 'ACCURACY', deviceProfileId: 'd1', delta: -0.01, total: 0.33 },
    ], name);
    expect(points).toEqual([
      { label: '#1', kind: 'proposal', device: 'Pi', latencyMs: 95, accuracyDelta: -0.01 },
      { label: '#1', kind: 'proposal', device: 'Jetson', latencyMs: 48, accuracyDelta: -0.01 },
    ]);
  });

  it('reads available baselines from the stored result', () => {
    const result = { baselines: [{ name: 'all-reference', available: true, totals: [{ metric: 'latency', device: 'd1', delta: 0, total: 100 }] }, { name: 'all-hardswish', available: false }] };
    expect(baselinePoints(result, name)).toEqual([{ label: 'all-SiLU (reference)', kind: 'baseline', device: 'Pi', latencyMs: 100, accuracyDelta: 0 }]);
  });
});
