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
    expect(text).toMatch(/^# ActNAS mixed-activation model from yolov5nu: 68 activation sites, 2 not nn\.SiLU\(\)/);
    expect(text).toContain('on_pretrain_routine_end');
    expect(text).toContain('from ultralytics import YOLO');
    expect(text).toMatch(/Conv\.default_act` from `activation:` for the whole Python process/);
    expect(text).toMatch(/`scales` repeats one \[depth, width, max_channels\] under every letter/);
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
    assignment.set('model.9.cv2.act', SiLU);
    const doc = parse(toUltralyticsYaml(spec, assignment)) as Record<string, unknown>;
    expect(doc['activation']).toBe('nn.ReLU()');
    expect(doc['actnas_activations']).toEqual({ 'model.9.cv2.act': 'nn.SiLU()' });
  });

  it('writes layer rows as Ultralytics does and scales every letter to the same model', () => {
    const text = toUltralyticsYaml(builtinModelSpec('yolov8m'));
    expect(text).toContain('  - [-1, 1, nn.Upsample, [None, 2, "nearest"]] # 10');
    expect(text).toContain('  - [[15, 18, 21], 1, Detect, [nc]] # 22');
    for (const letter of ['n', 's', 'x']) {
      expect(buildGraph(parseModelYaml(text, { scale: letter })).params).toBe(25_902_640);
    }
  });

  it('points a classic anchor YOLOv5 at the yolov5 repository and describes no scales block', () => {
    const classic = toUltralyticsYaml(builtinModelSpec('yolov5n'), { 'model.0.act': ReLU });
    expect(classic).toContain('depth_multiple: 0.33');
    expect(classic).toContain('the ultralytics/yolov5 repository (models/yolo.py) builds every Conv');
    expect(classic).toContain('from models.yolo import Model');
    expect(classic).not.toContain('from ultralytics import YOLO');
    expect(classic).not.toMatch(/scales/);
    expect(classic).toMatch(/Conv\.default_act/);
    const back = buildGraph(parseModelYaml(classic));
    expect(back.params).toBe(1_872_157);
    expect(back.sites).toHaveLength(57);
    expect(back.sites[0]!.defaultActivation).toEqual(ReLU);
  });

  it('lists only the scale letters that build the same YOLO11 (C3k2 changes for m, l, x)', () => {
    const small = toUltralyticsYaml(builtinModelSpec('yolo11s'));
    expect(Object.keys((parse(small) as { scales: object }).scales)).toEqual(['s', 'n']);
    expect(small).toMatch(/under s, n only/);
    const medium = toUltralyticsYaml(builtinModelSpec('yolo11m'));
    expect(Object.keys((parse(medium) as { scales: object }).scales)).toEqual(['m', 'l', 'x']);
    for (const [text, params] of [[small, 9_458_752], [medium, 20_114_688]] as const) {
      expect(buildGraph(parseModelYaml(text, { name: 'custom' })).params).toBe(params);
    }
    expect(() => parseModelYaml(small, { name: 'yolo11m-relu' })).toThrow(/scale "m" \(guessed from the file name yolo11m-relu\) not in scales \(s, n\)/);
  });

  it('writes YOLO26 end-to-end keys and mirrors one-to-one activations onto the training twin', () => {
    const spec26 = builtinModelSpec('yolo26n');
    const text = toUltralyticsYaml(spec26, { 'model.23.one2one_cv2.0.0.act': ReLU });
    expect(parse(text)).toMatchObject({ end2end: true, reg_max: 1, actnas_activations: { 'model.23.one2one_cv2.0.0.act': 'nn.ReLU()' } });
    expect(text).toContain('site.replace("one2one_", "")');
    const back = buildGraph(parseModelYaml(text, { name: 'yolo26n-relu' }));
    expect([back.params, back.fusedParams, back.sites.length]).toEqual([2_572_280, 2_408_932, 87]);
    expect(back.sites.find((s) => s.name === 'model.23.one2one_cv2.0.0.act')!.defaultActivation).toEqual(ReLU);
  });

  it('keeps the pre-8.4 layout: the SPPF.cv1 site is listed so Ultralytics 8.4 gets its activation back', () => {
    const legacy = builtinModelSpec('yolov8n', { layout: 'pre-8.4' });
    const text = toUltralyticsYaml(legacy);
    const doc = parse(text) as Record<string, unknown>;
    expect(doc['actnas_layout']).toBe('pre-8.4');
    expect(doc['actnas_activations']).toEqual({ 'model.9.cv1.act': 'nn.SiLU()' });
    expect(text).toContain('activation after SPPF.cv1, which 8.4 builds without');
    const back = buildGraph(parseModelYaml(text, { name: 'back' }));
    expect(back.spec.layout).toBe('pre-8.4');
    expect(back.sites).toHaveLength(57);
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
    expect(a.size).toBe(68);
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
