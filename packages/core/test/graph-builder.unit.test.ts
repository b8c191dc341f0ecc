import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODEL_NAMES, buildGraph, builtinModelSpec } from '@actnas/core';

interface SiteRow {
  readonly name: string;
  readonly channels?: number;
  readonly out_channels?: number;
  readonly height: number;
  readonly width: number;
}
const readJson = (rel: string): { sites: SiteRow[] } =>
  JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { sites: SiteRow[] };

const gflops = (flops: number): string => (flops / 1e9).toFixed(1);

describe('graph builder: Ultralytics figures at 640×640, 80 classes', () => {
  it.each([
    ['yolov5nu', 2_654_816, '7.7', 68],
    ['yolov8n', 3_157_200, '8.7', 56],
    ['yolov5su', 9_153_152, '24.0', 68],
    ['yolov8s', 11_166_560, '28.6', 56],
    ['yolov5mu', 25_111_456, '64.2', 90],
    ['yolov8m', 25_902_640, '78.9', 76],
    ['yolov5n', 1_872_157, '4.5', 57],
  ])('%s: %i parameters, %s GFLOPs, %i sites', (name, params, flops, sites) => {
    const g = buildGraph(builtinModelSpec(name), { imgsz: 640 });
    expect(g.params).toBe(params);
    expect(gflops(g.flops)).toBe(flops);
    expect(g.sites).toHaveLength(sites);
  });

  it('gives the published 9.1M and 11.2M (docs tables count the BN-folded model)', () => {
    expect((buildGraph(builtinModelSpec('yolov5su')).fusedParams / 1e6).toFixed(1)).toBe('9.1');
    expect((buildGraph(builtinModelSpec('yolov8s')).fusedParams / 1e6).toFixed(1)).toBe('11.2');
    expect((buildGraph(builtinModelSpec('yolov5nu')).fusedParams / 1e6).toFixed(1)).toBe('2.6');
  });

  it('yolov5nu sites equal examples/yolov5nu-synthetic/sites.json in names, order and shapes', () => {
    const expected = readJson('../examples/yolov5nu-synthetic/sites.json').sites;
    const g = buildGraph(builtinModelSpec('yolov5nu'), { imgsz: 640 });
    expect(g.sites.map((s) => [s.name, s.channels, s.height, s.width])).toEqual(
      expected.map((s) => [s.name, s.channels, s.height, s.width]),
    );
  });

  it('yolov8n in the pre-8.4 layout equals the PyTorch-traced fixture (made before 8.4) in names, order and shapes', () => {
    const expected = readJson('./fixtures/yolov8n-pytorch-export-opset17.sites.json').sites;
    const g = buildGraph(builtinModelSpec('yolov8n', { layout: 'pre-8.4' }), { imgsz: 640 });
    expect(g.sites.map((s) => [s.name, s.channels, s.height, s.width])).toEqual(
      expected.map((s) => [s.name, s.out_channels, s.height, s.width]),
    );
  });

  it('outputs [4 + nc, 8400] for the v8 head and [25200, 5 + nc] for the classic head', () => {
    expect(buildGraph(builtinModelSpec('yolov5nu')).output.shape).toEqual([84, 8400]);
    expect(buildGraph(builtinModelSpec('yolov5n')).output.shape).toEqual([25200, 85]);
    expect(buildGraph(builtinModelSpec('yolov8n'), { imgsz: 320, nc: 3 }).output.shape).toEqual([7, 2100]);
  });

  it('scales shapes and FLOPs with the input size, not parameters', () => {
    const big = buildGraph(builtinModelSpec('yolov5nu'), { imgsz: 640 });
    const small = buildGraph(builtinModelSpec('yolov5nu'), { imgsz: 320 });
    expect(small.params).toBe(big.params);
    expect(small.sites[0]).toMatchObject({ name: 'model.0.act', channels: 16, height: 160, width: 160 });
    expect(small.flops / big.flops).toBeCloseTo(0.25, 6);
  });

  it('sums per-layer figures to the totals and names each site after its conv', () => {
    for (const name of BUILTIN_MODEL_NAMES) {
      const g = buildGraph(builtinModelSpec(name), { imgsz: 320 });
      expect(g.layers.reduce((s, l) => s + l.params, 0)).toBe(g.params);
      expect(g.layers.flatMap((l) => l.sites)).toEqual(g.sites.map((s) => s.name));
      for (const s of g.sites) expect(s.convName).toBe(s.name.replace(/\.act$/, '.conv'));
    }
  });

  it('reports Ultralytics-style layer arguments', () => {
    const g = buildGraph(builtinModelSpec('yolov5nu'));
    expect(g.layers[0]).toMatchObject({ module: 'Conv', args: [3, 16, 6, 2, 2], repeats: 1 });
    expect(g.layers[2]).toMatchObject({ module: 'C3', args: [32, 32, 1], repeats: 1 });
    expect(g.layers[24]).toMatchObject({ module: 'Detect', args: [80, 16, null, [64, 128, 256]] });
  });

  it('rejects input sizes the strides cannot divide', () => {
    expect(() => buildGraph(builtinModelSpec('yolov8n'), { imgsz: 100 })).toThrow(/multiple of 32/);
  });
});
