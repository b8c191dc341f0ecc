import { describe, expect, it } from 'vitest';
import { cellText, siteRows } from './proposal-sites';

describe('proposal sites', () => {
  it('gives each site its chosen activation and every table’s cell for that swap', () => {
    const rows = siteRows(
      [
        { site: 's1', activation: 'relu' },
        { site: 's2', activation: 'silu' },
        { site: 's3', activation: 'hardswish' },
      ],
      [
        { name: 's1', reference: 'silu' },
        { name: 's2', reference: 'silu' },
        { name: 's3', reference: 'silu' },
      ],
      [{ id: 'lat', unit: 'ms', cells: [{ site: 's1', activation: 'relu', delta: -1.234, ciLow: -1.4, ciHigh: -1.05, runs: 80 }] }],
      new Map([['s1', 'relu']]),
    );
    expect(rows.map((r) => [r.index, r.site, r.activation, r.changed, r.locked])).toEqual([
      [1, 's1', 'relu', true, true],
      [2, 's2', 'silu', false, false],
      [3, 's3', 'hardswish', true, false],
    ]);
    expect(rows.map((r) => cellText(r.cells[0]!))).toEqual(['\u22121.23 [\u22121.40, \u22121.05]', '±0 (reference)', 'no cell']);
  });
});
