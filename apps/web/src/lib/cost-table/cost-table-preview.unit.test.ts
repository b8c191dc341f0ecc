import { describe, expect, it } from 'vitest';
import { previewCsv, previewJson } from './cost-table-preview';

describe('cost table preview', () => {
  it('reads the paper CSV with uncertainty and keeps site order', () => {
    const preview = previewCsv('layer,activation,reference,delta,std,ci_low,ci_high,runs,unit\nmodel.2.act,relu,10,-0.5,0.1,-0.7,-0.3,120,ms\nmodel.0.act,relu,10,-0.2,,,,,ms\nmodel.2.act,silu,10,0,,,,,ms\n');
    expect(preview.errors).toEqual([]);
    expect(preview.sites).toEqual(['model.2.act', 'model.0.act']);
    expect(preview.unit).toBe('ms');
    expect(preview.cells[0]).toEqual({ site: 'model.2.act', activation: 'relu', delta: -0.5, std: 0.1, ciLow: -0.7, ciHigh: -0.3, runs: 120 });
  });

  it('rejects a run count that is not a positive whole number', () => {
    const preview = previewCsv('layer,activation,reference,delta,runs\nmodel.0.act,relu,1,-0.1,2.5\nmodel.1.act,relu,1,-0.1,0\n');
    expect(preview.errors).toEqual([
      { row: 2, column: 'runs', message: 'runs must be a positive whole number' },
      { row: 3, column: 'runs', message: 'runs must be a positive whole number' },
    ]);
  });

  it('reports errors by row and column', () => {
    const preview = previewCsv('layer,activation,reference,delta\nmodel.0.act,relu,1,abc\n,relu,1,0\nmodel.0.act,relu,1,2\nmodel.0.act,relu,1,3\n');
    expect(preview.errors).toEqual([
      { row: 2, column: 'delta', message: '"abc" is not a number' },
      { row: 3, column: 'layer', message: 'missing site name' },
      { row: 5, column: 'activation', message: 'duplicate cell model.0.act / relu' },
    ]);
  });

  it('names a missing column in the header row', () => {
    expect(previewCsv('layer,reference\nx,1\n').errors).toEqual([
      { row: 1, column: 'activation', message: 'missing column "activation"' },
      { row: 1, column: 'delta', message: 'missing column "delta"' },
    ]);
  });

  it('reads JSON cells and reports bad ones', () => {
    const preview = previewJson(JSON.stringify({ unit: 'KB', cells: [{ site: 'a', activation: 'relu', delta: -1 }, { site: 'b', activation: 'relu' }] }));
    expect(preview.cells).toHaveLength(1);
    expect(preview.errors).toEqual([{ row: 2, column: 'delta', message: 'cell needs site, activation and a numeric delta' }]);
    expect(previewJson('{').errors[0]?.message).toMatch(/unreadable JSON/);
  });
});
