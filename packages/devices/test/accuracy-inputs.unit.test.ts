import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CostTable } from '@actnas/core';
import { Hardswish, ReLU, defaultActivationRegistry } from '@actnas/core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CalibrationImageError, calibrationBatch, syntheticImage } from '../src/accuracy/calibration-images.js';
import { nwotAgreement } from '../src/accuracy/measured-accuracy.js';
import { predictedDelta, summariseValidation, validationAssignments } from '../src/profile/validation.js';

function rgba(w: number, h: number, f: (x: number, y: number) => [number, number, number]): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([...f(x, y), 255], (y * w + x) * 4);
  return data;
}

describe('calibration inputs', () => {
  it('synthetic images are deterministic per seed, differ across seeds, stay in [0, 1]', () => {
    const a = syntheticImage(32, 1);
    expect(syntheticImage(32, 1).chw).toEqual(a.chw);
    expect(syntheticImage(32, 2).chw).not.toEqual(a.chw);
    expect(Math.min(...a.chw)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.chw)).toBeLessThanOrEqual(1);
  });

  it('reads a folder of PNG and JPEG files in name order, resized to the input size, cycled to the batch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'actnas-calib-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const png = new PNG({ width: 8, height: 8 });
    png.data = rgba(8, 8, () => [255, 0, 0]);
    writeFileSync(join(dir, 'a.png'), PNG.sync.write(png));
    writeFileSync(join(dir, 'b.jpg'), jpeg.encode({ width: 16, height: 8, data: rgba(16, 8, () => [0, 0, 255]) }, 95).data);
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const batch = calibrationBatch({ kind: 'folder', dir }, 3, 4);
    expect(batch.dims).toEqual([3, 3, 4, 4]);
    const plane = 16;
    expect(batch.data[0]).toBeCloseTo(1, 5); // a.png red
    expect(batch.data[2 * plane]).toBeCloseTo(0, 5);
    expect(batch.data[3 * plane + 2 * plane]).toBeGreaterThan(0.9); // b.jpg blue
    expect([...batch.data.slice(6 * plane, 9 * plane)]).toEqual([...batch.data.slice(0, 3 * plane)]); // cycled
    const empty = mkdtempSync(join(tmpdir(), 'actnas-empty-'));
    onTestFinished(() => rmSync(empty, { recursive: true, force: true }));
    expect(() => calibrationBatch({ kind: 'folder', dir: empty }, 1, 4)).toThrow(CalibrationImageError);
  });
});

const table: CostTable = {
  metric: 'latency', unit: 'ms', reference: 80, sites: ['a', 'b'],
  cells: [
    { site: 'a', activation: 'relu', delta: -1 }, { site: 'a', activation: 'silu', delta: 0 }, { site: 'a', activation: 'hardswish', delta: 0.5 },
    { site: 'b', activation: 'relu', delta: -2 }, { site: 'b', activation: 'silu', delta: 0 }, { site: 'b', activation: 'hardswish', delta: 0.25 },
  ],
  provenance: { source: 'synthetic' },
};

describe('validation and accuracy agreement', () => {
  it('predicts mixed models as the sum of single-swap deltas; seeded assignments plus all-X', () => {
    const as = validationAssignments(table, defaultActivationRegistry(), 5, 3, [ReLU, Hardswish]);
    expect(as.map((a) => a.name).slice(-2)).toEqual(['all-relu', 'all-hardswish']);
    expect(validationAssignments(table, defaultActivationRegistry(), 5, 3, [])).toEqual(as.slice(0, 5));
    expect(predictedDelta(table, as.at(-2)!)).toBe(-3);
    expect(predictedDelta(table, as.at(-1)!)).toBe(0.75);
  });

  it('draws random models with proportions of their own: some dominated by one activation, some even mixes', () => {
    const kinds = ['relu', 'silu', 'hardswish', 'leakyrelu', 'relu6'] as const;
    const sites = Array.from({ length: 60 }, (_, i) => `s${i}`);
    const wide: CostTable = { metric: 'latency', unit: 'ms', reference: 80, sites, cells: sites.flatMap((site) => kinds.map((activation) => ({ site, activation, delta: 0 }))), provenance: { source: 'synthetic' } };
    const dominant = validationAssignments(wide, defaultActivationRegistry(), 40, 1, []).map((a) => {
      const counts = new Map<string, number>();
      for (const k of Object.values(a.sites)) counts.set(k.id, (counts.get(k.id) ?? 0) + 1);
      return Math.max(...counts.values()) / sites.length;
    });
    // An even draw per site gives each model a most common activation on 25–40 % of its sites.
    expect(dominant.filter((f) => f >= 0.7).length).toBeGreaterThanOrEqual(5);
    expect(dominant.filter((f) => f <= 0.45).length).toBeGreaterThanOrEqual(5);
  });

  it('summarises correlation and median relative error', () => {
    const rows = [
      { name: 'random-1', predicted: -1, measured: -1.1, ciLow: -1.3, ciHigh: -0.9, pairs: 1 },
      { name: 'random-2', predicted: -2, measured: -2, ciLow: -2.1, ciHigh: -1.9, pairs: 1 },
      { name: 'all-relu', predicted: -3, measured: -2.5, ciLow: -3, ciHigh: -2, pairs: 1 },
    ];
    const nulls = [0.05, -0.2, 0.1].map((measured, i) => ({ name: `null-${i}`, predicted: 0, measured, ciLow: 0, ciHigh: 0, pairs: 1 }));
    const r = summariseValidation(rows, nulls);
    expect(r.correlation).toBeGreaterThan(0.9);
    expect(r.medianRelativeError).toBeCloseTo(0.1 / 1.1, 10);
    expect(r.medianAbsoluteError).toBeCloseTo(0.1, 10);
    // The random models alone: errors 0.1/1.1 and 0.
    expect(r.randomMedianRelativeError).toBeCloseTo(0.05 / 1.1, 10);
    expect(r.noiseFloor).toBeCloseTo(0.1, 10);
    expect(r.nullRows).toHaveLength(3);
    // Half-widths 0.2, 0.1 and 0.5 ms; over |measured|: 0.2/1.1, 0.05 and 0.2.
    expect(r.medianHalfWidth).toBeCloseTo(0.2, 10);
    expect(r.medianRelativeHalfWidth).toBeCloseTo(0.2 / 1.1, 10);
  });

  it('Spearman between NWOT and measured accuracy over common non-reference cells', () => {
    const measured: CostTable = { ...table, metric: 'accuracy', unit: 'mAP', cells: table.cells.map((c) => ({ ...c, delta: c.delta * 0.01 })) };
    const r = nwotAgreement(table, measured);
    expect(r.cells).toBe(4);
    expect(r.spearman).toBeCloseTo(1, 12);
    const reversed: CostTable = { ...measured, cells: measured.cells.map((c) => ({ ...c, delta: -c.delta })) };
    expect(nwotAgreement(table, reversed).spearman).toBeCloseTo(-1, 12);
  });
});
