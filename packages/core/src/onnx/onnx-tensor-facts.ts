/** What shape inference knows about one tensor. */
import type { OnnxTensor } from './onnx-proto.js';
import { OnnxDataType, tensorDims, tensorToNumbers } from './onnx-proto.js';
import type { Dim, Shape } from './onnx-symbolic-dim.js';

/** Tensors with at most this many elements have their values tracked. */
export const MAX_TRACKED_VALUES = 4096;

export interface TensorFacts {
  readonly shape?: Shape;
  /** TensorProto.DataType of the elements. */
  readonly elem?: number;
  /** Element values of a small tensor, row-major; a symbolic dim (`batch`) where a value is one. */
  readonly value?: readonly Dim[];
}

const INTEGER_TYPES: ReadonlySet<number> = new Set([
  OnnxDataType.INT8, OnnxDataType.INT16, OnnxDataType.INT32, OnnxDataType.INT64,
  OnnxDataType.UINT8, OnnxDataType.UINT16, OnnxDataType.UINT32, OnnxDataType.UINT64, OnnxDataType.BOOL,
]);

export const isIntegerType = (elem: number | undefined): boolean => elem !== undefined && INTEGER_TYPES.has(elem);

/** Facts of a constant tensor: its dims, its type, and its values when small. */
export function tensorFacts(t: OnnxTensor): TensorFacts {
  const shape = tensorDims(t);
  const count = shape.reduce((a, b) => a * b, 1);
  const elem = t.dataType ?? undefined;
  let value: readonly number[] | undefined;
  if (count <= MAX_TRACKED_VALUES && elem !== OnnxDataType.STRING) {
    try {
      value = tensorToNumbers(t);
    } catch {
      value = undefined;
    }
  }
  return { shape, ...(elem ? { elem } : {}), ...(value && value.length === count ? { value } : {}) };
}
