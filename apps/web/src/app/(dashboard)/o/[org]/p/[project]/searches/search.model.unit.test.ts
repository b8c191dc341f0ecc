import { describe, expect, it } from 'vitest';
import { defaultTableIds, validateDraft } from './search.model';
import type { SearchDraft, TableOption } from './search.model';

const tables: TableOption[] = [
  { id: 't1', metric: 'LATENCY', unit: 'ms', version: 1, modelSpecName: 'yolov5nu', deviceProfile: { id: 'd1', name: 'Pi' }, foreign: false },
  { id: 't2', metric: 'LATENCY', unit: 'ms', version: 2, modelSpecName: 'yolov5nu', deviceProfile: { id: 'd1', name: 'Pi' }, foreign: false },
  { id: 't3', metric: 'ACCURACY', unit: 'mAP', version: 1, modelSpecName: 'yolov5nu', deviceProfile: { id: 'd1', name: 'Pi' }, foreign: false },
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
});

describe('default tables', () => {
  it('pre-checks the newest own table of each metric and device, never another organization’s', () => {
    const catalog: TableOption = { id: 'c1', metric: 'LATENCY', unit: 'ms', version: 9, modelSpecName: 'yolov5nu', deviceProfile: { id: 'd9', name: 'Public Jetson' }, foreign: true };
    const shared: TableOption = { ...catalog, id: 'c2', metric: 'ACCURACY', deviceProfile: { id: 'd8', name: 'Shared Pi' } };
    expect(defaultTableIds([catalog, shared, ...tables])).toEqual(['t2', 't3']);
    expect(defaultTableIds([catalog, shared])).toEqual([]);
  });
});
