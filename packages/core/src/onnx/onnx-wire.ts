/**
 * A minimal protobuf wire-format scanner: top-level records of one message as byte ranges.
 * Used to classify broken files and to splice an encoded model without re-encoding it.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** One field occurrence: `start` is its tag, `dataStart..end` its payload (length-delimited: the bytes). */
export interface WireRecord {
  readonly field: number;
  readonly wireType: number;
  readonly start: number;
  readonly dataStart: number;
  readonly end: number;
}

export type WireProblem = 'bad-wire-type' | 'bad-field' | 'past-end' | 'bad-varint';

export class WireScanError extends Error {
  constructor(
    readonly problem: WireProblem,
    readonly offset: number,
  ) {
    super(`protobuf ${problem} at byte ${offset}`);
    this.name = 'WireScanError';
  }
}

interface Varint {
  readonly value: number;
  readonly next: number;
}

/** Reads a varint as a JS number (exact below 2^53, enough for tags and lengths). */
export function readVarint(bytes: Uint8Array, offset: number, end: number = bytes.length): Varint {
  let value = 0;
  let scale = 1;
  for (let pos = offset; pos < end && pos < offset + 10; pos++) {
    const byte = bytes[pos]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return { value, next: pos + 1 };
    scale *= 128;
  }
  throw new WireScanError(offset + 10 <= end ? 'bad-varint' : 'past-end', offset);
}

function skipPayload(bytes: Uint8Array, wireType: number, pos: number, end: number, at: number): { dataStart: number; end: number } {
  switch (wireType) {
    case WIRE_VARINT:
      return { dataStart: pos, end: readVarint(bytes, pos, end).next };
    case WIRE_FIXED64:
      return { dataStart: pos, end: pos + 8 };
    case WIRE_FIXED32:
      return { dataStart: pos, end: pos + 4 };
    case WIRE_LEN: {
      const len = readVarint(bytes, pos, end);
      return { dataStart: len.next, end: len.next + len.value };
    }
    default:
      throw new WireScanError('bad-wire-type', at);
  }
}

/** Like `skipPayload`, but a record cut short is reported at its tag. */
function payloadAt(bytes: Uint8Array, wireType: number, pos: number, end: number, at: number): { dataStart: number; end: number } {
  try {
    return skipPayload(bytes, wireType, pos, end, at);
  } catch (err) {
    if (err instanceof WireScanError && err.problem === 'past-end') throw new WireScanError('past-end', at);
    throw err;
  }
}

/** Scans the records of one message body `bytes[begin, end)`. Throws `WireScanError`. */
export function scanRecords(bytes: Uint8Array, begin = 0, end = bytes.length): WireRecord[] {
  const records: WireRecord[] = [];
  let pos = begin;
  while (pos < end) {
    const tag = readVarint(bytes, pos, end);
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (field === 0) throw new WireScanError('bad-field', pos);
    const payload = payloadAt(bytes, wireType, tag.next, end, pos);
    if (payload.end > end) throw new WireScanError('past-end', pos);
    records.push({ field, wireType, start: pos, dataStart: payload.dataStart, end: payload.end });
    pos = payload.end;
  }
  return records;
}

/** Bytes of a varint. */
export function encodeVarint(value: number): Uint8Array {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

/** Tag + length prefix of a length-delimited field holding `length` bytes. */
export function lengthDelimitedHeader(field: number, length: number): Uint8Array {
  const tag = encodeVarint(field * 8 + WIRE_LEN);
  const len = encodeVarint(length);
  const out = new Uint8Array(tag.length + len.length);
  out.set(tag, 0);
  out.set(len, tag.length);
  return out;
}

/** Concatenates byte chunks into one buffer: a view of `into` when it is large enough, else a new one. */
export function concatBytes(chunks: readonly Uint8Array[], into?: Uint8Array): Uint8Array {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  const out = into && into.length >= total ? into.subarray(0, total) : new Uint8Array(total);
  let pos = 0;
  for (const chunk of chunks) {
    out.set(chunk, pos);
    pos += chunk.length;
  }
  return out;
}
