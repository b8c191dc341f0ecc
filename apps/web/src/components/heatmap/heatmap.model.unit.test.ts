import { describe, expect, it } from 'vitest';
import { buildGrid, deltaColour, describeCell } from './heatmap.model';

describe('heatmap model', () => {
  it('lays cells out as activation rows by site columns with a symmetric extent', () => {
    const grid = buildGrid(
      [
        { site: 'b', activation: 'relu', delta: -2 },
        { site: 'a', activation: 'relu', delta: 1 },
        { site: 'a', activation: 'hardswish', delta: 0.5 },
      ],
      ['a', 'b'],
    );
    expect(grid.activations).toEqual(['relu', 'hardswish']);
    expect([...grid.values]).toEqual([1, -2, 0.5, Number.NaN]);
    expect(grid.extent).toBe(2);
  });

  it('colours cheaper cells blue, dearer ones red, zero white, and flips for accuracy', () => {
    expect(deltaColour(0, 1)).toBe('rgb(255, 255, 255)');
    expect(deltaColour(-1, 1)).toBe('rgb(33, 102, 172)');
    expect(deltaColour(1, 1)).toBe('rgb(178, 24, 43)');
    expect(deltaColour(1, 1, false)).toBe('rgb(33, 102, 172)');
    expect(deltaColour(Number.NaN, 1)).toBe('#e5e7eb');
  });

  it('describes a cell with its confidence interval', () => {
    expect(describeCell({ site: 'model.0.act', activation: 'relu', delta: -0.5, ciLow: -0.7, ciHigh: -0.3 }, 'ms')).toBe('model.0.act → relu: Δ -0.500 ms, 95% CI -0.700 to -0.300');
    expect(describeCell({ site: 'model.0.act', activation: 'relu', delta: -0.5, ciLow: -0.7, ciHigh: -0.3, runs: 120 }, 'ms')).toBe('model.0.act → relu: Δ -0.500 ms, 95% CI -0.700 to -0.300, 120 runs');
  });
});
