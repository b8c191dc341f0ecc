import { describe, expect, it } from 'vitest';
import { CostTableValidationError, costTableToCsv, costTableToJson, createSearchSpace, parseCostTableCsv, parseCostTableJson } from '@actnas/core';

const issuesOf = (fn: () => unknown): readonly { row: number | null; column: string | null; message: string }[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof CostTableValidationError) return err.issues;
    throw err;
  }
  throw new Error('expected a validation error');
};

describe('cost table CSV', () => {
  const long = 'layer,activation,reference,delta\nmodel.0.act,ReLU,27.2,-0.5\nmodel.0.act,SiLU,27.2,0\nmodel.1.act,relu,27.2,-0.25\nmodel.1.act,silu,27.2,0\n';

  it('reads the paper layout and round-trips through CSV and JSON', () => {
    const t = parseCostTableCsv(long, { metric: 'latency' });
    expect(t.sites).toEqual(['model.0.act', 'model.1.act']);
    expect(t.reference).toBe(27.2);
    expect(t.cells.find((c) => c.site === 'model.0.act' && c.activation === 'relu')?.delta).toBe(-0.5);
    expect(parseCostTableCsv(costTableToCsv(t), { metric: 'latency' }).cells).toEqual(t.cells);
    expect(parseCostTableCsv(costTableToCsv(t, { layout: 'wide' }), { metric: 'latency' }).cells).toEqual(t.cells);
    expect(parseCostTableJson(JSON.stringify(costTableToJson(t))).cells).toEqual(t.cells);
  });

  it('accepts column aliases, a unit suffix and uncertainty columns', () => {
    const t = parseCostTableCsv('site,act,ref,delta_ms,std,ci_low,ci_high\na,relu,10,-1,0.1,-1.2,-0.8\na,silu,10,0,,,\n', { metric: 'latency' });
    expect(t.cells[0]).toMatchObject({ site: 'a', activation: 'relu', delta: -1, std: 0.1, ciLow: -1.2, ciHigh: -0.8 });
  });

  it('keeps the run count behind each cell through CSV and JSON, and rejects one that is not a count', () => {
    const t = parseCostTableCsv('layer,activation,reference,delta,ci_low,ci_high,runs\na,relu,10,-1,-1.2,-0.8,120\na,silu,10,0,,,\n', { metric: 'latency' });
    expect(t.cells[0]?.runs).toBe(120);
    expect(t.cells[1]?.runs).toBeUndefined();
    const csv = costTableToCsv(t);
    expect(csv.split('\n')[0]).toBe('layer,activation,reference,delta,ci_low,ci_high,runs,unit');
    expect(parseCostTableCsv(csv, { metric: 'latency' }).cells).toEqual(t.cells);
    expect(parseCostTableJson(JSON.stringify(costTableToJson(t))).cells).toEqual(t.cells);
    expect(issuesOf(() => parseCostTableCsv('layer,activation,reference,delta,pairs\na,relu,10,-1,0\nb,relu,10,-1,2.5\nc,relu,10,-1,7\n', { metric: 'latency' }))).toEqual([
      { row: 2, column: 'pairs', message: 'runs must be a positive whole number, got 0' },
      { row: 3, column: 'pairs', message: 'runs must be a positive whole number, got 2.5' },
    ]);
  });

  it('names the row and column of every problem and accepts nothing', () => {
    const bad = 'layer,activation,reference,delta\na,relu,10,-1\na,gelu2,10,-1\na,relu,10,-2\nb,relu,10,abc\nb,silu,10,0\nc,silu,10,0\n';
    const issues = issuesOf(() => parseCostTableCsv(bad, { metric: 'latency', referenceActivation: 'silu' }));
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 3, column: 'activation', message: expect.stringMatching(/unknown activation "gelu2"/) }),
        expect.objectContaining({ row: 4, column: 'activation', message: expect.stringMatching(/duplicate/) }),
        expect.objectContaining({ row: 5, column: 'delta', message: expect.stringMatching(/not a decimal number/) }),
        expect.objectContaining({ row: 7, column: 'relu', message: expect.stringMatching(/missing cell for site "c"/) }),
      ]),
    );
  });

  it('reads only plain decimal numbers', () => {
    const table = parseCostTableCsv('layer,activation,reference,delta\na,relu,1e1,-.5\nb,relu,+10.,2E-1\n', { metric: 'latency' });
    expect(table.cells.map((c) => c.delta)).toEqual([-0.5, 0.2]);
    for (const bad of ['0x10', 'Infinity', '1_000', '0b1', '1,5', '--1']) {
      const issues = issuesOf(() => parseCostTableCsv(`layer,activation,reference,delta\na,relu,10,"${bad}"\n`, { metric: 'latency' }));
      expect(issues, bad).toContainEqual({ row: 2, column: 'delta', message: `not a decimal number: ${JSON.stringify(bad)}` });
    }
  });

  it('has one reference per table: rows must agree (within 25% of their median, measurement noise), latency and memory never negative', () => {
    const noisy = parseCostTableCsv('layer,activation,reference,delta\na,relu,10.2,-1\nb,relu,9.8,-1\nc,relu,10,-1\n', { metric: 'latency' });
    expect(noisy.reference).toBe(10);
    expect(issuesOf(() => parseCostTableCsv('layer,activation,reference,delta\na,relu,10,-1\nb,relu,100,-1\nc,relu,10,-1\n', { metric: 'latency' }))).toEqual([
      { row: 3, column: 'reference', message: expect.stringMatching(/reference 100 differs from the table's reference 10/) },
    ]);
    expect(issuesOf(() => parseCostTableCsv('layer,activation,reference,delta\na,relu,-5,-1\n', { metric: 'latency' }))).toEqual([
      { row: 2, column: 'reference', message: 'negative latency reference -5' },
    ]);
    // An accuracy reference (e.g. an NWOT score) may be negative.
    expect(parseCostTableCsv('layer,activation,reference,delta\na,relu,-5,-1\n', { metric: 'accuracy' }).reference).toBe(-5);
  });

  it('lists the first 100 problems and counts the rest, so a huge bad file makes a small error', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => `site.${i},nope,1,1`).join('\n');
    let error: CostTableValidationError | undefined;
    try {
      parseCostTableCsv(`layer,activation,reference,delta\n${rows}\n`, { metric: 'latency' });
    } catch (err) {
      error = err as CostTableValidationError;
    }
    expect(error).toBeInstanceOf(CostTableValidationError);
    expect(error!.issues).toHaveLength(100);
    expect(error!.issueCount).toBeGreaterThanOrEqual(100_000);
    expect(error!.message.length).toBeLessThan(20_000);
    expect(error!.message).toMatch(/… and \d+ more$/);
  });

  it('rejects a unit that does not match the metric and sites outside the space', () => {
    expect(issuesOf(() => parseCostTableCsv('layer,activation,reference,delta_kb\na,relu,1,1\n', { metric: 'latency' }))[0]).toMatchObject({ row: 1, column: 'delta_kb' });
    const space = createSearchSpace({ sites: ['a'], candidates: ['relu', 'silu'], reference: 'silu' });
    expect(issuesOf(() => parseCostTableCsv('layer,activation,reference,delta\nz,relu,1,1\n', { metric: 'latency', space }))).toEqual(
      expect.arrayContaining([expect.objectContaining({ row: 2, column: 'layer', message: expect.stringMatching(/not in the search space/) })]),
    );
  });

  it('reads the wide layout and reports an empty cell where it is', () => {
    const t = parseCostTableCsv('layer,reference,relu,hardswish\na,5,-1,-0.5\nb,5,-2,-1\n', { metric: 'latency' });
    expect(t.cells).toHaveLength(4);
    expect(issuesOf(() => parseCostTableCsv('layer,reference,relu,mystery\na,5,,1\n', { metric: 'latency' }))).toEqual(
      expect.arrayContaining([expect.objectContaining({ row: 1, column: 'mystery' }), expect.objectContaining({ row: 2, column: 'relu', message: 'missing value' })]),
    );
  });
});
