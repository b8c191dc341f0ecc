/**
 * ONNX ModelProto decode/encode with typed errors, and narrow types over the onnx-proto
 * (protobufjs 6) classes. Decoded objects are the protobufjs messages themselves, seen through
 * these readonly interfaces, so encoding them back is lossless; tensor bytes are views into the
 * input buffer (zero copy), so keep the input alive and unmodified while the model is in use.
 */
import onnxProto from 'onnx-proto';
import { WireScanError, scanRecords } from './onnx-wire.js';

const { onnx } = onnxProto;

/** A protobuf 64-bit integer as protobufjs gives it: a number, or a Long. Read with `toNumber`. */
export type Int64 = number | { toNumber(): number };

export function toNumber(value: Int64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

/** TensorProto.DataType values used by this package. */
export const OnnxDataType = Object.freeze({
  UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8,
  BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, BFLOAT16: 16,
} as const);

/** AttributeProto.AttributeType values. */
export const OnnxAttributeType = Object.freeze({
  UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8,
  TENSORS: 9, GRAPHS: 10, SPARSE_TENSOR: 11, SPARSE_TENSORS: 12, TYPE_PROTO: 13, TYPE_PROTOS: 14,
} as const);

export const TENSOR_DATA_LOCATION_EXTERNAL = 1;

export interface OnnxStringEntry {
  readonly key?: string | null;
  readonly value?: string | null;
}

export interface OnnxTensor {
  readonly name?: string | null;
  readonly dims?: readonly Int64[] | null;
  readonly dataType?: number | null;
  readonly rawData?: Uint8Array | null;
  readonly floatData?: readonly number[] | null;
  readonly int32Data?: readonly number[] | null;
  readonly int64Data?: readonly Int64[] | null;
  readonly doubleData?: readonly number[] | null;
  readonly uint64Data?: readonly Int64[] | null;
  readonly externalData?: readonly OnnxStringEntry[] | null;
  readonly dataLocation?: number | null;
  readonly docString?: string | null;
}

export interface OnnxAttribute {
  readonly name?: string | null;
  readonly type?: number | null;
  readonly f?: number | null;
  readonly i?: Int64 | null;
  readonly s?: Uint8Array | null;
  readonly t?: OnnxTensor | null;
  readonly g?: OnnxGraph | null;
  readonly floats?: readonly number[] | null;
  readonly ints?: readonly Int64[] | null;
  readonly strings?: readonly Uint8Array[] | null;
  readonly tensors?: readonly OnnxTensor[] | null;
  readonly graphs?: readonly OnnxGraph[] | null;
  readonly docString?: string | null;
}

export interface OnnxNode {
  readonly name?: string | null;
  readonly opType?: string | null;
  readonly domain?: string | null;
  readonly input?: readonly string[] | null;
  readonly output?: readonly string[] | null;
  readonly attribute?: readonly OnnxAttribute[] | null;
  readonly docString?: string | null;
}

export interface OnnxDimension {
  readonly dimValue?: Int64 | null;
  readonly dimParam?: string | null;
}

export interface OnnxTypeProto {
  readonly tensorType?: {
    readonly elemType?: number | null;
    readonly shape?: { readonly dim?: readonly OnnxDimension[] | null } | null;
  } | null;
}

export interface OnnxValueInfo {
  readonly name?: string | null;
  readonly type?: OnnxTypeProto | null;
  readonly docString?: string | null;
}

export interface OnnxGraph {
  readonly name?: string | null;
  readonly node?: readonly OnnxNode[] | null;
  readonly initializer?: readonly OnnxTensor[] | null;
  readonly input?: readonly OnnxValueInfo[] | null;
  readonly output?: readonly OnnxValueInfo[] | null;
  readonly valueInfo?: readonly OnnxValueInfo[] | null;
  readonly docString?: string | null;
}

export interface OnnxOpsetId {
  readonly domain?: string | null;
  readonly version?: Int64 | null;
}

export interface OnnxModel {
  readonly irVersion?: Int64 | null;
  readonly opsetImport?: readonly OnnxOpsetId[] | null;
  readonly producerName?: string | null;
  readonly producerVersion?: string | null;
  readonly domain?: string | null;
  readonly modelVersion?: Int64 | null;
  readonly docString?: string | null;
  readonly graph?: OnnxGraph | null;
  readonly metadataProps?: readonly OnnxStringEntry[] | null;
}

/* ---------------------------------------------------------------- errors */

export type OnnxFormatErrorCode =
  | 'NOT_PROTOBUF'
  | 'TRUNCATED'
  | 'TOO_LARGE'
  | 'EXTERNAL_DATA'
  | 'UNSUPPORTED_IR_VERSION'
  | 'UNSUPPORTED_OPSET'
  | 'NO_GRAPH'
  | 'NO_ACTIVATION_SITES'
  | 'DYNAMIC_INPUT_SIZE'
  | 'INPUT_SIZE_MISMATCH';

/** A file that is not a usable ONNX model. `code` says why; the message names the problem. */
export class OnnxFormatError extends Error {
  constructor(
    readonly code: OnnxFormatErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OnnxFormatError';
  }
}

/* ---------------------------------------------------------------- decode / encode */

/** Large enough for every Ultralytics detection model (yolov3u is 415 MB, yolov8x-p6 390 MB). */
export const DEFAULT_MAX_ONNX_BYTES = 512 * 1024 * 1024;
export const MIN_IR_VERSION = 3;
export const MAX_IR_VERSION = 13;
export const MIN_OPSET = 7;
export const MAX_OPSET = 26;

export interface DecodeOnnxOptions {
  /** Largest accepted file, in bytes (default 512 MiB). */
  readonly maxBytes?: number;
  /** Skip the IR-version/opset/external-data checks (bytes are still checked for protobuf). */
  readonly validate?: boolean;
}

/** ModelProto field number → wire type, for telling a ModelProto from other bytes. */
const MODEL_FIELDS: ReadonlyMap<number, number> = new Map([
  [1, 0], [2, 2], [3, 2], [4, 2], [5, 0], [6, 2], [7, 2], [8, 2], [14, 2], [20, 2], [25, 2],
]);

/** Decodes and validates an ONNX model. Throws `OnnxFormatError`. */
export function decodeOnnxModel(bytes: Uint8Array, options: DecodeOnnxOptions = {}): OnnxModel {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_ONNX_BYTES;
  if (bytes.length > maxBytes) {
    throw new OnnxFormatError('TOO_LARGE', `ONNX file is ${formatBytes(bytes.length)}, over the limit of ${formatBytes(maxBytes)}`);
  }
  checkTopLevel(bytes);
  let model: OnnxModel;
  try {
    model = onnx.ModelProto.decode(bytes) as unknown as OnnxModel;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const code = /index out of range/.test(reason) ? 'TRUNCATED' : 'NOT_PROTOBUF';
    throw new OnnxFormatError(code, `not a valid ONNX model: ${reason}`);
  }
  if (options.validate !== false) validateOnnxModel(model);
  return model;
}

/** Encodes a model (a decoded one or plain objects in the same shape). */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  return onnx.ModelProto.encode(model as Parameters<typeof onnx.ModelProto.encode>[0]).finish();
}

/** Encodes one NodeProto body (without a field tag), for splicing into a graph. */
export function encodeOnnxNode(node: OnnxNode): Uint8Array {
  return onnx.NodeProto.encode(node as Parameters<typeof onnx.NodeProto.encode>[0]).finish();
}

/** Encodes one StringStringEntryProto body, for splicing into a model's metadata_props. */
export function encodeOnnxStringEntry(entry: OnnxStringEntry): Uint8Array {
  return onnx.StringStringEntryProto.encode(entry as Parameters<typeof onnx.StringStringEntryProto.encode>[0]).finish();
}

function checkTopLevel(bytes: Uint8Array): void {
  if (bytes.length === 0) throw new OnnxFormatError('NOT_PROTOBUF', 'not an ONNX model: the file is empty');
  let records;
  try {
    records = scanRecords(bytes);
  } catch (err) {
    if (!(err instanceof WireScanError)) throw err;
    const knownSoFar = allKnownFields(bytes, err.offset);
    if (err.problem === 'past-end' && knownSoFar) {
      throw new OnnxFormatError('TRUNCATED', `ONNX file is truncated: a field at byte ${err.offset} runs past the end (${bytes.length} bytes)`);
    }
    throw new OnnxFormatError('NOT_PROTOBUF', `not an ONNX model: invalid protobuf at byte ${err.offset}`);
  }
  // Fields a newer ONNX adds are tolerated; a known field with the wrong wire type is not.
  const wrong = records.find((r) => MODEL_FIELDS.has(r.field) && MODEL_FIELDS.get(r.field) !== r.wireType);
  if (wrong || !records.some((r) => MODEL_FIELDS.has(r.field))) {
    const at = wrong ?? records[0]!;
    throw new OnnxFormatError('NOT_PROTOBUF', `not an ONNX model: unexpected field ${at.field} (wire type ${at.wireType}) at byte ${at.start}`);
  }
}

/**
 * Whether the file looks like a cut ModelProto: whole ModelProto fields up to `offset` (at least
 * one, as exporters start with ir_version), and a ModelProto field starting there.
 */
function allKnownFields(bytes: Uint8Array, offset: number): boolean {
  try {
    const before = scanRecords(bytes, 0, offset);
    const tag = bytes[offset] ?? 0;
    return before.length > 0 && before.every((r) => MODEL_FIELDS.get(r.field) === r.wireType) && MODEL_FIELDS.get(tag >> 3) === (tag & 7);
  } catch {
    return false;
  }
}

/** Checks IR version, the ai.onnx opset, the graph and external data. Throws `OnnxFormatError`. */
export function validateOnnxModel(model: OnnxModel): void {
  const ir = toNumber(model.irVersion);
  if (ir < MIN_IR_VERSION || ir > MAX_IR_VERSION) {
    throw new OnnxFormatError('UNSUPPORTED_IR_VERSION', `unsupported ONNX IR version ${ir} (supported ${MIN_IR_VERSION}–${MAX_IR_VERSION})`);
  }
  const opset = aiOnnxOpset(model);
  if (opset === undefined) throw new OnnxFormatError('UNSUPPORTED_OPSET', 'the model imports no ai.onnx opset');
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new OnnxFormatError('UNSUPPORTED_OPSET', `unsupported ai.onnx opset ${opset} (supported ${MIN_OPSET}–${MAX_OPSET})`);
  }
  if (!model.graph) throw new OnnxFormatError('NO_GRAPH', 'the ONNX model has no graph');
  const external = findExternalTensor(model.graph);
  if (external !== undefined) {
    throw new OnnxFormatError('EXTERNAL_DATA', `tensor "${external}" stores its data in an external file, which is not supported: embed the weights in the .onnx file`);
  }
}

/** The ai.onnx (default domain) opset version the model imports. */
export function aiOnnxOpset(model: OnnxModel): number | undefined {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? toNumber(entry.version) : undefined;
}

function isExternal(tensor: OnnxTensor): boolean {
  return tensor.dataLocation === TENSOR_DATA_LOCATION_EXTERNAL || (tensor.externalData?.length ?? 0) > 0;
}

/** Name of the first tensor (initializer or attribute, nested graphs included) with external data. */
function findExternalTensor(graph: OnnxGraph): string | undefined {
  for (const t of graph.initializer ?? []) if (isExternal(t)) return t.name ?? '';
  for (const node of graph.node ?? []) {
    for (const a of node.attribute ?? []) {
      const tensors = [...(a.t ? [a.t] : []), ...(a.tensors ?? [])];
      const hit = tensors.find(isExternal);
      if (hit) return hit.name || `${node.name ?? node.opType}.${a.name}`;
      for (const g of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) {
        const nested = findExternalTensor(g);
        if (nested !== undefined) return nested;
      }
    }
  }
  return undefined;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${n} bytes`;
}

/* ---------------------------------------------------------------- attributes */

export function getAttribute(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

export function attributeFloat(node: OnnxNode, name: string, fallback: number): number {
  const a = getAttribute(node, name);
  return a && a.f !== null && a.f !== undefined ? a.f : fallback;
}

export function attributeInt(node: OnnxNode, name: string, fallback: number): number {
  const a = getAttribute(node, name);
  return a && a.i !== null && a.i !== undefined ? toNumber(a.i) : fallback;
}

export function attributeInts(node: OnnxNode, name: string): readonly number[] | undefined {
  const a = getAttribute(node, name);
  return a?.ints && a.ints.length > 0 ? a.ints.map(toNumber) : undefined;
}

export function attributeString(node: OnnxNode, name: string): string | undefined {
  const s = getAttribute(node, name)?.s;
  return s ? new TextDecoder().decode(s) : undefined;
}

export const floatAttribute = (name: string, f: number): OnnxAttribute => ({ name, type: OnnxAttributeType.FLOAT, f });
export const intAttribute = (name: string, i: number): OnnxAttribute => ({ name, type: OnnxAttributeType.INT, i });
export const intsAttribute = (name: string, ints: readonly number[]): OnnxAttribute => ({ name, type: OnnxAttributeType.INTS, ints });
export const floatsAttribute = (name: string, floats: readonly number[]): OnnxAttribute => ({ name, type: OnnxAttributeType.FLOATS, floats });
export const stringAttribute = (name: string, s: string): OnnxAttribute => ({ name, type: OnnxAttributeType.STRING, s: new TextEncoder().encode(s) });
export const tensorAttribute = (name: string, t: OnnxTensor): OnnxAttribute => ({ name, type: OnnxAttributeType.TENSOR, t });

/* ---------------------------------------------------------------- tensors */

export function tensorDims(tensor: OnnxTensor): readonly number[] {
  return (tensor.dims ?? []).map(toNumber);
}

export function tensorElementCount(tensor: OnnxTensor): number {
  return tensorDims(tensor).reduce((a, b) => a * b, 1);
}

/**
 * A tensor's values as numbers (float, double, int8–int64, uint8–uint64, bool), from raw_data or
 * the typed fields. Throws for other types and external data.
 */
export function tensorToNumbers(tensor: OnnxTensor): readonly number[] {
  if (isExternal(tensor)) throw new OnnxFormatError('EXTERNAL_DATA', `tensor "${tensor.name ?? ''}" has external data`);
  const raw = tensor.rawData;
  if (raw && raw.length > 0) return rawToNumbers(raw, tensor.dataType ?? 0, tensor.name ?? '');
  switch (tensor.dataType) {
    case OnnxDataType.FLOAT:
      return tensor.floatData ?? [];
    case OnnxDataType.DOUBLE:
      return tensor.doubleData ?? [];
    case OnnxDataType.INT64:
      return (tensor.int64Data ?? []).map(toNumber);
    case OnnxDataType.UINT32:
    case OnnxDataType.UINT64:
      return (tensor.uint64Data ?? []).map(toNumber);
    default:
      return tensor.int32Data ?? [];
  }
}

function rawToNumbers(raw: Uint8Array, dataType: number, name: string): readonly number[] {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const read = (size: number, get: (offset: number) => number): number[] =>
    Array.from({ length: Math.floor(raw.byteLength / size) }, (_, k) => get(k * size));
  switch (dataType) {
    case OnnxDataType.FLOAT: return read(4, (o) => view.getFloat32(o, true));
    case OnnxDataType.DOUBLE: return read(8, (o) => view.getFloat64(o, true));
    case OnnxDataType.INT64: return read(8, (o) => Number(view.getBigInt64(o, true)));
    case OnnxDataType.UINT64: return read(8, (o) => Number(view.getBigUint64(o, true)));
    case OnnxDataType.INT32: return read(4, (o) => view.getInt32(o, true));
    case OnnxDataType.UINT32: return read(4, (o) => view.getUint32(o, true));
    case OnnxDataType.INT16: return read(2, (o) => view.getInt16(o, true));
    case OnnxDataType.UINT16: return read(2, (o) => view.getUint16(o, true));
    case OnnxDataType.INT8: return read(1, (o) => view.getInt8(o));
    case OnnxDataType.UINT8:
    case OnnxDataType.BOOL: return read(1, (o) => view.getUint8(o));
    default:
      throw new RangeError(`tensor "${name}": data type ${dataType} cannot be read as numbers`);
  }
}

/** A float32 tensor's values (copied). */
export function tensorToFloat32Array(tensor: OnnxTensor): Float32Array {
  const raw = tensor.rawData;
  if (tensor.dataType === OnnxDataType.FLOAT && raw && raw.length > 0) {
    const out = new Float32Array(raw.byteLength / 4);
    new Uint8Array(out.buffer).set(raw);
    return out;
  }
  return Float32Array.from(tensorToNumbers(tensor));
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * A float32 initializer. The bytes are a view of `data` (no copy on little-endian hosts), so do
 * not modify `data` afterwards.
 */
export function float32Tensor(name: string, dims: readonly number[], data: Float32Array): OnnxTensor {
  checkCount(name, dims, data.length);
  const rawData = littleEndian
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : swappedFloat32Bytes(data);
  return { name, dims, dataType: OnnxDataType.FLOAT, rawData };
}

export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): OnnxTensor {
  checkCount(name, dims, values.length);
  const rawData = new Uint8Array(values.length * 8);
  const view = new DataView(rawData.buffer);
  values.forEach((v, k) => view.setBigInt64(k * 8, BigInt(v), true));
  return { name, dims, dataType: OnnxDataType.INT64, rawData };
}

/** A float32 scalar (dims []), e.g. a Clip bound. */
export function float32Scalar(name: string, value: number): OnnxTensor {
  return float32Tensor(name, [], Float32Array.of(value));
}

function checkCount(name: string, dims: readonly number[], count: number): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== count) throw new RangeError(`tensor "${name}": dims [${dims.join(', ')}] need ${expected} values, got ${count}`);
}

function swappedFloat32Bytes(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  data.forEach((v, k) => view.setFloat32(k * 4, v, true));
  return out;
}

/* ---------------------------------------------------------------- value info */

/** A tensor value-info; a string dim is symbolic (`batch`). */
export function tensorValueInfo(name: string, elemType: number, shape: readonly (number | string)[]): OnnxValueInfo {
  const dim = shape.map((d): OnnxDimension => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/** The shape in a value-info: numbers, symbolic names, or undefined for unknown dims / no shape. */
export function valueInfoShape(info: OnnxValueInfo): readonly (number | string | undefined)[] | undefined {
  const dims = info.type?.tensorType?.shape?.dim;
  if (!dims) return undefined;
  // dim_value and dim_param are a oneof; a decoded message shows defaults for the unset one.
  return dims.map((d) => (d.dimParam ? d.dimParam : Object.hasOwn(d, 'dimValue') && d.dimValue != null ? toNumber(d.dimValue) : undefined));
}
