import type { ActivationKind } from '../../activations/index.js';
import type { LayerSpec, ModelSpec, TensorRef, YamlArg } from '../graph.types.js';
import { ModelSpecError } from '../model-spec.error.js';
import { parseActivation } from '../yaml-spec.parser.js';
import type { LayerInput } from './module.types.js';

const makeDivisible = (x: number, divisor: number): number => Math.ceil(x / divisor) * divisor;

/** Output channels after width scaling, as Ultralytics' parse_model does (the class count is kept). */
export function scaledChannels(spec: ModelSpec, c2: number, nc: number): number {
  if (c2 === nc || c2 === spec.nc) return c2;
  return makeDivisible(Math.min(c2, spec.maxChannels) * spec.widthMultiple, 8);
}

function arg(layer: LayerSpec, i: number): YamlArg | undefined {
  const v = layer.args[i];
  return v === 'None' ? null : v;
}

export function intArg(layer: LayerSpec, i: number, name: string, fallback?: number, nc?: number): number {
  const v = arg(layer, i);
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  if (v === 'nc' && nc !== undefined) return nc;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new ModelSpecError(`argument ${i} (${name}) must be a non-negative integer, got ${JSON.stringify(v ?? null)}`, layer.index, `args[${i}]`);
  }
  return v;
}

export function optionalIntArg(layer: LayerSpec, i: number, name: string): number | null {
  const v = arg(layer, i);
  return v === undefined || v === null ? null : intArg(layer, i, name);
}

export function numberArg(layer: LayerSpec, i: number, name: string, fallback: number): number {
  const v = arg(layer, i);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new ModelSpecError(`argument ${i} (${name}) must be a positive number, got ${JSON.stringify(v)}`, layer.index, `args[${i}]`);
  }
  return v;
}

export function boolArg(layer: LayerSpec, i: number, name: string, fallback: boolean): boolean {
  const v = arg(layer, i);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') {
    throw new ModelSpecError(`argument ${i} (${name}) must be True or False, got ${JSON.stringify(v)}`, layer.index, `args[${i}]`);
  }
  return v;
}

/** Conv's `act` argument: True/absent = the spec's activation, False = none, or a torch module name. */
export function actArg(layer: LayerSpec, i: number, fallback: ActivationKind): ActivationKind | false {
  const v = arg(layer, i);
  if (v === undefined || v === null || v === true) return fallback;
  if (v === false) return false;
  return parseActivation(v, layer.index, `args[${i}] (act)`);
}

export function single(input: LayerInput): TensorRef {
  if (input.inputs.length !== 1) {
    throw new ModelSpecError(`${input.layer.module} takes one input, got ${input.inputs.length}`, input.layer.index, 'from');
  }
  return input.inputs[0]!;
}

export function noRepeats(input: LayerInput): void {
  if (input.layer.repeats !== 1) {
    throw new ModelSpecError(`${input.layer.module} cannot be repeated (repeats ${input.layer.repeats})`, input.layer.index, 'repeats');
  }
}
