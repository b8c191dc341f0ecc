import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ImgszOption, ImportedModel } from '@actnas/core';
import { DEFAULT_MAX_ONNX_BYTES, OnnxFormatError, importOnnx } from '@actnas/core';
import { CliUsageError } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';

const MIB = 1024 * 1024;


/** A model argument that names an ONNX file rather than a built-in or a YAML. */
export const isOnnxPath = (model: string): boolean => /\.onnx$/i.test(model);

export function maxBytesFlag(maxMb: string | undefined): number {
  const mb = Number(maxMb ?? DEFAULT_MAX_ONNX_BYTES / MIB);
  if (!Number.isFinite(mb) || mb <= 0) throw new CliUsageError(`--max-mb must be a positive number, got "${maxMb}"`);
  return Math.floor(mb * MIB);
}

/** `640` or `480,640` (height, width), each 1–8192. */
export function imgszFlag(value: string | undefined): ImgszOption | undefined {
  if (value === undefined) return undefined;
  const sizes = /^\s*\d+\s*(,\s*\d+\s*)?$/.test(value) ? value.split(',').map(Number) : [];
  if (sizes.length === 0 || sizes.some((n) => n < 1 || n > 8192)) {
    throw new CliUsageError(`--imgsz must be one size or height,width, each from 1 to 8192, got "${value}"`);
  }
  return sizes.length === 1 ? sizes[0]! : [sizes[0]!, sizes[1]!];
}

export interface OnnxFileOptions {
  readonly maxBytes: number;
  readonly imgsz?: ImgszOption;
}

/**
 * Reads and imports an ONNX file. Every problem with the file (missing, over the limit, not
 * ONNX, external data, no site, dynamic sizes without a size) is a one-line usage error naming
 * the file and the importer's code.
 */
export async function importOnnxFile(file: string, io: CliIo, options: OnnxFileOptions): Promise<ImportedModel> {
  const path = resolve(io.cwd ?? process.cwd(), file);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new CliUsageError(`${file}: no such file`);
  // Check the size before reading, so a huge file is refused without loading it.
  if (info.size > options.maxBytes) throw new CliUsageError(`${file}: ${info.size} bytes, over the limit of ${options.maxBytes} bytes (--max-mb) [TOO_LARGE]`);
  try {
    return importOnnx(await readFile(path), { maxBytes: options.maxBytes, ...(options.imgsz !== undefined ? { imgsz: options.imgsz } : {}) });
  } catch (err) {
    if (err instanceof OnnxFormatError) throw new CliUsageError(`${file}: ${err.message} [${err.code}]`, err.code);
    throw err;
  }
}
