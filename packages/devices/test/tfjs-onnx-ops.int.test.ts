import type { OnnxAttribute, OnnxNode, OnnxTensor } from '@actnas/core';
import { OnnxDataType, encodeOnnxModel, float32Tensor, int64Tensor, intAttribute, intsAttribute, stringAttribute, tensorValueInfo } from '@actnas/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../src/random/seeded-rng.js';
import { createOrtRuntime } from '../src/runtimes/ort.runtime.js';
import type { Feeds, Runtime } from '../src/runtimes/runtime.js';
import { createTfjsRuntime } from '../src/runtimes/tfjs.runtime.js';

interface OpCase {
  readonly op: string;
  /** Graph inputs (fed with seeded normal values). */
  readonly inputs: readonly { readonly name: string; readonly dims: readonly number[] }[];
  /** Node inputs, in order: graph inputs, initializers or '' for an omitted optional one. */
  readonly nodeInputs: readonly string[];
  readonly initializers?: readonly OnnxTensor[];
  readonly attributes?: readonly OnnxAttribute[];
  readonly outputs?: number;
  /**
   * Nodes after the op (e.g. a Cast of an integer output to float, as the runtimes' feeds and
   * fetches are float32); with them, `fetch` names the graph outputs.
   */
  readonly then?: readonly OnnxNode[];
  readonly fetch?: readonly string[];
}

/** A one-node ONNX model (opset 17) holding `c.op` (its outputs are y0, y1, …), plus `c.then`. */
function singleOpModel(c: OpCase): Uint8Array {
  const ys = Array.from({ length: c.outputs ?? 1 }, (_, k) => `y${k}`);
  const outs = c.fetch ?? ys;
  return encodeOnnxModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'actnas-test',
    graph: {
      name: c.op,
      node: [{ name: c.op, opType: c.op, input: [...c.nodeInputs], output: ys, attribute: [...(c.attributes ?? [])] }, ...(c.then ?? [])],
      initializer: [...(c.initializers ?? [])],
      input: c.inputs.map((i) => tensorValueInfo(i.name, OnnxDataType.FLOAT, i.dims)),
      output: outs.map((name) => ({ name, type: { tensorType: { elemType: OnnxDataType.FLOAT } } })),
    },
  });
}

const normals = (n: number, seed: number): Float32Array => {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
};
const count = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
const toFloat = (from: string, to: string): OnnxNode => ({ name: `cast_${to}`, opType: 'Cast', input: [from], output: [to], attribute: [intAttribute('to', OnnxDataType.FLOAT)] });
const ints = (name: string, dims: readonly number[], values: readonly number[]): OnnxTensor => int64Tensor(name, dims, values);
const weights = (name: string, dims: readonly number[], seed: number): OnnxTensor => float32Tensor(name, dims, normals(count(dims), seed));

let ort: Runtime;
let tfjs: Runtime;
beforeAll(async () => {
  [ort, tfjs] = await Promise.all([createOrtRuntime({ runtime: 'ort', threads: 1 }), createTfjsRuntime({ runtime: 'tfjs', threads: 1 })]);
});

/** Runs `c` in both runtimes on seeded input; every output must match onnxruntime's to 1e-4. */
async function expectMatchesOrt(c: OpCase, seed = 7): Promise<void> {
  const onnx = singleOpModel(c);
  const feeds: Feeds = Object.fromEntries(c.inputs.map((i, k) => [i.name, { dims: i.dims, data: normals(count(i.dims), seed + k) }]));
  const [a, b] = await Promise.all([ort.load(onnx), tfjs.load(onnx)]);
  try {
    const [ya, yb] = [await a.run(feeds), await b.run(feeds)];
    for (const name of a.outputNames) {
      expect(yb[name]!.dims, name).toEqual(ya[name]!.dims);
      let worst = 0;
      ya[name]!.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - yb[name]!.data[i]!))));
      expect(worst, `${c.op} ${name}: max |ort − tfjs|`).toBeLessThan(1e-4);
    }
  } finally {
    await Promise.all([a.dispose(), b.dispose()]);
  }
}

describe('tfjs ONNX interpreter ops vs onnxruntime (1e-4)', () => {
  it('MatMul: batched attention shapes (4-D × 4-D)', async () => {
    await expectMatchesOrt({ op: 'MatMul', inputs: [{ name: 'a', dims: [2, 2, 16, 8] }, { name: 'b', dims: [2, 2, 8, 16] }], nodeInputs: ['a', 'b'] });
  });

  it('MatMul: broadcasting batch dims and ranks (3-D × 2-D initializer, [1,3,…] × [2,1,…])', async () => {
    await expectMatchesOrt({ op: 'MatMul', inputs: [{ name: 'a', dims: [3, 5, 8] }], nodeInputs: ['a', 'w'], initializers: [weights('w', [8, 4], 1)] });
    await expectMatchesOrt({ op: 'MatMul', inputs: [{ name: 'a', dims: [1, 3, 5, 8] }, { name: 'b', dims: [2, 1, 8, 6] }], nodeInputs: ['a', 'b'] });
    await expectMatchesOrt({ op: 'MatMul', inputs: [{ name: 'a', dims: [3, 5, 8] }, { name: 'b', dims: [2, 3, 8, 6] }], nodeInputs: ['a', 'b'] });
  });

  it('MatMul: 1-D operands', async () => {
    await expectMatchesOrt({ op: 'MatMul', inputs: [{ name: 'a', dims: [8] }, { name: 'b', dims: [2, 8, 3] }], nodeInputs: ['a', 'b'] });
    await expectMatchesOrt({ op: 'MatMul', inputs: [{ name: 'a', dims: [2, 4, 8] }, { name: 'b', dims: [8] }], nodeInputs: ['a', 'b'] });
    await expectMatchesOrt({ op: 'MatMul', inputs: [{ name: 'a', dims: [8] }, { name: 'b', dims: [8] }], nodeInputs: ['a', 'b'] });
  });

  it('ConvTranspose: k=2, s=2 with bias (Ultralytics nn.ConvTranspose2d)', async () => {
    await expectMatchesOrt({
      op: 'ConvTranspose', inputs: [{ name: 'x', dims: [2, 6, 5, 7] }], nodeInputs: ['x', 'w', 'b'],
      initializers: [weights('w', [6, 4, 2, 2], 2), weights('b', [4], 3)],
      attributes: [intsAttribute('dilations', [1, 1]), intAttribute('group', 1), intsAttribute('kernel_shape', [2, 2]), intsAttribute('pads', [0, 0, 0, 0]), intsAttribute('strides', [2, 2])],
    });
  });

  it('ConvTranspose: k=3, s=2, asymmetric pads, output_padding, no bias', async () => {
    await expectMatchesOrt({
      op: 'ConvTranspose', inputs: [{ name: 'x', dims: [1, 3, 6, 5] }], nodeInputs: ['x', 'w'],
      initializers: [weights('w', [3, 5, 3, 3], 4)],
      attributes: [intsAttribute('kernel_shape', [3, 3]), intsAttribute('pads', [1, 0, 1, 2]), intsAttribute('strides', [2, 2]), intsAttribute('output_padding', [1, 1])],
    });
    await expectMatchesOrt({
      op: 'ConvTranspose', inputs: [{ name: 'x', dims: [1, 4, 4, 4] }], nodeInputs: ['x', 'w', 'b'],
      initializers: [weights('w', [4, 2, 3, 3], 5), weights('b', [2], 6)],
      attributes: [intsAttribute('kernel_shape', [3, 3]), intsAttribute('pads', [1, 1, 1, 1])],
    });
  });

  it('AveragePool: YOLOv9 AConv/ADown (k=2, s=1, no pads) and k=3 s=2 pads=1 with count_include_pad 1 and 0', async () => {
    const x = [{ name: 'x', dims: [2, 4, 9, 8] }];
    await expectMatchesOrt({ op: 'AveragePool', inputs: x, nodeInputs: ['x'], attributes: [intAttribute('ceil_mode', 0), intAttribute('count_include_pad', 1), intsAttribute('kernel_shape', [2, 2]), intsAttribute('pads', [0, 0, 0, 0]), intsAttribute('strides', [1, 1])] });
    for (const include of [1, 0]) {
      await expectMatchesOrt({ op: 'AveragePool', inputs: x, nodeInputs: ['x'], attributes: [intAttribute('count_include_pad', include), intsAttribute('kernel_shape', [3, 3]), intsAttribute('pads', [1, 1, 1, 1]), intsAttribute('strides', [2, 2])] });
    }
    await expectMatchesOrt({ op: 'AveragePool', inputs: x, nodeInputs: ['x'], attributes: [intsAttribute('kernel_shape', [3, 2]), intsAttribute('pads', [0, 1, 2, 0]), intsAttribute('strides', [2, 1])] });
  });

  it('Cast: float → int64 (truncating) → float', async () => {
    await expectMatchesOrt({
      op: 'Mul', inputs: [{ name: 'x', dims: [2, 3, 5] }], nodeInputs: ['x', 'ten'], initializers: [float32Tensor('ten', [], Float32Array.of(10))],
      then: [{ name: 'to_int', opType: 'Cast', input: ['y0'], output: ['i'], attribute: [intAttribute('to', OnnxDataType.INT64)] }, toFloat('i', 'f')], fetch: ['f'],
    });
  });

  it('Expand: bidirectional broadcast of a float tensor and of int64 indices', async () => {
    await expectMatchesOrt({ op: 'Expand', inputs: [{ name: 'x', dims: [2, 1, 5] }], nodeInputs: ['x', 'shape'], initializers: [ints('shape', [4], [3, 1, 4, 1])] });
    await expectMatchesOrt({
      op: 'Expand', inputs: [{ name: 'x', dims: [1] }], nodeInputs: ['idx', 'shape'], initializers: [ints('idx', [1, 3, 1], [2, 0, 1]), ints('shape', [3], [1, 1, 4])],
      then: [toFloat('y0', 'f'), { name: 'add', opType: 'Add', input: ['f', 'x'], output: ['z'] }], fetch: ['z'],
    });
  });

  it('Flatten: axis 2, 0 and -1', async () => {
    for (const axis of [2, 0, -1]) {
      await expectMatchesOrt({ op: 'Flatten', inputs: [{ name: 'x', dims: [2, 3, 4, 5] }], nodeInputs: ['x'], attributes: [intAttribute('axis', axis)] });
    }
  });

  it('GatherElements: int64 indices (some negative) along axis 1 and 2', async () => {
    const rng = createRng(11);
    await expectMatchesOrt({
      op: 'GatherElements', inputs: [{ name: 'x', dims: [2, 6, 4] }], nodeInputs: ['x', 'idx'], attributes: [intAttribute('axis', 1)],
      initializers: [ints('idx', [2, 3, 4], Array.from({ length: 24 }, () => rng.int(-6, 5)))],
    });
    await expectMatchesOrt({
      op: 'GatherElements', inputs: [{ name: 'x', dims: [2, 6, 4] }], nodeInputs: ['x', 'idx'], attributes: [intAttribute('axis', 2)],
      initializers: [ints('idx', [2, 6, 7], Array.from({ length: 84 }, () => rng.int(0, 3)))],
    });
  });

  it('Mod: int64 (sign of the divisor) and float fmod=1 (sign of the dividend)', async () => {
    await expectMatchesOrt({
      op: 'Mod', inputs: [{ name: 'x', dims: [1] }], nodeInputs: ['a', 'b'], initializers: [ints('a', [6], [7, -7, 7, -7, 0, 12]), ints('b', [6], [3, 3, -3, -3, 5, 4])],
      then: [toFloat('y0', 'f'), { name: 'add', opType: 'Add', input: ['f', 'x'], output: ['z'] }], fetch: ['z'],
    });
    await expectMatchesOrt({
      op: 'Mod', inputs: [{ name: 'x', dims: [2, 8] }], nodeInputs: ['x', 'b'], attributes: [intAttribute('fmod', 1)], initializers: [float32Tensor('b', [], Float32Array.of(0.7))],
    });
  });

  it('ReduceMax: axes attribute (opset 17) with and without keepdims, and all axes', async () => {
    const x = [{ name: 'x', dims: [2, 3, 4, 5] }];
    await expectMatchesOrt({ op: 'ReduceMax', inputs: x, nodeInputs: ['x'], attributes: [intsAttribute('axes', [-1]), intAttribute('keepdims', 0)] });
    await expectMatchesOrt({ op: 'ReduceMax', inputs: x, nodeInputs: ['x'], attributes: [intsAttribute('axes', [1, 2])] });
    await expectMatchesOrt({ op: 'ReduceMax', inputs: x, nodeInputs: ['x'], attributes: [intAttribute('keepdims', 0)] });
  });

  it('TopK: values and indices, largest on the last axis and smallest on axis 1', async () => {
    const cast = { outputs: 2, then: [toFloat('y1', 'i')], fetch: ['y0', 'i'] };
    await expectMatchesOrt({ op: 'TopK', inputs: [{ name: 'x', dims: [2, 3, 10] }], nodeInputs: ['x', 'k'], initializers: [ints('k', [1], [4])], attributes: [intAttribute('axis', -1), intAttribute('largest', 1), intAttribute('sorted', 1)], ...cast });
    await expectMatchesOrt({ op: 'TopK', inputs: [{ name: 'x', dims: [2, 9, 3] }], nodeInputs: ['x', 'k'], initializers: [ints('k', [1], [3])], attributes: [intAttribute('axis', 1), intAttribute('largest', 0)], ...cast });
  });

  it('Unsqueeze: axes input (opset 13+), negative and several', async () => {
    await expectMatchesOrt({ op: 'Unsqueeze', inputs: [{ name: 'x', dims: [2, 3] }], nodeInputs: ['x', 'axes'], initializers: [ints('axes', [1], [-1])] });
    await expectMatchesOrt({ op: 'Unsqueeze', inputs: [{ name: 'x', dims: [2, 3] }], nodeInputs: ['x', 'axes'], initializers: [ints('axes', [2], [0, 3])] });
  });

  it('Sum: three operands with broadcasting', async () => {
    await expectMatchesOrt({ op: 'Sum', inputs: [{ name: 'a', dims: [2, 3, 4, 5] }, { name: 'b', dims: [2, 3, 4, 5] }], nodeInputs: ['a', 'b', 'c'], initializers: [weights('c', [1, 3, 1, 1], 12)] });
  });

  it('Pad: constant (with a value input) on NCHW and after a Conv (NHWC inside), and reflect', async () => {
    const x = [{ name: 'x', dims: [2, 3, 5, 4] }];
    await expectMatchesOrt({ op: 'Pad', inputs: x, nodeInputs: ['x', 'pads', 'v'], initializers: [ints('pads', [8], [0, 0, 1, 2, 0, 1, 0, 3]), float32Tensor('v', [], Float32Array.of(0.5))], attributes: [stringAttribute('mode', 'constant')] });
    await expectMatchesOrt({
      op: 'Conv', inputs: x, nodeInputs: ['x', 'w'], initializers: [weights('w', [4, 3, 3, 3], 13), ints('pads', [8], [0, 0, 1, 0, 0, 0, 0, 1])], attributes: [intsAttribute('kernel_shape', [3, 3])],
      then: [{ name: 'pad', opType: 'Pad', input: ['y0', 'pads'], output: ['z'], attribute: [stringAttribute('mode', 'constant')] }], fetch: ['z'],
    });
    await expectMatchesOrt({ op: 'Pad', inputs: x, nodeInputs: ['x', 'pads'], initializers: [ints('pads', [8], [0, 0, 2, 1, 0, 0, 1, 2])], attributes: [stringAttribute('mode', 'reflect')] });
  });

  it('Slice: axes and steps, negative and out-of-range bounds', async () => {
    const x = [{ name: 'x', dims: [2, 3, 7, 6] }];
    await expectMatchesOrt({ op: 'Slice', inputs: x, nodeInputs: ['x', 's', 'e', 'a'], initializers: [ints('s', [1], [0]), ints('e', [1], [2]), ints('a', [1], [1])] });
    await expectMatchesOrt({ op: 'Slice', inputs: x, nodeInputs: ['x', 's', 'e', 'a', 'st'], initializers: [ints('s', [2], [1, -5]), ints('e', [2], [2 ** 31 - 1, -1]), ints('a', [2], [2, -1]), ints('st', [2], [2, 3])] });
    await expectMatchesOrt({ op: 'Slice', inputs: x, nodeInputs: ['x', 's', 'e'], initializers: [ints('s', [2], [1, -10]), ints('e', [2], [5, 2])] });
  });

  it('Resize: nearest (asymmetric, floor) by scales 2 and 1.5, and by sizes', async () => {
    const x = [{ name: 'x', dims: [1, 3, 4, 6] }];
    const attributes = [stringAttribute('coordinate_transformation_mode', 'asymmetric'), stringAttribute('mode', 'nearest'), stringAttribute('nearest_mode', 'floor')];
    for (const f of [2, 1.5]) {
      await expectMatchesOrt({ op: 'Resize', inputs: x, nodeInputs: ['x', '', 'scales'], initializers: [float32Tensor('scales', [4], Float32Array.of(1, 1, f, f))], attributes });
    }
    await expectMatchesOrt({ op: 'Resize', inputs: x, nodeInputs: ['x', '', '', 'sizes'], initializers: [ints('sizes', [4], [1, 3, 8, 12])], attributes });
  });

  it('attention ops: Softmax (last axis and axis 1), Transpose, Reshape (0 and -1), Split (sizes input and equal parts)', async () => {
    const x = [{ name: 'x', dims: [2, 3, 8, 5] }];
    for (const axis of [-1, 1]) await expectMatchesOrt({ op: 'Softmax', inputs: x, nodeInputs: ['x'], attributes: [intAttribute('axis', axis)] });
    await expectMatchesOrt({ op: 'Transpose', inputs: x, nodeInputs: ['x'], attributes: [intsAttribute('perm', [0, 1, 3, 2])] });
    await expectMatchesOrt({ op: 'Transpose', inputs: x, nodeInputs: ['x'], attributes: [intsAttribute('perm', [0, 3, 1, 2])] });
    await expectMatchesOrt({ op: 'Reshape', inputs: x, nodeInputs: ['x', 'shape'], initializers: [ints('shape', [4], [0, 6, 4, -1])] });
    await expectMatchesOrt({ op: 'Split', inputs: x, nodeInputs: ['x', 'sizes'], initializers: [ints('sizes', [3], [2, 2, 4])], attributes: [intAttribute('axis', 2)], outputs: 3 });
    await expectMatchesOrt({ op: 'Split', inputs: x, nodeInputs: ['x'], attributes: [intAttribute('axis', 1)], outputs: 3 });
  });
});
