import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OnnxFormatErrorCode, OnnxNode } from '@actnas/core';
import {
  ACTNAS_SITES_METADATA_KEY,
  OnnxFormatError,
  OnnxImportError,
  decodeOnnxModel,
  encodeOnnxModel,
  float32Scalar,
  float32Tensor,
  floatAttribute,
  importOnnx,
  modulePathFromScope,
  siteNameFromNodeName,
  tensorAttribute,
} from '@actnas/core';
import { PREACT, fixtureBytes, fixtureSites, pseudoRandomBytes, silu, tinyConvBytes, tinyConvModel } from './onnx-test-models.js';

describe('importOnnx on the torch.onnx.export fixture (yolov8n, opset 17)', () => {
  const imported = importOnnx(fixtureBytes());
  const expected = fixtureSites();

  it('finds exactly the 57 sites of sites.json, in forward order, with their names', () => {
    expect(imported.sites.map((s) => s.name)).toEqual(expected.map((s) => s.name));
    expect(imported.warnings).toEqual([]);
  });

  it('records nodes, op types, conv, pre-activation and output tensors, channels and shape', () => {
    imported.sites.forEach((site, k) => {
      const e = expected[k]!;
      expect(site.activation.id).toBe(e.activation);
      expect(site.nodes).toEqual(e.onnx_nodes);
      expect(site.opTypes).toEqual(e.onnx_op_types);
      expect(site.convNode).toBe(e.onnx_conv_node);
      expect(site.preactTensor).toBe(e.onnx_preact_tensor);
      expect(site.outputTensor).toBe(e.onnx_output_tensor);
      expect(site.channels).toBe(e.out_channels);
      expect(site.shape).toEqual(['batch', e.out_channels, e.height, e.width]);
      expect(site.nameSource).toBe('node-name');
    });
  });

  it('reports opset, IR version, inputs and outputs', () => {
    expect(imported.opset).toBe(17);
    expect(imported.irVersion).toBe(8);
    expect(imported.inputs).toEqual([{ name: 'images', elemType: 1, shape: ['batch', 3, 640, 640] }]);
    expect(imported.outputs.map((o) => [o.name, o.shape?.slice(0, 2)])).toEqual([['output0', ['batch', 144]]]);
  });
});

describe('site names from torch node names', () => {
  it.each([
    ['/model.2/m.0/cv1/act/Mul', 'model.2.m.0.cv1.act'],
    ['/model.22/cv3.2/cv3.2.1/act/Sigmoid', 'model.22.cv3.2.1.act'],
    ['/model.0/act/Relu', 'model.0.act'],
  ])('%s → %s', (node, name) => {
    expect(siteNameFromNodeName(node)).toBe(name);
  });

  it('gives nothing for names without a scope', () => {
    expect(siteNameFromNodeName('Relu_12')).toBeUndefined();
    expect(siteNameFromNodeName('/Relu')).toBeUndefined();
    expect(modulePathFromScope('/backbone/stage1')).toBe('backbone.stage1');
  });
});

const one = (act: readonly OnnxNode[], opset = 17, extra = {}) => importOnnx(tinyConvBytes({ act, opset, ...extra }));
const c = (name: string, value: number): OnnxNode => ({
  name, opType: 'Constant', input: [], output: [`${name}_output_0`], attribute: [tensorAttribute('value', float32Scalar('', value))],
});

describe('activation patterns', () => {
  it('SiLU with the Mul inputs in either order', () => {
    const swapped = silu('/model.0/act', PREACT, 'y').map((n) => (n.opType === 'Mul' ? { ...n, input: [...n.input!].reverse() } : n));
    expect(one(swapped).sites.map((s) => [s.name, s.activation.id])).toEqual([['model.0.act', 'silu']]);
  });

  it('HardSwish, and HardSigmoid(1/6, 0.5) + Mul as Hardswish', () => {
    expect(one([{ name: '/model.0/act/HardSwish', opType: 'HardSwish', input: [PREACT], output: ['y'] }]).sites[0]!.activation.id).toBe('hardswish');
    const lowered: OnnxNode[] = [
      { name: '/model.0/act/HardSigmoid', opType: 'HardSigmoid', input: [PREACT], output: ['hs'], attribute: [floatAttribute('alpha', 1 / 6), floatAttribute('beta', 0.5)] },
      { name: '/model.0/act/Mul', opType: 'Mul', input: [PREACT, 'hs'], output: ['y'] },
    ];
    const site = one(lowered, 13).sites[0]!;
    expect([site.activation.id, site.opTypes]).toEqual(['hardswish', ['HardSigmoid', 'Mul']]);
  });

  it('Relu, LeakyRelu with its alpha, and a lone HardSigmoid', () => {
    expect(one([{ name: '/model.0/act/Relu', opType: 'Relu', input: [PREACT], output: ['y'] }]).sites[0]!.activation.id).toBe('relu');
    const leaky = one([{ name: '/m/act/LeakyRelu', opType: 'LeakyRelu', input: [PREACT], output: ['y'], attribute: [floatAttribute('alpha', 0.2)] }]);
    expect(leaky.sites[0]!.activation.id).toBe('leakyrelu(0.2)');
    const hs = one([{ name: '/m/act/HardSigmoid', opType: 'HardSigmoid', input: [PREACT], output: ['y'], attribute: [floatAttribute('alpha', 1 / 6)] }]);
    expect(hs.sites[0]!.activation.id).toBe('hardsigmoid');
  });

  it('Clip 0..6 from attributes (opset < 11), initializers, or Constant nodes', () => {
    const attrs = one([{ name: '/a/act/Clip', opType: 'Clip', input: [PREACT], output: ['y'], attribute: [floatAttribute('min', 0), floatAttribute('max', 6)] }], 9);
    expect(attrs.sites[0]!.activation.id).toBe('relu6');
    const inits = one([{ name: '/a/act/Clip', opType: 'Clip', input: [PREACT, 'lo', 'hi'], output: ['y'] }], 17, {
      extraInitializers: [float32Scalar('lo', 0), float32Scalar('hi', 6)],
    });
    expect(inits.sites[0]!.nodes).toEqual(['/a/act/Clip']);
    const consts = one([c('/a/act/Constant', 0), c('/a/act/Constant_1', 6), { name: '/a/act/Clip', opType: 'Clip', input: [PREACT, '/a/act/Constant_output_0', '/a/act/Constant_1_output_0'], output: ['y'] }]);
    expect(consts.sites[0]!.nodes).toEqual(['/a/act/Constant', '/a/act/Constant_1', '/a/act/Clip']);
    expect(consts.sites[0]!.activation.id).toBe('relu6');
  });

  it('Gelu, Mish and Softplus+Tanh+Mul', () => {
    expect(one([{ name: '/m/act/Gelu', opType: 'Gelu', input: [PREACT], output: ['y'] }], 20).sites[0]!.activation.id).toBe('gelu');
    const mish: OnnxNode[] = [
      { name: '/m/act/Softplus', opType: 'Softplus', input: [PREACT], output: ['sp'] },
      { name: '/m/act/Tanh', opType: 'Tanh', input: ['sp'], output: ['t'] },
      { name: '/m/act/Mul', opType: 'Mul', input: [PREACT, 't'], output: ['y'] },
    ];
    expect(one(mish).sites.map((s) => s.activation.id)).toEqual(['mish']);
    const erf: OnnxNode[] = [
      { name: '/m/act/Div', opType: 'Div', input: [PREACT, 'sqrt2'], output: ['d'] },
      { name: '/m/act/Erf', opType: 'Erf', input: ['d'], output: ['e'] },
      { name: '/m/act/Add', opType: 'Add', input: ['e', 'one'], output: ['a'] },
      { name: '/m/act/Mul', opType: 'Mul', input: [PREACT, 'a'], output: ['m'] },
      { name: '/m/act/Mul_1', opType: 'Mul', input: ['m', 'half'], output: ['y'] },
    ];
    const consts = [float32Scalar('sqrt2', Math.SQRT2), float32Scalar('one', 1), float32Scalar('half', 0.5)];
    const gelu = one(erf, 17, { extraInitializers: consts }).sites;
    expect(gelu.map((s) => [s.activation.id, s.nodes.length])).toEqual([['gelu', 5]]);
  });

  it('generates stable names when nodes carry no scope', () => {
    const unnamed = silu('', PREACT, 'y').map((n) => ({ ...n, name: '' }));
    const site = one(unnamed).sites[0]!;
    expect([site.name, site.nameSource, site.nodes]).toEqual(['site.0@y', 'generated', ['#1', '#2']]);
  });

  it('gives channels and shape from the conv and shape inference', () => {
    const site = importOnnx(tinyConvBytes({ channels: 3, size: 5 })).sites[0]!;
    expect([site.channels, site.shape, site.convNode]).toEqual([3, [1, 3, 5, 5], '/model.0/conv/Conv']);
  });
});

describe('what the importer reports instead of guessing', () => {
  /** Sites found and warning codes; a model left without sites is refused, naming what it rejected. */
  const codes = (act: readonly OnnxNode[], extra = {}) => {
    try {
      const imported = one(act, 17, extra);
      return [imported.sites.length, imported.warnings.map((w) => w.code)];
    } catch (err) {
      if (!(err instanceof OnnxImportError) || err.code !== 'NO_ACTIVATION_SITES') throw err;
      expect(err.message).toContain('rejected look-alikes');
      return [0, err.warnings.map((w) => w.code)];
    }
  };

  it('a Sigmoid not multiplied by its input, and a Sigmoid gating another tensor', () => {
    expect(codes([{ name: '/h/Sigmoid', opType: 'Sigmoid', input: [PREACT], output: ['y'] }])).toEqual([0, ['SIGMOID_NOT_SILU']]);
    const gate: OnnxNode[] = [
      { name: '/h/Sigmoid', opType: 'Sigmoid', input: [PREACT], output: ['s'] },
      { name: '/h/Mul', opType: 'Mul', input: ['x', 's'], output: ['y'] },
    ];
    expect(codes(gate)).toEqual([0, ['SIGMOID_GATE']]);
  });

  it('a SiLU whose sigmoid is also used elsewhere', () => {
    const shared: OnnxNode[] = [
      ...silu('/m/act', PREACT, 'z'),
      { name: '/m/Add', opType: 'Add', input: ['z', '/m/act/Sigmoid_output_0'], output: ['y'] },
    ];
    expect(codes(shared)).toEqual([0, ['SHARED_INTERMEDIATE']]);
  });

  it('Clip with non-constant or other bounds, HardSigmoid with other parameters', () => {
    expect(codes([{ name: '/c/Clip', opType: 'Clip', input: [PREACT, 'x', ''], output: ['y'] }])).toEqual([0, ['CLIP_NON_CONSTANT']]);
    expect(codes([c('/c/Constant', -1), c('/c/Constant_1', 1), { name: '/c/Clip', opType: 'Clip', input: [PREACT, '/c/Constant_output_0', '/c/Constant_1_output_0'], output: ['y'] }])).toEqual([0, ['CLIP_RANGE']]);
    expect(codes([{ name: '/c/HardSigmoid', opType: 'HardSigmoid', input: [PREACT], output: ['y'] }])).toEqual([0, ['HARDSIGMOID_PARAMS']]);
  });
});

describe('the actnas.sites metadata', () => {
  it('names sites from the metadata when present', () => {
    const model = tinyConvModel();
    const table = { version: 1, sites: [{ name: 'backbone.stem.act', activation: 'silu', nodes: ['/model.0/act/Sigmoid', '/model.0/act/Mul'], preact: PREACT, output: 'y' }] };
    const withMeta = { ...model, metadataProps: [{ key: ACTNAS_SITES_METADATA_KEY, value: JSON.stringify(table) }] };
    const site = importOnnx(encodeOnnxModel(withMeta)).sites[0]!;
    expect([site.name, site.nameSource]).toEqual(['backbone.stem.act', 'metadata']);
  });

  it('warns about malformed metadata and falls back to node names', () => {
    const withMeta = { ...tinyConvModel(), metadataProps: [{ key: ACTNAS_SITES_METADATA_KEY, value: '{nope' }] };
    const imported = importOnnx(encodeOnnxModel(withMeta));
    expect([imported.sites[0]!.name, imported.warnings.map((w) => w.code)]).toEqual(['model.0.act', ['METADATA_INVALID']]);
  });
});

describe('rejections', () => {
  const codeOf = (fn: () => unknown): OnnxFormatErrorCode | undefined => {
    try {
      fn();
    } catch (err) {
      if (err instanceof OnnxFormatError) return err.code;
      throw err;
    }
    return undefined;
  };
  const fixture = fixtureBytes();

  it('random bytes and text are not protobuf', () => {
    expect(codeOf(() => importOnnx(pseudoRandomBytes(4096, 7)))).toBe('NOT_PROTOBUF');
    expect(codeOf(() => importOnnx(new TextEncoder().encode('{"not": "onnx"}')))).toBe('NOT_PROTOBUF');
    expect(codeOf(() => importOnnx(new Uint8Array(0)))).toBe('NOT_PROTOBUF');
  });

  it('a truncated file', () => {
    expect(codeOf(() => importOnnx(fixture.subarray(0, fixture.length >> 1)))).toBe('TRUNCATED');
    expect(codeOf(() => importOnnx(fixture.subarray(0, fixture.length - 3)))).toBe('TRUNCATED');
  });

  it('any cut of the fixture inside a field is TRUNCATED; random bytes never throw anything else', () => {
    const opsetRecord = 4; // the file ends with opset_import: 42 02 10 11
    fc.assert(
      fc.property(fc.integer({ min: 64, max: fixture.length - 1 }), (cut) => {
        const expected = cut === fixture.length - opsetRecord ? 'UNSUPPORTED_OPSET' : 'TRUNCATED';
        expect(codeOf(() => importOnnx(fixture.subarray(0, cut)))).toBe(expected);
      }),
      { numRuns: 200, seed: 4 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 512 }), (bytes) => {
        expect(['NOT_PROTOBUF', 'TRUNCATED', 'NO_GRAPH', 'UNSUPPORTED_IR_VERSION', 'UNSUPPORTED_OPSET']).toContain(codeOf(() => importOnnx(bytes)));
      }),
      { numRuns: 500, seed: 4 },
    );
  });

  it('external-data tensors', () => {
    const external = { ...float32Tensor('w2', [1], Float32Array.of(0)), rawData: null, dataLocation: 1, externalData: [{ key: 'location', value: 'weights.bin' }] };
    const err = (() => {
      try {
        importOnnx(tinyConvBytes({ extraInitializers: [external] }));
      } catch (e) {
        return e as OnnxFormatError;
      }
      return undefined;
    })();
    expect(err?.code).toBe('EXTERNAL_DATA');
    expect(err?.message).toContain('w2');
  });

  it('unsupported opsets and IR versions, and no graph', () => {
    expect(codeOf(() => importOnnx(tinyConvBytes({ opset: 5 })))).toBe('UNSUPPORTED_OPSET');
    expect(codeOf(() => importOnnx(tinyConvBytes({ opset: 30 })))).toBe('UNSUPPORTED_OPSET');
    expect(codeOf(() => importOnnx(tinyConvBytes({ irVersion: 2 })))).toBe('UNSUPPORTED_IR_VERSION');
    expect(codeOf(() => importOnnx(tinyConvBytes({ withGraph: false })))).toBe('NO_GRAPH');
  });

  it('over the size limit, which is configurable', () => {
    expect(codeOf(() => decodeOnnxModel(fixture, { maxBytes: 1024 }))).toBe('TOO_LARGE');
    expect(codeOf(() => importOnnx(tinyConvBytes(), { maxBytes: 1 << 20 }))).toBeUndefined();
  });
});
