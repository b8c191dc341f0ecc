import { describe, expect, it } from 'vitest';
import type { BudgetLike, TableRef } from '../results/search-summary';
import type { MeasurementLike, PredictedTotal } from './measured';
import { budgetVerdicts, ciHalfWidth, combinedUncertainty, goalMetrics, latestMeasurements, measuredObjective, outsidePrediction, rankByMeasured, Z95 } from './measured';

const pi = { id: 'pi', name: 'Pi 5' };
const tables: TableRef[] = [
  { id: 't-lat', version: 1, metric: 'LATENCY', unit: 'ms', deviceProfile: pi },
  { id: 't-mem', version: 1, metric: 'MEMORY', unit: 'KB', deviceProfile: pi },
  { id: 't-acc', version: 1, metric: 'ACCURACY', unit: 'mAP', deviceProfile: pi },
];
const totals: PredictedTotal[] = [
  { metric: 'LATENCY', deviceProfileId: 'pi', reference: 100, delta: -10, total: 90 },
  { metric: 'ACCURACY', deviceProfileId: 'pi', reference: 0.4, delta: -0.004, total: 0.396 },
];

const measurement = (over: Partial<MeasurementLike>): MeasurementLike => ({
  metric: 'LATENCY',
  deviceProfileId: 'pi',
  predicted: -10,
  predictedStd: 0.5,
  measured: -10,
  measuredTotal: null,
  ciLow: -10.3,
  ciHigh: -9.7,
  runs: 40,
  measuredAt: '2026-12-03T10:00:00.000Z',
  ...over,
});

describe('the flag: measured outside predicted ± combined uncertainty', () => {
  it('combines the table σ at 95 % with the measured CI half-width', () => {
    const m = measurement({});
    expect(ciHalfWidth(m)).toBeCloseTo(0.3);
    expect(combinedUncertainty(m)).toBeCloseTo(Math.hypot(Z95 * 0.5, 0.3));
  });

  it('flags only a residual beyond the combined uncertainty, either side', () => {
    const u = Math.hypot(Z95 * 0.5, 0.3);
    expect(outsidePrediction(measurement({ measured: -10 + u * 0.99 }))).toBe(false);
    expect(outsidePrediction(measurement({ measured: -10 - u * 0.99 }))).toBe(false);
    expect(outsidePrediction(measurement({ measured: -10 + u * 1.01 }))).toBe(true);
    expect(outsidePrediction(measurement({ measured: -10 - u * 1.01 }))).toBe(true);
  });

  it('without a predicted std uses the CI alone; with neither, any difference beyond float noise is outside', () => {
    expect(combinedUncertainty(measurement({ predictedStd: null }))).toBeCloseTo(0.3);
    expect(outsidePrediction(measurement({ predictedStd: null, measured: -10.31 }))).toBe(true);
    const exact = { predictedStd: null, ciLow: null, ciHigh: null, predicted: 12.5 };
    expect(outsidePrediction(measurement({ ...exact, measured: 12.5 + 1e-12 }))).toBe(false);
    expect(outsidePrediction(measurement({ ...exact, measured: 12.6 }))).toBe(true);
  });

  it('says nothing when nothing was predicted', () => {
    expect(combinedUncertainty(measurement({ predicted: null }))).toBeNull();
    expect(outsidePrediction(measurement({ predicted: null, measured: 99 }))).toBeNull();
  });
});

describe('latest measurements', () => {
  it('keeps the newest of each metric on each device', () => {
    const old = measurement({ measured: -1, measuredAt: '2026-12-01T00:00:00.000Z' });
    const fresh = measurement({ measured: -2, measuredAt: '2026-12-02T00:00:00.000Z' });
    const other = measurement({ deviceProfileId: 'jetson', measured: -3 });
    expect(latestMeasurements([old, fresh, other]).map((m) => m.measured)).toEqual([-2, -3]);
    expect(latestMeasurements([fresh, old]).map((m) => m.measured)).toEqual([-2]);
  });
});

describe('budgets as measured', () => {
  const latencyTotal: BudgetLike = { metric: { metric: 'LATENCY' }, bound: 'MAX', value: 89, of: 'TOTAL' };
  const accuracyDelta: BudgetLike = { metric: { metric: 'ACCURACY', deviceProfileId: 'pi' }, bound: 'MIN', value: -0.005, of: 'DELTA' };

  it('judges a total budget by reference + measured delta, and one without a measurement by the prediction', () => {
    const verdicts = budgetVerdicts([latencyTotal, accuracyDelta], tables, totals, [measurement({ measured: -12 })]);
    expect(verdicts).toEqual([
      { budget: latencyTotal, value: 88, basis: 'measured', broken: false },
      { budget: accuracyDelta, value: -0.004, basis: 'predicted', broken: false },
    ]);
    expect(budgetVerdicts([latencyTotal], tables, totals, [measurement({ measured: -10.5 })])[0]).toMatchObject({ value: 89.5, broken: true });
  });

  it('prefers the total the agent sent, and bounds a MIN budget from below', () => {
    expect(budgetVerdicts([latencyTotal], tables, totals, [measurement({ measured: -12, measuredTotal: 89.2 })])[0]).toMatchObject({ value: 89.2, broken: true });
    const acc = measurement({ metric: 'ACCURACY', measured: -0.006, predicted: -0.004, predictedStd: null, ciLow: null, ciHigh: null });
    expect(budgetVerdicts([accuracyDelta], tables, totals, [acc])[0]).toMatchObject({ basis: 'measured', broken: true });
  });

  it('judges a peak-memory budget by the whole-model memory measurement', () => {
    const peak: BudgetLike = { metric: { metric: 'PEAK_MEMORY' }, bound: 'MAX', value: 1000, of: 'TOTAL' };
    const mem = measurement({ metric: 'MEMORY', measured: 20, measuredTotal: 1020, ciLow: null, ciHigh: null });
    expect(budgetVerdicts([peak], tables, totals, [mem])[0]).toMatchObject({ value: 1020, basis: 'measured', broken: true });
  });

  it('ignores a measurement on another device', () => {
    expect(budgetVerdicts([latencyTotal], tables, totals, [measurement({ deviceProfileId: 'jetson', measured: 50 })])[0]).toMatchObject({ basis: 'predicted', value: 90 });
  });
});

describe('ranking by measurement', () => {
  it('measures the objective as a total, weighted terms summed, null when a term is missing', () => {
    const lat = measurement({ measured: -12 });
    expect(measuredObjective({ sense: 'MIN', metric: { metric: 'LATENCY' } }, tables, totals, [lat])).toBe(88);
    const acc = measurement({ metric: 'ACCURACY', measured: -0.01 });
    const weighted = { sense: 'WEIGHTED', terms: [{ metric: { metric: 'LATENCY' }, weight: 1 }, { metric: { metric: 'ACCURACY' }, weight: -100 }] } as const;
    expect(measuredObjective(weighted, tables, totals, [lat, acc])).toBeCloseTo(88 - 100 * 0.39);
    expect(measuredObjective(weighted, tables, totals, [lat])).toBeNull();
  });

  it('puts measured-feasible first, then measured over a budget, then unmeasured, each best objective first', () => {
    const standings = [
      { rank: 1, objective: 90, feasible: false },
      { rank: 2, objective: null, feasible: true },
      { rank: 3, objective: 95, feasible: true },
      { rank: 4, objective: 91, feasible: true },
      { rank: 5, objective: null, feasible: true },
      { rank: 6, objective: 80, feasible: false },
    ];
    expect(rankByMeasured(standings, 'MIN').map((s) => s.rank)).toEqual([4, 3, 6, 1, 2, 5]);
    expect(rankByMeasured(standings, 'MAX').map((s) => s.rank)).toEqual([3, 4, 1, 6, 2, 5]);
  });
});

describe('goal metrics', () => {
  it('lists the objective and budget metrics once each, peak memory as memory', () => {
    const budgets: BudgetLike[] = [
      { metric: { metric: 'ACCURACY' }, bound: 'MIN', value: -0.01, of: 'DELTA' },
      { metric: { metric: 'LATENCY', deviceProfileId: 'pi' }, bound: 'MAX', value: 900, of: 'TOTAL' },
      { metric: { metric: 'PEAK_MEMORY' }, bound: 'MAX', value: 900, of: 'TOTAL' },
    ];
    expect(goalMetrics({ sense: 'MIN', metric: { metric: 'LATENCY' } }, budgets, tables)).toEqual([
      { metric: 'LATENCY', deviceProfileId: 'pi' },
      { metric: 'ACCURACY', deviceProfileId: 'pi' },
      { metric: 'MEMORY', deviceProfileId: 'pi' },
    ]);
  });
});
