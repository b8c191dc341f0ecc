import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ActivationKind, ModelGraph } from '@actnas/core';
import {
  AssignmentParseError, EmitOnnxError, MAX_EMIT_OPSET, MIN_EMIT_OPSET, emitOnnx, parseActivationAssignment, toUltralyticsYaml,
} from '@actnas/core';
import { CliUsageError, EXIT_OK } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';
import type { SpecOptions } from './model-spec-loader.js';
import { intFlag } from '../shared/flags.js';
import { LAYOUT_FLAG, buildFromFlags, loadSpec, usage } from './model-spec-loader.js';

interface ExportOptions extends SpecOptions {
  readonly act?: string;
  readonly opset?: string;
  readonly dynamicBatch?: boolean;
  readonly seed?: string;
  readonly output?: string;
  readonly ultralyticsYaml?: boolean;
}

/**
 * `actnas model export yolov5nu --act all:silu,model.0.act:relu --opset 13 -o m.onnx`: the model as
 * ONNX with seeded weights, or (`--ultralytics-yaml`) as a model YAML Ultralytics users can train.
 */
export function modelExportCommand(model: Command, io: CliIo, setExitCode: (code: number) => void): void {
  model
    .command('export')
    .description('write a model with per-site activations as ONNX (seeded weights, BN folded) or as an Ultralytics YAML')
    .argument('<model>', 'built-in model (yolov5nu, yolov8n, ...) or an Ultralytics model YAML file')
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
    .action(async (name: string, options: ExportOptions) => {
      const opset = intFlag(options.opset, '--opset', 17, [MIN_EMIT_OPSET, MAX_EMIT_OPSET]);
      const seed = intFlag(options.seed, '--seed', 0, [0, 2 ** 31 - 1]);
      const spec = await loadSpec(name, options, io);
      const graph = buildFromFlags(spec, options);
      const assignment = parseAct(options.act, graph);
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

function parseAct(text: string | undefined, graph: ModelGraph): ReadonlyMap<string, ActivationKind> {
  if (text === undefined) return new Map();
  try {
    return parseActivationAssignment(text, graph.sites);
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
