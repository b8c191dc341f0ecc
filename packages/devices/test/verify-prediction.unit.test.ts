import type { CostTable } from '@actnas/core';
import { describe, expect, it } from 'vitest';
import { Z95, cellSigma, predictFromTable } from '../src/verify/verify-prediction.js';

const table: CostTable = {
  metric: 'latency',
  unit: 'ms',
  reference: 10,
  sites: ['a', 'b', 'c'],
  cells: [
    { site: 'a', activation: 'relu', delta: -1, std: 0.3 },
    { site: 'b', activation: 'relu', delta: -2, ciLow: -2.392, ciHigh: -1.608 },
    { site: 'c', activation: 'relu', delta: -0.5 },
  ],
  provenance: { source: 'synthetic' },
};

describe('predictions from a cost table', () => {
  it('a cell carries its std, else its 95% CI as a normal interval, else nothing', () => {
    expect(cellSigma(table.cells[0]!)).toBe(0.3);
    expect(cellSigma(table.cells[1]!)).toBeCloseTo(0.392 / Z95, 12);
    expect(cellSigma(table.cells[2]!)).toBe(0);
  });

  it('sums the swapped cells with √Σσ² as a 95% half-width; reference sites add nothing', () => {
    const p = predictFromTable(table, { a: 'relu', b: 'relu', c: 'silu' }, 'silu')!;
    expect(p.delta).toBe(-3);
    expect(p.uncertainty).toBeCloseTo(Z95 * Math.hypot(0.3, 0.392 / Z95), 12);
    expect(p.reference).toBe(10);
    expect(predictFromTable(table, { a: 'silu', b: 'silu', c: 'silu' }, 'silu')).toEqual({ delta: 0, uncertainty: 0, reference: 10 });
  });

  it('has no prediction when a swapped site has no cell', () => {
    expect(predictFromTable(table, { a: 'hardswish' }, 'silu')).toBeUndefined();
  });
});
