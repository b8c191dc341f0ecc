import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { ModelGraph, ModelSpec, ModuleLayout } from '@actnas/core';
import { BUILTIN_MODEL_NAMES, MODULE_LAYOUTS, ModelSpecError, buildGraph, builtinModelSpec, isBuiltinModel, parseModelYaml } from '@actnas/core';
import { CliUsageError } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';
import { intFlag } from '../shared/flags.js';

export interface SpecOptions {
  readonly imgsz?: string;
  readonly nc?: string;
  readonly scale?: string;
  readonly layout?: string;
}

/** The `--layout` flag: `8.4` (Ultralytics ≥ 8.4.0, the default) or `pre-8.4` (checkpoints trained before it). */
export const LAYOUT_FLAG = ['--layout <layout>', `module layout: ${MODULE_LAYOUTS.join(' or ')} (checkpoints trained before Ultralytics 8.4.0 have SiLU after SPPF.cv1)`] as const;

function layoutFlag(value: string | undefined): ModuleLayout | undefined {
  if (value === undefined) return undefined;
  if (!(MODULE_LAYOUTS as readonly string[]).includes(value)) throw new CliUsageError(`--layout must be ${MODULE_LAYOUTS.join(' or ')}, got "${value}"`);
  return value as ModuleLayout;
}

/**
 * A built-in name (`yolov5nu`) or a path to an Ultralytics-style YAML. As in Ultralytics, the scale
 * comes from the file name (`yolo11s.yaml` → scale s, read from `yolo11.yaml` beside it when there
 * is no `yolo11s.yaml`); `--scale` wins. Parser warnings go to stderr.
 */
export async function loadSpec(model: string, options: SpecOptions, io: CliIo): Promise<ModelSpec> {
  const layout = layoutFlag(options.layout);
  const spec = await specOf(model, options, layout, io);
  for (const warning of spec.warnings) io.stderr.write(`actnas: warning: ${warning}\n`);
  return spec;
}

async function specOf(model: string, options: SpecOptions, layout: ModuleLayout | undefined, io: CliIo): Promise<ModelSpec> {
  if (isBuiltinModel(model)) {
    if (options.scale !== undefined) throw new CliUsageError(`--scale applies to YAML files; ${model} has its scale built in`);
    return usage(model, () => builtinModelSpec(model, layout ? { layout } : {}));
  }
  if (!/\.ya?ml$/i.test(model)) {
    throw new CliUsageError(`unknown model "${model}": use a built-in (${BUILTIN_MODEL_NAMES.join(', ')}) or a .yaml file`);
  }
  const path = resolve(io.cwd ?? process.cwd(), model);
  const name = basename(model, extname(model));
  // Ultralytics reads yolo11s.yaml as yolo11.yaml at scale s.
  const unified = join(dirname(path), `${name.replace(/(\d+)([nslmx])(.+)?$/, '$1$3')}${extname(model)}`);
  const text = await readFile(path, 'utf8').catch(() => readFile(unified, 'utf8')).catch(() => {
    throw new CliUsageError(`${model}: no such file${unified !== path ? ` (nor ${basename(unified)})` : ''}`);
  });
  return usage(model, () => parseModelYaml(text, { name, ...(options.scale ? { scale: options.scale } : {}), ...(layout ? { layout } : {}) }));
}

export function buildFromFlags(spec: ModelSpec, options: SpecOptions): ModelGraph {
  const imgsz = intFlag(options.imgsz, '--imgsz', 640, [32, 4096]);
  if (imgsz % 32 !== 0) throw new CliUsageError(`--imgsz must be a multiple of 32, got ${imgsz}`);
  const nc = intFlag(options.nc, '--nc', spec.nc, [1, 10_000]);
  return usage(spec.name, () => buildGraph(spec, { imgsz, nc }));
}

/** Runs `fn`, turning a spec problem into a one-line usage error. */
export function usage<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ModelSpecError) throw new CliUsageError(`${what}: ${err.message}`);
    throw err;
  }
}
