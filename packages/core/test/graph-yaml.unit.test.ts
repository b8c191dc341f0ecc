import { describe, expect, it } from 'vitest';
import { ModelSpecError, YOLOV8_YAML, buildGraph, parseModelYaml } from '@actnas/core';

const TINY = `
nc: 2
depth_multiple: 1.0
width_multiple: 1.0
backbone:
  - [-1, 1, Conv, [8, 3, 2]]
  - [-1, 1, Conv, [16, 3, 2, None, 1, 1, nn.ReLU()]]
  - [-1, 2, C2f, [16, True]]
  - [-1, 1, SPPF, [16, 5]]
head:
  - [[1, 3], 1, Concat, [1]]
  - [[4], 1, Detect, [nc]]
`;

const errorOf = (fn: () => unknown): ModelSpecError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ModelSpecError) return err;
    throw err;
  }
  throw new Error('expected a ModelSpecError');
};

describe('Ultralytics YAML parsing', () => {
  it('reads nc, multiples, scales and layer rows', () => {
    const spec = parseModelYaml(YOLOV8_YAML, { name: 'v8s', scale: 's' });
    expect(spec).toMatchObject({ name: 'v8s', nc: 80, depthMultiple: 0.33, widthMultiple: 0.5, maxChannels: 1024, scale: 's' });
    expect(spec.layers).toHaveLength(23);
    expect(spec.layers[22]).toMatchObject({ from: [15, 18, 21], module: 'Detect', section: 'head', args: ['nc'] });
    expect(parseModelYaml(YOLOV8_YAML).scale).toBe('n');
  });

  it('builds a user YAML with a per-layer act argument', () => {
    const g = buildGraph(parseModelYaml(TINY), { imgsz: 64 });
    expect(g.sites.map((s) => `${s.name}:${s.defaultActivation.id}`).slice(0, 3)).toEqual([
      'model.0.act:silu',
      'model.1.act:relu',
      'model.2.cv1.act:silu',
    ]);
    expect(g.output.shape).toEqual([6, 256]);
  });

  it('understands the top-level activation key', () => {
    const g = buildGraph(parseModelYaml(`activation: nn.LeakyReLU(0.1)\n${TINY}`), { imgsz: 64 });
    expect(g.sites[0]!.defaultActivation.id).toBe('leakyrelu');
    expect(g.sites[1]!.defaultActivation.id).toBe('relu');
  });

  it.each([
    ['not yaml: [', /not valid YAML/, undefined, undefined],
    ['- 1', /must be a mapping/, undefined, undefined],
    [TINY.replace('[-1, 1, Conv, [8, 3, 2]]', '[-1, 1, Foo, [8]]'), /layer 0 \(module\).*unsupported module "Foo"/, 0, 'module'],
    [TINY.replace('[-1, 2, C2f', '[-1, x, C2f'), /layer 2 \(repeats\)/, 2, 'repeats'],
    [TINY.replace('[[1, 3], 1, Concat', '[[1, 9], 1, Concat'), /layer 4 \(from\)/, 4, 'from'],
    [TINY.replace('[8, 3, 2]', '[eight, 3, 2]'), /layer 0 \(args\[0\]\).*c2/, 0, 'args[0]'],
    [TINY.replace('nn.ReLU()', 'nn.Swoosh()'), /layer 1 \(args\[6\] \(act\)\).*Swoosh/, 1, 'args[6] (act)'],
    [`activation: 3\n${TINY}`, /activation/, undefined, 'activation'],
  ])('rejects bad input clearly (%#)', (yaml, message, layer, field) => {
    const err = errorOf(() => buildGraph(parseModelYaml(yaml), { imgsz: 64 }));
    expect(err.message).toMatch(message);
    expect(err.layer).toBe(layer);
    expect(err.field).toBe(field);
  });

  it('names the layer when shapes do not fit', () => {
    const bad = TINY.replace('[[1, 3], 1, Concat, [1]]', '[[0, 3], 1, Concat, [1]]');
    expect(() => buildGraph(parseModelYaml(bad), { imgsz: 64 })).toThrow(/layer 4 \(from\): Concat of mismatched/);
  });
});
