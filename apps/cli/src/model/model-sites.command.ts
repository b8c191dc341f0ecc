import type { Command } from 'commander';
import type { ImportedModel, OnnxSite, OnnxTensorInfo } from '@actnas/core';
import { EXIT_OK } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';
import { MAX_MB_FLAG } from './onnx-flags.js';
import { imgszFlag, importOnnxFile, maxBytesFlag } from './onnx-file.js';

interface SitesOptions {
  readonly json?: boolean;
  readonly maxMb?: string;
  readonly imgsz?: string;
}

/** `actnas model sites m.onnx [--json]`: the activation sites an ONNX file has, and what was not recognised. */
export function modelSitesCommand(model: Command, io: CliIo, setExitCode: (code: number) => void): void {
  model
    .command('sites')
    .description('list the activation sites of an ONNX model (any exporter) and what could not be recognised')
    .argument('<file>', 'ONNX model file')
    .option('--json', 'print JSON instead of a table')
    .option(...MAX_MB_FLAG)
    .option('--imgsz <n|h,w>', 'input size for a model exported with dynamic height and width (default: the imgsz Ultralytics records)')
    .action(async (file: string, options: SitesOptions) => {
      const imgsz = imgszFlag(options.imgsz);
      const imported = await importOnnxFile(file, io, { maxBytes: maxBytesFlag(options.maxMb), ...(imgsz !== undefined ? { imgsz } : {}) });
      io.stdout.write(options.json ? `${JSON.stringify(sitesJson(file, imported), null, 2)}\n` : sitesText(file, imported));
      setExitCode(EXIT_OK);
    });
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
