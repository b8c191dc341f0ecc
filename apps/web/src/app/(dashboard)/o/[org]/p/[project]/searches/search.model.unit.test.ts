import { describe, expect, it } from 'vitest';
import { validateDraft, verifyApiError, verifyDevices } from './search.model';
import type { SearchDraft, TableOption } from './search.model';

const tables: TableOption[] = [
  { id: 't1', metric: 'LATENCY', unit: 'ms', version: 1, modelSpecName: 'yolov5nu', deviceProfile: { id: 'd1', name: 'Pi' } },
  { id: 't2', metric: 'LATENCY', unit: 'ms', version: 2, modelSpecName: 'yolov5nu', deviceProfile: { id: 'd1', name: 'Pi' } },
  { id: 't3', metric: 'ACCURACY', unit: 'mAP', version: 1, modelSpecName: 'yolov5nu', deviceProfile: { id: 'd1', name: 'Pi' } },
];
const draft: SearchDraft = {
  modelSpecId: 'm',
  costTableIds: ['t1', 't3'],
  objective: { sense: 'MIN', metric: 'LATENCY', deviceProfileId: 'd1' },
  budgets: [{ metric: 'ACCURACY', deviceProfileId: 'd1', bound: 'MIN', of: 'DELTA', value: -0.01 }],
  strategy: 'ILP',
  k: 5,
  diversity: 2,
  locks: [],
  compare: false,
  idempotencyKey: 'x',
};

describe('new search validation', () => {
  it('accepts a complete draft', () => {
    expect(validateDraft(draft, tables, 69)).toEqual({});
  });

  it('names each problem by field', () => {
    const errors = validateDraft({ ...draft, costTableIds: ['t1', 't2'], objective: { sense: 'MAX', metric: 'MEMORY', deviceProfileId: null }, k: 0, diversity: 70, budgets: [{ ...draft.budgets[0]!, value: Number.NaN }] }, tables, 69);
    expect(Object.keys(errors).sort()).toEqual(['budget-ACCURACY-d1', 'diversity', 'k', 'objective', 'tables']);
  });

  it('keeps one site free of locks', () => {
    expect(validateDraft({ ...draft, locks: [{ site: 'a', activation: 'relu' }] }, tables, 1)['locks']).toBeDefined();
  });

  it('a Pareto sweep needs a budget to sweep', () => {
    expect(validateDraft({ ...draft, strategy: 'PARETO', budgets: [] }, tables, 69)['strategy']).toBeDefined();
    expect(validateDraft({ ...draft, strategy: 'PARETO' }, tables, 69)['strategy']).toBeUndefined();
  });

  it('verifies on the device of a chosen table, 1 to 5 rounds, without comparisons', () => {
    const verify = (rounds: number, deviceProfileId = 'd1', compare = false) => validateDraft({ ...draft, compare, verify: { rounds, deviceProfileId } }, tables, 69)['verify'];
    expect(verify(2)).toBeUndefined();
    expect(verify(6)).toBe('Verification rounds are a whole number from 1 to 5.');
    expect(verify(0)).toBe('Verification rounds are a whole number from 1 to 5.');
    expect(verify(2, 'd9')).toBe('Verify on the device of a chosen table.');
    expect(verify(2, 'd1', true)).toBe('A verified search runs without the comparison strategies.');
    expect(validateDraft({ ...draft, compare: true, verify: null }, tables, 69)['verify']).toBeUndefined();
  });

  it("offers the chosen tables' devices once each, and finds the API's error on the verify fields", () => {
    const jetson = { deviceProfile: { id: 'd2', name: 'Jetson' } };
    expect(verifyDevices([...tables, jetson, tables[0]!])).toEqual([{ id: 'd1', name: 'Pi' }, { id: 'd2', name: 'Jetson' }]);
    expect(verifyApiError({ 'verify.deviceProfileId': 'no tables on that device', k: 'other' })).toBe('no tables on that device');
    expect(verifyApiError({ 'verify.ranks.0': 'rank 9 is past k' })).toBe('rank 9 is past k');
    expect(verifyApiError({ verifyish: 'no', k: 'other' })).toBeUndefined();
    expect(verifyApiError(undefined)).toBeUndefined();
  });
});
