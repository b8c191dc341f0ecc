import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  Hardswish, LeakyReLU, ReLU, SiLU, buildGraph, builtinModelSpec, parseActivationAssignment, parseModelYaml, toUltralyticsYaml,
} from '@actnas/core';

const spec = builtinModelSpec('yolov5nu');
const sites = buildGraph(spec).sites;

describe('Ultralytics YAML with per-layer activations', () => {
  it('keeps the global activation and lists the other sites, and reads back to the same model', () => {
    const text = toUltralyticsYaml(spec, { 'model.0.act': ReLU, 'model.24.cv3.2.1.act': Hardswish });
    const doc = parse(text) as Record<string, unknown>;
    expect(doc['activation']).toBe('nn.SiLU()');
    expect(doc['actnas_activations']).toEqual({ 'model.0.act': 'nn.ReLU()', 'model.24.cv3.2.1.act': 'nn.Hardswish()' });
    expect(text).toMatch(/^# ActNAS mixed-activation model from yolov5nu: 69 activation sites, 2 not nn\.SiLU\(\)/);
    expect(text).toContain('on_pretrain_routine_end');
    const back = buildGraph(parseModelYaml(text, { name: 'back' }));
    expect(back.params).toBe(2_654_816);
    expect(back.sites.map((s) => s.name)).toEqual(sites.map((s) => s.name));
    expect(back.sites.filter((s) => s.defaultActivation.id !== 'silu').map((s) => `${s.name}:${s.defaultActivation.id}`)).toEqual([
      'model.0.act:relu',
      'model.24.cv3.2.1.act:hardswish',
    ]);
  });

  it('picks the most common activation as the global one', () => {
    const assignment = new Map(sites.map((s) => [s.name, ReLU] as const));
    assignment.set('model.9.cv1.act', SiLU);
    const doc = parse(toUltralyticsYaml(spec, assignment)) as Record<string, unknown>;
    expect(doc['activation']).toBe('nn.ReLU()');
    expect(doc['actnas_activations']).toEqual({ 'model.9.cv1.act': 'nn.SiLU()' });
  });

  it('writes layer rows as Ultralytics does and scales every letter to the same model', () => {
    const text = toUltralyticsYaml(builtinModelSpec('yolov8m'));
    expect(text).toContain('  - [-1, 1, nn.Upsample, [None, 2, "nearest"]] # 10');
    expect(text).toContain('  - [[15, 18, 21], 1, Detect, [nc]] # 22');
    for (const letter of ['n', 's', 'x']) {
      expect(buildGraph(parseModelYaml(text, { scale: letter })).params).toBe(25_902_640);
    }
    const classic = toUltralyticsYaml(builtinModelSpec('yolov5n'));
    expect(classic).toContain('depth_multiple: 0.33');
    expect(buildGraph(parseModelYaml(classic)).params).toBe(1_872_157);
  });

  it('drops a Conv act argument Ultralytics cannot read and keeps the activation in the site list', () => {
    const yaml = 'nc: 2\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2, None, 1, 1, nn.LeakyReLU(0.1)]]\nhead: []\n';
    const text = toUltralyticsYaml(parseModelYaml(yaml));
    expect(text).toContain('  - [-1, 1, Conv, [16, 3, 2, None, 1, 1]] # 0');
    expect(parse(text)).toMatchObject({ activation: 'nn.LeakyReLU(0.1)' });
    expect(buildGraph(parseModelYaml(text), { imgsz: 64 }).sites[0]!.defaultActivation).toEqual(LeakyReLU);
  });
});

describe('assignment flags', () => {
  it('applies all, prefixes and exact sites left to right', () => {
    const a = parseActivationAssignment('all:silu,model.24.*:relu6,model.0.act:relu,model.1:LeakyReLU(0.2)', sites);
    expect(a.size).toBe(69);
    expect(a.get('model.0.act')?.id).toBe('relu');
    expect(a.get('model.1.act')?.id).toBe('leakyrelu(0.2)');
    expect(a.get('model.24.cv2.0.0.act')?.id).toBe('relu6');
    expect(a.get('model.2.cv1.act')?.id).toBe('silu');
  });

  it.each([
    ['model.0.act', /not <site>:<activation>/],
    ['model.0.act:swoosh', /unknown activation "swoosh"/],
    ['model.99.act:relu', /matches no activation site/],
    ['', /empty/],
  ])('rejects %j', (text, message) => {
    expect(() => parseActivationAssignment(text, sites)).toThrow(message);
  });
});
