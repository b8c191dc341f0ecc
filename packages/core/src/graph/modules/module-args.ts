import type { ActivationKind } from '../../activations/index.js';
import type { LayerSpec, ModelSpec, TensorRef, YamlArg } from '../graph.types.js';
import { ModelSpecError } from '../model-spec.error.js';
import { parseActivation } from '../activation-arg.js';
import type { LayerInput } from './module.types.js';

export const makeDivisible = (x: number, divisor: number): number => Math.ceil(x / divisor) * divisor;

/** Output channels after width scaling, as Ultralytics' parse_model does (the class count is kept). */
export function scaledChannels(spec: ModelSpec, c2: number, nc: number): number {
  if (c2 === nc || c2 === spec.nc) return c2;
  return makeDivisible(Math.min(c2, spec.maxChannels) * spec.widthMultiple, 8);
}

function arg(layer: LayerSpec, i: number): YamlArg | undefined {
  const v = layer.args[i];
  return v === 'None' ? null : v;
}

export function intArg(layer: LayerSpec, i: number, name: string, fallback?: number, nc?: number, signed = false): number {
  const v = arg(layer, i);
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  if (v === 'nc' && nc !== undefined) return nc;
  if (typeof v !== 'number' || !Number.isInteger(v) || (!signed && v < 0)) {
    throw new ModelSpecError(`argument ${i} (${name}) must be a${signed ? 'n' : ' non-negative'} integer, got ${JSON.stringify(v ?? null)}`, layer.index, `args[${i}]`);
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

/** The layer's first argument as Ultralytics' parse_model scales it: output channels c2. */
export function c2Arg(input: LayerInput, i = 0): number {
  return scaledChannels(input.spec, intArg(input.layer, i, 'c2', undefined, input.nc), input.nc);
}

/** `[c1, c2, ...rest]` (plus n after c2 for modules that repeat inside), as Ultralytics prints them. */
export function summaryArgs(input: LayerInput, c1: number, c2: number, repeatInside = false): YamlArg[] {
  return [c1, c2, ...(repeatInside ? [input.n] : []), ...input.layer.args.slice(1)];
}

/** A pair of ints, `[3, 3]`, or one int for both. */
export function pairArg(layer: LayerSpec, i: number, name: string, fallback: readonly [number, number]): readonly [number, number] {
  const v = arg(layer, i);
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isInteger(x) && x > 0)) return [v[0] as number, v[1] as number];
  throw new ModelSpecError(`argument ${i} (${name}) must be an int or a pair of ints, got ${JSON.stringify(v)}`, layer.index, `args[${i}]`);
}

/** `int(c * e)` as Python computes it. */
export const hidden = (c: number, e: number): number => Math.trunc(c * e);
