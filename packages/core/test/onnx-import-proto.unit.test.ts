import { describe, expect, it } from 'vitest';
import type { OnnxTensor } from '@actnas/core';
import {
  OnnxDataType,
  attributeFloat,
  attributeInts,
  attributeString,
  decodeOnnxModel,
  encodeOnnxModel,
  float32Tensor,
  int64Tensor,
  intsAttribute,
  stringAttribute,
  tensorDims,
  tensorToFloat32Array,
  tensorToNumbers,
  toNumber,
  valueInfoShape,
} from '@actnas/core';
import { tinyConvModel } from './onnx-test-models.js';

/** Encodes a model holding `tensor` as an initializer and decodes it back (64-bit fields become Longs). */
function roundTrip(tensor: OnnxTensor): OnnxTensor {
  const model = tinyConvModel({ extraInitializers: [tensor] });
  return decodeOnnxModel(encodeOnnxModel(model)).graph!.initializer!.find((t) => t.name === tensor.name)!;
}

describe('onnx-proto tensors', () => {
  it('float32 initializers view their Float32Array and decode back', () => {
    const data = Float32Array.of(1.5, -2, 3.25, 0);
    const tensor = float32Tensor('w', [2, 2], data);
    expect(tensor.rawData!.buffer).toBe(data.buffer);
    const back = roundTrip(tensor);
    expect([tensorDims(back), Array.from(tensorToFloat32Array(back))]).toEqual([[2, 2], [1.5, -2, 3.25, 0]]);
  });

  it('int64 from raw_data and from the typed fields, with Number() on 64-bit values', () => {
    expect(tensorToNumbers(roundTrip(int64Tensor('i', [3], [-1, 2, 2 ** 40])))).toEqual([-1, 2, 2 ** 40]);
    const typed = roundTrip({ name: 't', dims: [2], dataType: OnnxDataType.INT64, int64Data: [7, 2 ** 33] });
    expect(tensorToNumbers(typed)).toEqual([7, 2 ** 33]);
    expect(tensorToNumbers(roundTrip({ name: 'f', dims: [2], dataType: OnnxDataType.FLOAT, floatData: [0.5, 6] }))).toEqual([0.5, 6]);
    expect(toNumber(roundTrip(int64Tensor('d', [5], [0, 0, 0, 0, 0])).dims![0])).toBe(5);
  });

  it('rejects a wrong element count', () => {
    expect(() => float32Tensor('w', [2, 3], new Float32Array(5))).toThrow(RangeError);
  });
});

describe('onnx-proto attributes and value info', () => {
  it('reads attributes with defaults', () => {
    const node = { opType: 'X', attribute: [intsAttribute('strides', [2, 2]), stringAttribute('auto_pad', 'VALID')] };
    expect(attributeInts(node, 'strides')).toEqual([2, 2]);
    expect(attributeString(node, 'auto_pad')).toBe('VALID');
    expect(attributeFloat(node, 'alpha', 0.01)).toBe(0.01);
  });

  it('shapes keep symbolic dims and unknown dims apart', () => {
    const model = decodeOnnxModel(encodeOnnxModel(tinyConvModel()));
    expect(valueInfoShape(model.graph!.input![0]!)).toEqual([1, 2, 4, 4]);
    expect(valueInfoShape({ name: 'v', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, {}] } } } })).toEqual(['batch', undefined]);
  });
});
