import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ImgszOption, ImportedModel, OnnxSite, OnnxTensorInfo } from '@actnas/core';
import { DEFAULT_MAX_ONNX_BYTES, OnnxFormatError, importOnnx } from '@actnas/core';
import { CliUsageError, EXIT_OK } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';

interface SitesOptions {
  readonly json?: boolean;
  readonly maxMb?: string;
  readonly imgsz?: string;
}

const MIB = 1024 * 1024;

/** `actnas model sites m.onnx [--json]`: the activation sites an ONNX file has, and what was not recognised. */
export function modelSitesCommand(model: Command, io: CliIo, setExitCode: (code: number) => void): void {
  model
    .command('sites')
    .description('list the activation sites of an ONNX model (any exporter) and what could not be recognised')
    .argument('<file>', 'ONNX model file')
    .option('--json', 'print JSON instead of a table')
    .option('--max-mb <n>', 'largest file accepted, in MiB', String(DEFAULT_MAX_ONNX_BYTES / MIB))
    .option('--imgsz <n|h,w>', 'input size for a model exported with dynamic height and width (default: the imgsz Ultralytics records)')
    .action(async (file: string, options: SitesOptions) => {
      const imgsz = imgszFlag(options.imgsz);
      const imported = await importFile(resolve(io.cwd ?? process.cwd(), file), file, maxBytes(options.maxMb), imgsz);
      io.stdout.write(options.json ? `${JSON.stringify(sitesJson(file, imported), null, 2)}\n` : sitesText(file, imported));
      setExitCode(EXIT_OK);
    });
}

function maxBytes(maxMb: string | undefined): number {
  const mb = Number(maxMb ?? DEFAULT_MAX_ONNX_BYTES / MIB);
  if (!Number.isFinite(mb) || mb <= 0) throw new CliUsageError(`--max-mb must be a positive number, got "${maxMb}"`);
  return Math.floor(mb * MIB);
}

/** `640` or `480,640` (height, width), each 1–8192. */
function imgszFlag(value: string | undefined): ImgszOption | undefined {
  if (value === undefined) return undefined;
  const sizes = /^\s*\d+\s*(,\s*\d+\s*)?$/.test(value) ? value.split(',').map(Number) : [];
  if (sizes.length === 0 || sizes.some((n) => n < 1 || n > 8192)) {
    throw new CliUsageError(`--imgsz must be one size or height,width, each from 1 to 8192, got "${value}"`);
  }
  return sizes.length === 1 ? sizes[0]! : [sizes[0]!, sizes[1]!];
}

async function importFile(path: string, shown: string, limit: number, imgsz: ImgszOption | undefined): Promise<ImportedModel> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new CliUsageError(`${shown}: no such file`);
  // Check the size before reading, so a huge file is refused without loading it.
  if (info.size > limit) throw new CliUsageError(`${shown}: ${info.size} bytes, over the limit of ${limit} bytes (--max-mb) [TOO_LARGE]`);
  try {
    return importOnnx(await readFile(path), { maxBytes: limit, ...(imgsz !== undefined ? { imgsz } : {}) });
  } catch (err) {
    if (err instanceof OnnxFormatError) throw new CliUsageError(`${shown}: ${err.message} [${err.code}]`);
    throw err;
  }
}

function siteJson(site: OnnxSite): Record<string, unknown> {
  return {
    index: site.index,
    name: site.name,
    nameSource: site.nameSource,
    activation: site.activation.id,
    channels: site.channels ?? null,
    shape: site.shape ?? null,
    nodes: site.nodes,
    opTypes: site.opTypes,
    preact: site.preactTensor,
    output: site.outputTensor,
    conv: site.convNode ?? null,
  };
}

function sitesJson(file: string, m: ImportedModel): Record<string, unknown> {
  return {
    file,
    irVersion: m.irVersion,
    opset: m.opset,
    producer: m.producer,
    inputs: m.inputs,
    inputBinding: m.inputBinding ?? null,
    outputs: m.outputs,
    sites: m.sites.map(siteJson),
    warnings: m.warnings,
  };
}

const shapeText = (shape: readonly (number | string | undefined)[] | undefined): string => (shape ? `[${shape.map((d) => d ?? '?').join(', ')}]` : '?');

const SIZE_SOURCES = { option: '--imgsz', 'ultralytics-metadata': "the imgsz in Ultralytics' metadata; --imgsz to change" } as const;

function inputsText(m: ImportedModel): string {
  const inputs = m.inputs.map((i: OnnxTensorInfo) => `${i.name} ${shapeText(i.shape)}`).join(', ');
  const binding = m.inputBinding;
  return `input ${inputs}${binding ? `, shaped at ${binding.imgsz.join('×')} (${SIZE_SOURCES[binding.source]})` : ''}`;
}

function sitesText(file: string, m: ImportedModel): string {
  const header = `${file}: ONNX IR ${m.irVersion}, opset ${m.opset}${m.producer ? `, ${m.producer}` : ''}, ${m.sites.length} activation sites; ${inputsText(m)}`;
  const rows = m.sites.map((s) => [String(s.index), s.name, s.activation.label, s.channels === undefined ? '?' : String(s.channels), shapeText(s.shape), s.nodes.join(' ')]);
  const table = formatTable(['#', 'site', 'activation', 'channels', 'shape', 'nodes'], rows);
  const warnings = m.warnings.map((w) => `warning ${w.code}: ${w.message}${w.nodes.length > 0 ? ` (${w.nodes.join(', ')})` : ''}`);
  return [header, '', ...table, ...(warnings.length > 0 ? ['', ...warnings] : []), ''].join('\n');
}

/** Plain aligned columns: the output goes to terminals and files alike. */
function formatTable(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
