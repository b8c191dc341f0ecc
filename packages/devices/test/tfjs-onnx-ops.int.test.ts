import type { OnnxAttribute, OnnxTensor } from '@actnas/core';
import { OnnxDataType, encodeOnnxModel, float32Tensor, intAttribute, intsAttribute, tensorValueInfo } from '@actnas/core';
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
}

/** A one-node ONNX model (opset 17) holding `c.op`. */
function singleOpModel(c: OpCase): Uint8Array {
  const outs = Array.from({ length: c.outputs ?? 1 }, (_, k) => `y${k}`);
  return encodeOnnxModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'actnas-test',
    graph: {
      name: c.op,
      node: [{ name: c.op, opType: c.op, input: [...c.nodeInputs], output: outs, attribute: [...(c.attributes ?? [])] }],
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
});
