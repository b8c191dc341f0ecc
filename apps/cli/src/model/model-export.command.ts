import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ActivationKind, ImgszOption, ImportedModel, ModelGraph } from '@actnas/core';
import {
  AssignmentParseError, EmitOnnxError, MAX_EMIT_OPSET, MIN_EMIT_OPSET, OnnxRewriteError, emitOnnx, parseActivationAssignment, rewriteOnnx, toUltralyticsYaml,
} from '@actnas/core';
import { CliUsageError, EXIT_OK } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';
import type { SpecOptions } from './model-spec-loader.js';
import { intFlag } from '../shared/flags.js';
import { LAYOUT_FLAG, buildFromFlags, loadSpec, usage } from './model-spec-loader.js';
import { MAX_MB_FLAG } from './onnx-flags.js';
import { imgszFlag, importOnnxFile, isOnnxPath, maxBytesFlag } from './onnx-file.js';

interface ExportOptions extends SpecOptions {
  readonly act?: string;
  readonly opset?: string;
  readonly dynamicBatch?: boolean;
  readonly seed?: string;
  readonly output?: string;
  readonly ultralyticsYaml?: boolean;
  readonly maxMb?: string;
}

/** Flags that describe how a spec is built; an ONNX file already is built, so they do not apply to it. */
const SPEC_ONLY_FLAGS = ['opset', 'dynamicBatch', 'nc', 'scale', 'layout', 'seed', 'ultralyticsYaml'] as const;

/**
 * `actnas model export yolov5nu --act all:silu,model.0.act:relu --opset 13 -o m.onnx`: the model as
 * ONNX with seeded weights, or (`--ultralytics-yaml`) as a model YAML Ultralytics users can train.
 */
export function modelExportCommand(model: Command, io: CliIo, setExitCode: (code: number) => void): void {
  model
    .command('export')
    .description('write a model with per-site activations as ONNX (seeded weights, BN folded) or as an Ultralytics YAML; or rewrite the activations of your own ONNX file')
    .argument('<model>', 'built-in model (yolov5nu, yolov8n, ...), an Ultralytics model YAML file, or an ONNX file (its weights and every other node kept)')
    .requiredOption('-o, --output <file>', 'file to write')
    .option('--act <assignment>', 'per-site activations, applied left to right: all:silu,model.0.act:relu,model.22.*:relu6')
    .option('--opset <n>', `ONNX opset (${MIN_EMIT_OPSET}-${MAX_EMIT_OPSET})`, '17')
    .option('--dynamic-batch', 'symbolic batch dimension')
    .option('--imgsz <n>', 'square input size in pixels (multiple of 32)', '640')
    .option('--nc <n>', 'number of classes (default: the spec\'s)')
    .option('--scale <letter>', 'scale of a YAML file with a scales table (n, s, m, ...); default: the letter in the file name, as Ultralytics guesses it')
    .option(...LAYOUT_FLAG)
    .option('--seed <n>', 'seed of the PyTorch-default initial weights', '0')
    .option('--ultralytics-yaml', 'write an Ultralytics model YAML with the activations instead of ONNX')
    .option(...MAX_MB_FLAG)
    .action(async (name: string, options: ExportOptions, cmd: Command) => {
      if (isOnnxPath(name)) {
        await exportOnnxFile(name, options, cmd, io);
        setExitCode(EXIT_OK);
        return;
      }
      const opset = intFlag(options.opset, '--opset', 17, [MIN_EMIT_OPSET, MAX_EMIT_OPSET]);
      const seed = intFlag(options.seed, '--seed', 0, [0, 2 ** 31 - 1]);
      const spec = await loadSpec(name, options, io);
      const graph = buildFromFlags(spec, options);
      const assignment = parseAct(options.act, graph.sites);
      const path = resolve(io.cwd ?? process.cwd(), options.output!);
      const started = performance.now();
      const bytes = options.ultralyticsYaml
        ? new TextEncoder().encode(usage(spec.name, () => toUltralyticsYaml(spec, assignment)))
        : emit(graph, { assignment, opset, dynamicBatch: options.dynamicBatch === true, seed });
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
      io.stdout.write(`${exportSummary(graph, assignment, options, opset, bytes.length, performance.now() - started)}\n`);
      setExitCode(EXIT_OK);
    });
}

/**
 * `actnas model export my.onnx --act all:relu,model.0.act:silu -o out.onnx`: the file with the
 * assigned sites' activation nodes replaced (core's rewriteOnnx); weights, every other node and
 * the rest of the file are copied as they are.
 */
async function exportOnnxFile(file: string, options: ExportOptions, cmd: Command, io: CliIo): Promise<void> {
  const given = SPEC_ONLY_FLAGS.find((flag) => cmd.getOptionValueSource(flag) === 'cli');
  if (given) throw new CliUsageError(`--${given.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} builds a model from a spec; ${file} is an ONNX file, whose opset, size and weights are kept`);
  if (options.act === undefined) throw new CliUsageError(`--act is required to rewrite ${file} (e.g. --act all:relu,model.0.act:silu; \`actnas model sites ${file}\` lists the sites)`);
  const imgsz = cmd.getOptionValueSource('imgsz') === 'cli' ? imgszFlag(options.imgsz) : undefined;
  const maxBytes = maxBytesFlag(options.maxMb);
  const started = performance.now();
  const imported = await importForRewrite(file, io, maxBytes, imgsz);
  const assignment = parseAct(options.act, imported.sites);
  let bytes: Uint8Array;
  try {
    bytes = rewriteOnnx(imported, assignment);
  } catch (err) {
    if (err instanceof OnnxRewriteError) throw new CliUsageError(`${file}: ${err.message} [${err.code}]`);
    throw err;
  }
  const path = resolve(io.cwd ?? process.cwd(), options.output!);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  const changed = imported.sites.filter((s) => (assignment.get(s.name) ?? s.activation).id !== s.activation.id).length;
  const size = bytes.length >= 1e6 ? `${(bytes.length / 1e6).toFixed(1)} MB` : `${(bytes.length / 1e3).toFixed(1)} kB`;
  io.stdout.write(`wrote ${options.output}: ${file} rewritten, ${imported.sites.length} sites (${changed} changed), weights and other nodes unchanged, ${size} in ${Math.round(performance.now() - started)} ms\n`);
  for (const w of imported.warnings) io.stderr.write(`actnas: warning ${w.code}: ${w.message}\n`);
}

/**
 * A rewrite needs no feature-map shapes, so a file with dynamic height and width and no recorded
 * size is analysed at 640 rather than refused (the file keeps its dynamic dims).
 */
async function importForRewrite(file: string, io: CliIo, maxBytes: number, imgsz: ImgszOption | undefined): Promise<ImportedModel> {
  try {
    return await importOnnxFile(file, io, { maxBytes, ...(imgsz !== undefined ? { imgsz } : {}) });
  } catch (err) {
    if (imgsz === undefined && err instanceof CliUsageError && err.code === 'DYNAMIC_INPUT_SIZE') return importOnnxFile(file, io, { maxBytes, imgsz: 640 });
    throw err;
  }
}

function parseAct(text: string | undefined, sites: ModelGraph['sites'] | ImportedModel['sites']): ReadonlyMap<string, ActivationKind> {
  if (text === undefined) return new Map();
  try {
    return parseActivationAssignment(text, sites);
  } catch (err) {
    if (err instanceof AssignmentParseError) throw new CliUsageError(`--act: ${err.message}`);
    throw err;
  }
}

function emit(graph: ModelGraph, options: Parameters<typeof emitOnnx>[1]): Uint8Array {
  try {
    return emitOnnx(graph, options);
  } catch (err) {
    if (err instanceof EmitOnnxError) throw new CliUsageError(err.message);
    throw err;
  }
}

function exportSummary(
  graph: ModelGraph,
  assignment: ReadonlyMap<string, ActivationKind>,
  options: ExportOptions,
  opset: number,
  size: number,
  ms: number,
): string {
  const changed = graph.sites.filter((s) => (assignment.get(s.name) ?? s.defaultActivation).id !== s.defaultActivation.id).length;
  const what = options.ultralyticsYaml
    ? 'Ultralytics YAML'
    : `ONNX opset ${opset}${options.dynamicBatch ? ', dynamic batch' : ''}, ${graph.imgsz}x${graph.imgsz}`;
  return `wrote ${options.output}: ${graph.spec.name} as ${what}, ${graph.sites.length} sites (${changed} changed from the spec), ${size >= 1e6 ? `${(size / 1e6).toFixed(1)} MB` : `${(size / 1e3).toFixed(1)} kB`} in ${Math.round(ms)} ms`;
}
