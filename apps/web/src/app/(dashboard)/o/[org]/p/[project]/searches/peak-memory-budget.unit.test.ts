import { describe, expect, it } from 'vitest';
import { validateDraft } from './search.model';
import type { SearchDraft, TableOption } from './search.model';

const table = (id: string, metric: TableOption['metric'], liveSetSteps: number | null): TableOption => ({ id, metric, unit: metric === 'MEMORY' ? 'KB' : 'ms', version: 1, modelSpecName: 'yolov5nu', liveSetSteps, deviceProfile: { id: 'd1', name: 'Pi' } });
const tables = [table('lat', 'LATENCY', null), table('rows', 'MEMORY', 173), table('bare', 'MEMORY', null)];
const draft = (costTableIds: string[], value: number): SearchDraft => ({
  modelSpecId: 'm',
  costTableIds,
  objective: { sense: 'MIN', metric: 'LATENCY', deviceProfileId: 'd1' },
  budgets: [{ metric: 'PEAK_MEMORY', deviceProfileId: 'd1', bound: 'MAX', of: 'TOTAL', value }],
  strategy: 'ILP',
  k: 5,
  diversity: 1,
  locks: [],
  compare: false,
  idempotencyKey: 'x',
});

describe('peak-memory budgets in the new-search form', () => {
  it('accepts a positive budget over a chosen memory table with live-set rows', () => {
    expect(validateDraft(draft(['lat', 'rows'], 1200), tables, 69)).toEqual({});
  });

  it('refuses it without live-set rows, or when it is not a positive number of KB', () => {
    expect(validateDraft(draft(['lat', 'bare'], 1200), tables, 69)).toEqual({ 'budget-PEAK_MEMORY-d1': 'A peak-memory budget needs a chosen memory table with live-set rows.' });
    expect(validateDraft(draft(['lat', 'rows'], 0), tables, 69)).toEqual({ 'budget-PEAK_MEMORY-d1': 'A peak-memory budget is a positive number of KB.' });
    expect(validateDraft(draft(['lat', 'rows'], Number.NaN), tables, 69)).toEqual({ 'budget-PEAK_MEMORY-d1': 'Enter a number.' });
  });
});
