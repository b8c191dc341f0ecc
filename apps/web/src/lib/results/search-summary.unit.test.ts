import { describe, expect, it } from 'vitest';
import { budgetInWords, describeBudget, describeGoal, describeObjective, describeTables, objectiveUnit } from './search-summary';
import type { TableRef } from './search-summary';

const tables: TableRef[] = [
  { id: 'l', version: 2, metric: 'LATENCY', unit: 'ms', deviceProfile: { id: 'd1', name: 'Pi 5' } },
  { id: 'a', version: 1, metric: 'ACCURACY', unit: 'mAP', deviceProfile: { id: 'd1', name: 'Pi 5' } },
  { id: 'j', version: 3, metric: 'LATENCY', unit: 'ms', deviceProfile: { id: 'd2', name: 'Jetson' } },
];

describe('search summary', () => {
  it('names the objective with its device and unit', () => {
    const objective = { sense: 'MIN' as const, metric: { metric: 'LATENCY' as const, deviceProfileId: 'd2' } };
    expect(describeObjective(objective, tables)).toBe('minimise latency on Jetson');
    expect(objectiveUnit(objective, tables)).toBe('ms');
    expect(objectiveUnit({ sense: 'WEIGHTED', terms: [] }, tables)).toBe('');
  });

  it('explains the sign convention of a budget on a change', () => {
    expect(describeBudget({ metric: { metric: 'ACCURACY', deviceProfileId: null }, bound: 'MIN', value: -0.005, of: 'DELTA' }, tables)).toBe('accuracy on Pi 5: Δ ≥ \u22120.0050 mAP (lose at most 0.0050 mAP)');
    expect(budgetInWords('ACCURACY', 'MIN', 'DELTA', 0.001, 'mAP')).toBe('gain at least 0.0010 mAP');
    expect(budgetInWords('LATENCY', 'MAX', 'DELTA', -20, 'ms')).toBe('be faster by at least 20.00 ms');
    expect(budgetInWords('LATENCY', 'MAX', 'TOTAL', 800, 'ms')).toBe('at most 800.00 ms in total');
  });

  it('says the goal in one line, a peak-memory budget on its device\'s memory table', () => {
    const withMemory: TableRef[] = [...tables, { id: 'm', version: 2, metric: 'MEMORY', unit: 'KB', deviceProfile: { id: 'd1', name: 'Pi 5' } }];
    const objective = { sense: 'MAX' as const, metric: { metric: 'ACCURACY' as const, deviceProfileId: 'd1' } };
    expect(describeGoal(objective, [], withMemory)).toBe('maximise accuracy on Pi 5');
    const budgets = [
      { metric: { metric: 'PEAK_MEMORY' as const, deviceProfileId: 'd1' }, bound: 'MAX' as const, value: 1000, of: 'TOTAL' as const },
      { metric: { metric: 'LATENCY' as const, deviceProfileId: 'd2' }, bound: 'MAX' as const, value: -2, of: 'DELTA' as const },
    ];
    expect(describeGoal(objective, budgets, withMemory)).toBe('maximise accuracy on Pi 5 subject to peak memory on Pi 5 ≤ 1000.0 KB, latency on Jetson Δ ≤ \u22122.00 ms');
  });

  it('lists the table versions used per device', () => {
    expect(describeTables(tables)).toEqual(['Pi 5: latency v2, accuracy v1', 'Jetson: latency v3']);
  });
});

describe('engine messages', () => {
  it('name devices instead of their ids', async () => {
    const { readableMessage } = await import('./search-summary');
    const id = '0bfddc51-1234-4abc-8def-0123456789ab';
    expect(readableMessage(`latency@${id} ≤ 1 (best reachable 789.2301)`, new Map([[id, 'Pi 5']]))).toBe('latency on Pi 5 ≤ 1 (best reachable 789.2301)');
  });
});
