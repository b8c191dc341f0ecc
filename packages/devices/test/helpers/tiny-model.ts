import type { OnnxNode, OnnxTensor } from '@actnas/core';
import { OnnxDataType, encodeOnnxModel, float32Tensor, intsAttribute, tensorValueInfo } from '@actnas/core';
import { createRng } from '../../src/random/seeded-rng.js';

/**
 * A tiny model shaped like a torch export: `depth` × (3×3 Conv → SiLU as Sigmoid + Mul), named
 * `/model.<i>/conv/Conv`, `/model.<i>/act/Sigmoid` so site discovery finds `model.<i>.act`.
 */
export function tinyConvNet(opts: { readonly channels: number; readonly size: number; readonly depth: number; readonly seed?: number; readonly weightScale?: number }): Uint8Array {
  const rng = createRng(opts.seed ?? 0);
  const nodes: OnnxNode[] = [];
  const inits: OnnxTensor[] = [];
  let x = 'images';
  let cin = 3;
  for (let i = 0; i < opts.depth; i++) {
    const c = opts.channels;
    const w = Float32Array.from({ length: c * cin * 9 }, () => rng.normal() * (opts.weightScale ?? 1) * Math.sqrt(2 / (cin * 9)));
    const b = Float32Array.from({ length: c }, () => 0.1 * rng.normal());
    inits.push(float32Tensor(`model.${i}.conv.weight`, [c, cin, 3, 3], w), float32Tensor(`model.${i}.conv.bias`, [c], b));
    const pre = `/model.${i}/conv/Conv_output_0`;
    const sig = `/model.${i}/act/Sigmoid_output_0`;
    const out = `/model.${i}/act/Mul_output_0`;
    nodes.push(
      { name: `/model.${i}/conv/Conv`, opType: 'Conv', input: [x, `model.${i}.conv.weight`, `model.${i}.conv.bias`], output: [pre], attribute: [intsAttribute('kernel_shape', [3, 3]), intsAttribute('pads', [1, 1, 1, 1])] },
      { name: `/model.${i}/act/Sigmoid`, opType: 'Sigmoid', input: [pre], output: [sig] },
      { name: `/model.${i}/act/Mul`, opType: 'Mul', input: [pre, sig], output: [out] },
    );
    x = out;
    cin = c;
  }
  return encodeOnnxModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'pytorch',
    graph: {
      name: 'tiny',
      node: nodes,
      initializer: inits,
      input: [tensorValueInfo('images', OnnxDataType.FLOAT, ['batch', 3, opts.size, opts.size])],
      output: [tensorValueInfo(x, OnnxDataType.FLOAT, ['batch', opts.channels, opts.size, opts.size])],
    },
  });
}
