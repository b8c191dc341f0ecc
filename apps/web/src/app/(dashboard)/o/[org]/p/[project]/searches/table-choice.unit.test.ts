import { describe, expect, it } from 'vitest';
import type { Metric, Visibility } from '@/graphql/generated';
import { defaultTableIds, originOf, unusableBecause } from './table-choice';
import type { ChoosableTable } from './table-choice';

const us = 'org-us';
const table = (id: string, metric: Metric, device: string, owner = us, extra: Partial<ChoosableTable> = {}, visibility: Visibility = 'PRIVATE'): ChoosableTable => ({
  id,
  metric,
  unit: metric === 'LATENCY' ? 'ms' : 'KB',
  version: 1,
  modelSpecName: 'yolov5nu',
  partial: false,
  missingSites: [],
  deviceProfile: { id: device, name: device, visibility, owner: { id: owner, name: owner === us ? 'Us' : 'Them' } },
  ...extra,
});
const model = { sites: [{ name: 'model.0.act', reference: 'silu' }, { name: 'model.1.act', reference: 'silu' }] };

describe('default table choice', () => {
  it('ticks our newest complete table per metric and device, never a shared, catalog or partial one', () => {
    const tables = [
      table('catalog-latency', 'LATENCY', 'their-pi', 'org-them', {}, 'PUBLIC'),
      table('partial-latency-v3', 'LATENCY', 'pi', us, { version: 3, partial: true, missingSites: ['model.1.act'] }),
      table('latency-v2', 'LATENCY', 'pi', us, { version: 2 }),
      table('latency-v1', 'LATENCY', 'pi', us),
      table('memory-v1', 'MEMORY', 'pi', us),
      table('other-model', 'MEMORY', 'jetson', us, { modelSpecName: 'yolov8n' }),
    ];
    expect(defaultTableIds(tables, us, 'yolov5nu')).toEqual(['latency-v2', 'memory-v1']);
    expect(defaultTableIds(tables, us, 'yolov8n')).toEqual(['other-model']);
    expect(defaultTableIds(tables, 'org-them', 'yolov5nu')).toEqual(['catalog-latency']);
  });

  it('lets a partial table serve only a search that locks its missing sites to their reference', () => {
    const partial = table('p', 'LATENCY', 'pi', us, { partial: true, missingSites: ['model.1.act'] });
    expect(unusableBecause(partial, model, new Map())).toBe('partial: no rows for 1 site (model.1.act); lock them to their reference to use it');
    expect(unusableBecause(partial, model, new Map([['model.1.act', 'relu']]))).not.toBeNull();
    expect(unusableBecause(partial, model, new Map([['model.1.act', 'silu']]))).toBeNull();
    expect(unusableBecause(table('whole', 'LATENCY', 'pi'), model, new Map())).toBeNull();
  });

  it("names a table's origin when it is not ours", () => {
    expect(originOf(table('a', 'LATENCY', 'pi'), us)).toBeNull();
    expect(originOf(table('b', 'LATENCY', 'pi', 'org-them', {}, 'PUBLIC'), us)).toBe('public catalog, by Them');
    expect(originOf(table('c', 'LATENCY', 'pi', 'org-them', {}, 'SHARED'), us)).toBe('shared by Them');
  });
});
