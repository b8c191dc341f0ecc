import { describe, expect, it } from 'vitest';
import type { Budget } from '@actnas/core';
import { checkMeasuredBudget, loopVerdict, missedBudgets, objectiveFromTotals, rankByMeasured, tightenBudget, tightenBudgets } from '@actnas/core';

const latency: Budget = { metric: { metric: 'latency', device: 'd1' }, bound: 'max', value: 40, of: 'total' };
const accuracy: Budget = { metric: { metric: 'accuracy' }, bound: 'min', value: -0.005, of: 'delta' };

describe('verification loop (pure part)', () => {
  it('checks a budget against the measured total or delta of its metric on its device, and says nothing for an unmeasured one', () => {
    const measured = [{ metric: { metric: 'latency' as const, device: 'd1' }, measuredDelta: -1.6, measuredTotal: 40.3, predictedDelta: -2.0 }];
    expect(checkMeasuredBudget(latency, measured)).toMatchObject({ measured: 40.3, broken: true, description: 'latency@d1 ≤ 40' });
    expect(checkMeasuredBudget(latency, measured)!.excess).toBeCloseTo(0.3, 12);
    expect(checkMeasuredBudget(latency, measured)!.residual).toBeCloseTo(0.4, 12);
    expect(checkMeasuredBudget({ ...latency, metric: { metric: 'latency', device: 'd2' } }, measured)).toBeUndefined();
    expect(checkMeasuredBudget(accuracy, measured)).toBeUndefined();
    expect(checkMeasuredBudget(accuracy, [{ metric: { metric: 'accuracy' }, measuredDelta: -0.004 }])).toMatchObject({ broken: false, measured: -0.004 });
  });

  it('tightens a broken budget by the largest residual, at least by the excess, rounded outward; leaves the others', () => {
    expect(tightenBudget(latency, [])).toBeUndefined();
    expect(tightenBudget(latency, [{ residual: 0.25, excess: 0.1 }, { residual: 0.05, excess: 0.3 }])!.value).toBe(39.7);
    expect(tightenBudget(latency, [{ residual: 0.123456, excess: 0.01 }])!.value).toBe(39.8765);
    expect(tightenBudget(accuracy, [{ residual: -0.00123, excess: 0.0002 }])!.value).toBe(-0.0037);
    const { budgets, tightened } = tightenBudgets([latency, accuracy], (b) => (b === latency ? [{ residual: 0.5, excess: 0.2 }] : []));
    expect(budgets).toEqual([{ ...latency, value: 39.5 }, accuracy]);
    expect(tightened).toEqual([{ budget: 'latency@d1 ≤ 40', to: 'latency@d1 ≤ 39.5', from: latency, next: { ...latency, value: 39.5 }, residual: 0.5, breakers: 1 }]);
  });

  it('summarises missed budgets, computes the objective and ranks measured-feasible first by measured objective', () => {
    expect(missedBudgets([[{ description: 'a', excess: 0.2, broken: true }], [{ description: 'a', excess: 0.5, broken: true }, { description: 'b', excess: -1, broken: false }]])).toEqual([{ budget: 'a', breakers: 2, excess: 0.2 }]);
    const objective = { sense: 'min' as const, metric: { metric: 'latency' as const } };
    expect(objectiveFromTotals(objective, () => 39)).toBe(39);
    expect(objectiveFromTotals({ sense: 'weighted', terms: [{ metric: { metric: 'latency' }, weight: 2 }, { metric: { metric: 'memory' }, weight: 0.5 }] }, (r) => (r.metric === 'latency' ? 10 : 100))).toBe(70);
    expect(objectiveFromTotals(objective, () => undefined)).toBeNaN();
    const p = (id: string, measuredFeasible: boolean, measuredObjective: number, round = 1, searchRank = 1) => ({ id, measuredFeasible, measuredObjective, round, searchRank });
    const ranked = rankByMeasured(objective, [p('a', false, 30), p('b', true, 39), p('c', true, 38), p('d', true, Number.NaN), p('e', true, 38, 2, 1)]);
    expect(ranked.map((x) => x.id)).toEqual(['c', 'e', 'b', 'd', 'a']);
    expect(rankByMeasured({ sense: 'max', metric: { metric: 'accuracy' } }, [p('a', true, 1), p('b', true, 2)]).map((x) => x.id)).toEqual(['b', 'a']);
  });

  it('is met when any verified proposal of any round meets every budget as measured; names the missed budgets only when none does', () => {
    const broken = (excess: number) => ({ description: 'latency ≤ 57.193', excess, broken: true });
    const held = { description: 'latency ≤ 57.193', excess: -0.1, broken: false };
    // Round 1: one meets it, two break it by 0.21; round 2 (tightened) found nothing: still met.
    expect(loopVerdict([{ measuredFeasible: true, checks: [held] }, { measuredFeasible: false, checks: [broken(0.21)] }, { measuredFeasible: false, checks: [broken(0.25)] }])).toEqual({ met: true, missed: [] });
    expect(loopVerdict([{ measuredFeasible: false, checks: [broken(0.21)] }, { measuredFeasible: false, checks: [broken(0.25), { description: 'memory ≤ 900', excess: 3, broken: true }] }])).toEqual({
      met: false,
      missed: [{ budget: 'latency ≤ 57.193', breakers: 2, excess: 0.21 }, { budget: 'memory ≤ 900', breakers: 1, excess: 3 }],
    });
    expect(loopVerdict([])).toEqual({ met: false, missed: [] });
  });
});
