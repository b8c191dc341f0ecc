import type { CostTable } from '@actnas/core';
import { ReLU, SiLU } from '@actnas/core';
import { describe, expect, it } from 'vitest';
import type { CalibrationAnchor } from '../src/profile/whole-model-calibration.js';
import { applyCalibration, calibrationAnchors, fitCalibration } from '../src/profile/whole-model-calibration.js';

const anchor = (activation: string, microSum: number, measured: number, halfWidth: number): CalibrationAnchor => ({ activation, microSum, measured, ciLow: measured - halfWidth, ciHigh: measured + halfWidth, pairs: 120 });

const table: CostTable = {
  metric: 'latency', unit: 'ms', reference: 10, sites: ['a', 'b'],
  cells: [
    { site: 'a', activation: 'silu', delta: 0, ciLow: 0, ciHigh: 0 },
    { site: 'a', activation: 'relu', delta: -0.3, ciLow: -0.32, ciHigh: -0.28 },
    { site: 'b', activation: 'silu', delta: 0, ciLow: 0, ciHigh: 0 },
    { site: 'b', activation: 'relu', delta: -0.1, ciLow: -0.11, ciHigh: -0.09, runs: 40 },
  ],
  provenance: { source: 'measured', note: 'model=x' },
};

describe('whole-model calibration of a micro table', () => {
  it('pools the anchors’ gaps by inverse variance and spreads the pooled gap evenly over the sites', () => {
    // Gaps −1 (±0.5) and −2 (±1): weights 4 and 1.
    const c = fitCalibration([anchor('relu', -4, -5, 0.5), anchor('hardswish', -1, -3, 1)], 57);
    expect(c.gap).toBeCloseTo(-1.2, 12);
    expect(c.gapHigh - c.gap).toBeCloseTo(1 / Math.sqrt(5), 12);
    expect(c.gap - c.gapLow).toBeCloseTo(1 / Math.sqrt(5), 12);
    expect(c.perSite).toBeCloseTo(-1.2 / 57, 12);
  });

  it('gives an anchor with a zero-width CI the weight of the narrowest other one, not all of it', () => {
    const c = fitCalibration([anchor('relu', 0, -1, 0), anchor('hardswish', 0, -3, 0.5)], 10);
    expect(c.gap).toBeCloseTo(-2, 12);
    expect(Number.isFinite(c.gapLow)).toBe(true);
  });

  it('refuses to fit without an anchor or a site', () => {
    expect(() => fitCalibration([], 10)).toThrow(/at least one anchor/);
    expect(() => fitCalibration([anchor('relu', 0, -1, 0.1)], 0)).toThrow(/one site/);
  });

  it('anchors are the all-X models on the table’s sites for every candidate but the reference', () => {
    const a = calibrationAnchors(table, [SiLU, ReLU], SiLU);
    expect(a.map((x) => x.name)).toEqual(['all-relu']);
    expect(Object.keys(a[0]!.sites)).toEqual(['a', 'b']);
    expect(Object.values(a[0]!.sites).every((k) => k.id === 'relu')).toBe(true);
  });

  it('moves every non-reference cell and its CI by the offset, leaves the reference cells, and says so in the note', () => {
    const c = fitCalibration([anchor('relu', -0.4, -1.4, 0.2)], 2);
    const out = applyCalibration(table, SiLU, c);
    expect(c.perSite).toBeCloseTo(-0.5, 12);
    expect(out.cells.filter((x) => x.activation === 'silu')).toEqual(table.cells.filter((x) => x.activation === 'silu'));
    const relu = out.cells.filter((x) => x.activation === 'relu');
    expect(relu.map((x) => x.delta)).toEqual([-0.3 - 0.5, -0.1 - 0.5].map((v) => expect.closeTo(v, 12)));
    expect(relu[1]).toMatchObject({ ciLow: expect.closeTo(-0.61, 12), ciHigh: expect.closeTo(-0.59, 12), runs: 40 });
    // The sum over the sites of a column is now the measured all-X model.
    expect(relu.reduce((s, x) => s + x.delta, 0)).toBeCloseTo(-1.4, 12);
    expect(out.provenance.note).toBe('model=x; calibration=whole-model: -0.5000 ms on each non-reference cell, the pooled gap -1.000±0.200 ms of all-relu -1.400±0.200 vs Σmicro -0.400 (120 pairs) over the sites');
  });

  it('puts its note before the list of shared micro blocks, so that a note cut to 2000 characters keeps it', () => {
    const c = fitCalibration([anchor('relu', -0.4, -1.4, 0.2)], 2);
    const note = `model=x; micro-blocks=1 distinct of 2 sites (${'a=b, '.repeat(500)})`;
    const out = applyCalibration({ ...table, provenance: { source: 'measured', note } }, SiLU, c);
    expect(out.provenance.note!.slice(0, 2000)).toMatch(/^model=x; calibration=whole-model: -0\.5000 ms .* over the sites; micro-blocks=1 distinct/);
  });
});
