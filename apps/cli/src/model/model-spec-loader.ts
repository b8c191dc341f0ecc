import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import type { ModelGraph, ModelSpec } from '@actnas/core';
import { BUILTIN_MODEL_NAMES, ModelSpecError, buildGraph, builtinModelSpec, isBuiltinModel, parseModelYaml } from '@actnas/core';
import { CliUsageError } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';
import { intFlag } from '../shared/flags.js';

export interface SpecOptions {
  readonly imgsz?: string;
  readonly nc?: string;
  readonly scale?: string;
}

/** A built-in name (`yolov5nu`) or a path to an Ultralytics-style YAML. */
export async function loadSpec(model: string, options: SpecOptions, io: CliIo): Promise<ModelSpec> {
  if (isBuiltinModel(model)) {
    if (options.scale !== undefined) throw new CliUsageError(`--scale applies to YAML files; ${model} has its scale built in`);
    return builtinModelSpec(model);
  }
  if (!/\.ya?ml$/i.test(model)) {
    throw new CliUsageError(`unknown model "${model}": use a built-in (${BUILTIN_MODEL_NAMES.join(', ')}) or a .yaml file`);
  }
  const text = await readFile(resolve(io.cwd ?? process.cwd(), model), 'utf8').catch(() => {
    throw new CliUsageError(`${model}: no such file`);
  });
  return usage(model, () => parseModelYaml(text, { name: basename(model, extname(model)), ...(options.scale ? { scale: options.scale } : {}) }));
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
