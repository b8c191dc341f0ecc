import { describe, expect, it } from 'vitest';
import type { OnnxNode, OnnxTensor } from '@actnas/core';
import {
  OnnxDataType,
  OnnxImportError,
  decodeOnnxModel,
  encodeOnnxModel,
  float32Tensor,
  importOnnx,
  int64Tensor,
  intAttribute,
  intsAttribute,
  tensorValueInfo,
} from '@actnas/core';
import { silu } from './onnx-test-models.js';
import { fixtureOnnx, ultralyticsFixture } from './ultralytics-fixtures.js';

interface Net {
  readonly input: readonly (number | string)[];
  readonly nodes: readonly OnnxNode[];
  readonly initializers?: readonly OnnxTensor[];
  readonly opset?: number;
  /** Declared output shape of `y` (exporters name unknown dims after nodes). */
  readonly output?: readonly (number | string)[];
}

/** x → nodes → `z` → SiLU → y: the site's shape is what inference makes of `z`. */
function siteShape(net: Net): readonly (number | string)[] | undefined {
  const model = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: net.opset ?? 17 }],
    graph: {
      name: 'net',
      node: [...net.nodes, ...silu('/model.0/act', 'z', 'y')],
      initializer: [...(net.initializers ?? [])],
      input: [tensorValueInfo('x', OnnxDataType.FLOAT, net.input)],
      output: [tensorValueInfo('y', OnnxDataType.FLOAT, net.output ?? ['batch'])],
    },
  };
  return importOnnx(encodeOnnxModel(model)).sites[0]!.shape;
}

const i64 = (name: string, values: readonly number[]): OnnxTensor => int64Tensor(name, [values.length], values);
const node = (opType: string, input: readonly string[], output: readonly string[], attribute: OnnxNode['attribute'] = []): OnnxNode => ({ opType, input, output, attribute, name: `/n/${output[0]}` });

describe('shape inference through shape subgraphs', () => {
  it('torch.chunk: Shape → Gather → Div → Slice, with a dynamic batch', () => {
    const nodes = [
      node('Shape', ['x'], ['s']),
      node('Gather', ['s', 'one'], ['c'], [intAttribute('axis', 0)]),
      node('Div', ['c', 'two'], ['half']),
      node('Unsqueeze', ['half', 'zero'], ['end']),
      node('Slice', ['x', 'start', 'end', 'axis1'], ['z']),
    ];
    const initializers = [int64Tensor('one', [], [1]), int64Tensor('two', [], [2]), i64('zero', [0]), i64('start', [0]), i64('axis1', [1])];
    expect(siteShape({ input: ['batch', 64, 80, 80], nodes, initializers })).toEqual(['batch', 32, 80, 80]);
  });

  it('attention reshape: view(B, heads, dims, H·W) from Shape values, then MatMul and Transpose', () => {
    const nodes = [
      node('Shape', ['x'], ['s']),
      node('Gather', ['s', 'zero'], ['b'], [intAttribute('axis', 0)]),
      node('Unsqueeze', ['b', 'axes0'], ['b1']),
      node('Concat', ['b1', 'rest'], ['target'], [intAttribute('axis', 0)]),
      node('Reshape', ['x', 'target'], ['q']),
      node('Transpose', ['q'], ['qt'], [intsAttribute('perm', [0, 1, 3, 2])]),
      node('MatMul', ['qt', 'q'], ['attn']),
      node('Softmax', ['attn'], ['p'], [intAttribute('axis', -1)]),
      node('MatMul', ['q', 'p'], ['v']),
      node('Reshape', ['v', 'back'], ['z']),
    ];
    const initializers = [int64Tensor('zero', [], [0]), i64('axes0', [0]), i64('rest', [2, 32, -1]), i64('back', [0, -1, 20, 20])];
    expect(siteShape({ input: ['batch', 64, 20, 20], nodes, initializers })).toEqual(['batch', 64, 20, 20]);
  });

  it('Split at opset 18 by num_outputs (uneven: ceil, then the rest), and at opset 11 by attribute', () => {
    const at18 = [node('Split', ['x'], ['z', 'rest'], [intAttribute('axis', 1), intAttribute('num_outputs', 2)])];
    expect(siteShape({ input: [1, 5, 4, 4], nodes: at18, opset: 18 })).toEqual([1, 3, 4, 4]);
    const at11 = [node('Split', ['x'], ['rest', 'z'], [intAttribute('axis', 1), intsAttribute('split', [1, 4])])];
    expect(siteShape({ input: [1, 5, 4, 4], nodes: at11, opset: 11 })).toEqual([1, 4, 4, 4]);
  });

  it("torch's pad flip: Reshape(-1, 2) → Slice(step −1) → Transpose → Reshape(-1) → Pad", () => {
    const nodes = [
      node('ConstantOfShape', ['four'], ['zeros'], []),
      node('Concat', ['lr', 'zeros'], ['pads8'], [intAttribute('axis', 0)]),
      node('Reshape', ['pads8', 'pairs'], ['p2']),
      node('Slice', ['p2', 'minus1', 'lowest', 'zero', 'minus1'], ['flipped']),
      node('Transpose', ['flipped'], ['t'], [intsAttribute('perm', [1, 0])]),
      node('Reshape', ['t', 'minus1'], ['flat']),
      node('Cast', ['flat'], ['pads'], [intAttribute('to', OnnxDataType.INT64)]),
      node('Pad', ['x', 'pads'], ['z']),
    ];
    const initializers = [i64('four', [4]), i64('lr', [0, 1, 0, 1]), i64('pairs', [-1, 2]), i64('minus1', [-1]), i64('lowest', [-(2 ** 62)]), i64('zero', [0])];
    // F.pad(x, (0, 1, 0, 1)): one column right, one row below.
    expect(siteShape({ input: [1, 8, 13, 13], nodes, initializers, opset: 12 })).toEqual([1, 8, 14, 14]);
  });

  it('ConvTranspose (YOLOv6) and Resize to sizes computed from another tensor', () => {
    const up = [node('ConvTranspose', ['x', 'w'], ['z'], [intsAttribute('kernel_shape', [2, 2]), intsAttribute('strides', [2, 2])])];
    expect(siteShape({ input: [1, 8, 20, 20], nodes: up, initializers: [float32Tensor('w', [8, 4, 2, 2], new Float32Array(128))] })).toEqual([1, 4, 40, 40]);
    const resize = [
      node('Shape', ['x'], ['s']),
      node('Slice', ['s', 'from2', 'to4'], ['hw']),
      node('Mul', ['hw', 'two'], ['hw2']),
      node('Concat', ['nc', 'hw2'], ['sizes'], [intAttribute('axis', 0)]),
      node('Resize', ['x', '', '', 'sizes'], ['z']),
    ];
    const initializers = [i64('from2', [2]), i64('to4', [4]), i64('two', [2]), i64('nc', [1, 8])];
    expect(siteShape({ input: [1, 8, 20, 30], nodes: resize, initializers })).toEqual([1, 8, 40, 60]);
  });

  it('ReduceMax with axes as an input (opset 18), TopK, Gather, GatherElements', () => {
    const nodes = [
      node('ReduceMax', ['x', 'axis1'], ['m'], [intAttribute('keepdims', 0)]),
      node('TopK', ['m', 'k'], ['top', 'idx'], [intAttribute('axis', -1)]),
      node('Unsqueeze', ['idx', 'axis1'], ['idx3']),
      node('GatherElements', ['x', 'idx3'], ['z'], [intAttribute('axis', 2)]),
    ];
    expect(siteShape({ input: [1, 4, 8400], nodes, initializers: [i64('axis1', [1]), i64('k', [300])], opset: 18 })).toEqual([1, 1, 300]);
  });

  it('a dim the file declares only by a generated name does not hide an inferred number', () => {
    const nodes = [node('Reshape', ['x', 'target'], ['z'])];
    const shape = siteShape({ input: ['batch', 144, 80, 80], nodes, initializers: [i64('target', [0, 144, -1])], output: ['batch', 'Reshape_dim_1', 'Reshape_dim_2'] });
    expect(shape).toEqual(['batch', 144, 6400]);
  });

  it('an op it cannot follow leaves the site unshaped, and the import says so', () => {
    const model = {
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        node: [node('NonMaxSuppression', ['x', 'x'], ['z']), ...silu('/model.0/act', 'z', 'y')],
        input: [tensorValueInfo('x', OnnxDataType.FLOAT, [1, 3, 8, 8])],
        output: [{ name: 'y', type: { tensorType: { elemType: OnnxDataType.FLOAT } } }],
      },
    };
    const imported = importOnnx(encodeOnnxModel(model));
    expect(imported.sites[0]!.shape).toBeUndefined();
    expect(imported.warnings.map((w) => [w.code, w.message])).toEqual([['SITES_UNSHAPED', expect.stringContaining('model.0.act')]]);
  });
});

describe('bad input: one typed error naming the problem', () => {
  const errorOf = (fn: () => unknown): OnnxImportError => {
    try {
      fn();
    } catch (err) {
      if (err instanceof OnnxImportError) return err;
      throw err;
    }
    throw new Error('no error');
  };

  it('no recognisable activation site', () => {
    const model = {
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        node: [node('Conv', ['x', 'w'], ['y']), node('Sigmoid', ['y'], ['p'])],
        initializer: [float32Tensor('w', [2, 3, 1, 1], new Float32Array(6))],
        input: [tensorValueInfo('x', OnnxDataType.FLOAT, [1, 3, 8, 8])],
        output: [tensorValueInfo('p', OnnxDataType.FLOAT, [1, 2, 8, 8])],
      },
    };
    const err = errorOf(() => importOnnx(encodeOnnxModel(model)));
    expect(err.code).toBe('NO_ACTIVATION_SITES');
    expect(err.message).toMatch(/^no activation site among the model's 2 nodes: .*SiLU \(Sigmoid \+ Mul\).*rejected look-alikes: Sigmoid is not multiplied by its input/);
    expect(err.warnings.map((w) => w.code)).toEqual(['SIGMOID_NOT_SILU']);
  });

  const dynamic = fixtureOnnx(ultralyticsFixture('yolo11n-ultralytics-opset17-dynamic'));

  it('dynamic height and width with no size to bind them to', () => {
    const model = decodeOnnxModel(dynamic);
    const stripped = encodeOnnxModel({ ...model, metadataProps: (model.metadataProps ?? []).filter((e) => e.key !== 'imgsz') });
    const err = errorOf(() => importOnnx(stripped));
    expect(err.code).toBe('DYNAMIC_INPUT_SIZE');
    expect(err.message).toBe('input "images" has dynamic spatial dims [batch, 3, height, width]: feature-map shapes depend on the input size, so give it (imgsz, e.g. --imgsz 640) or export with fixed height and width');
    expect(importOnnx(stripped, { imgsz: 320 }).sites[0]!.shape).toEqual(['batch', 16, 160, 160]);
  });

  it('an input size the file is not exported at', () => {
    const fixed = fixtureOnnx(ultralyticsFixture('yolo26n-ultralytics-opset17'));
    const err = errorOf(() => importOnnx(fixed, { imgsz: 320 }));
    expect([err.code, err.message]).toEqual(['INPUT_SIZE_MISMATCH', 'input "images" is fixed at 640×640, not the requested 320×320: export the model at that size or with dynamic height and width']);
    expect(importOnnx(fixed, { imgsz: [640, 640] }).inputBinding).toBeUndefined();
  });
});
