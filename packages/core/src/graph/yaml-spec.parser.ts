import { parse as parseYaml } from 'yaml';
import type { ActivationKind } from '../activations/index.js';
import { SiLU, fullActivationRegistry } from '../activations/index.js';
import type { LayerSpec, ModelSpec, YamlArg } from './graph.types.js';
import { ModelSpecError } from './model-spec.error.js';

export interface ParseModelYamlOptions {
  /** Name for the spec (defaults to `custom`). */
  readonly name?: string;
  /** Scale key of a `scales:` table (`n`, `s`, `m`...); defaults to the first, as Ultralytics does. */
  readonly scale?: string;
}

type Dict = Readonly<Record<string, unknown>>;

const MODULES = new Set(['Conv', 'C3', 'C2f', 'Bottleneck', 'SPPF', 'Concat', 'nn.Upsample', 'Detect']);
export const SUPPORTED_MODULES: readonly string[] = [...MODULES];

/** Parses an Ultralytics-style model YAML into a validated spec. */
export function parseModelYaml(text: string, options: ParseModelYamlOptions = {}): ModelSpec {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ModelSpecError(`not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  if (!isDict(doc)) throw new ModelSpecError('model YAML must be a mapping with nc, backbone and head');
  const nc = positiveInt(doc['nc'] ?? 80, 'nc');
  const { depth, width, maxChannels, scale } = multiples(doc, options.scale);
  const activation = parseActivation(doc['activation']);
  const anchors = parseAnchors(doc['anchors']);
  const siteActivations = parseSiteActivations(doc[SITE_ACTIVATIONS_KEY]);
  const backbone = section(doc, 'backbone', 0);
  const head = section(doc, 'head', backbone.length);
  if (backbone.length === 0) throw new ModelSpecError('backbone must list at least one layer');
  const layers = [...backbone, ...head];
  layers.forEach((layer) => checkFrom(layer));
  return Object.freeze({
    name: options.name ?? 'custom',
    nc,
    depthMultiple: depth,
    widthMultiple: width,
    maxChannels,
    ...(scale === undefined ? {} : { scale }),
    activation,
    ...(anchors === undefined ? {} : { anchors }),
    ...(siteActivations === undefined ? {} : { siteActivations }),
    layers: Object.freeze(layers),
  });
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positiveInt(v: unknown, field: string, layer?: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ModelSpecError(`"${field}" must be a positive integer, got ${JSON.stringify(v)}`, layer, field);
  }
  return v;
}

function positiveNumber(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new ModelSpecError(`"${field}" must be a positive number, got ${JSON.stringify(v)}`);
  }
  return v;
}

function multiples(doc: Dict, wanted: string | undefined) {
  const scales = doc['scales'];
  if (isDict(scales) && Object.keys(scales).length > 0) {
    const scale = wanted ?? Object.keys(scales)[0]!;
    const row = scales[scale];
    if (!Array.isArray(row) || row.length < 2) {
      throw new ModelSpecError(`scale "${scale}" not in scales (${Object.keys(scales).join(', ')})`);
    }
    const [depth, width, maxChannels] = row as unknown[];
    return {
      depth: positiveNumber(depth, `scales.${scale}[0]`),
      width: positiveNumber(width, `scales.${scale}[1]`),
      maxChannels: maxChannels === undefined ? Number.MAX_SAFE_INTEGER : positiveInt(maxChannels, `scales.${scale}[2]`),
      scale,
    };
  }
  if (wanted !== undefined) throw new ModelSpecError(`scale "${wanted}" requested but the YAML has no scales`);
  return {
    depth: positiveNumber(doc['depth_multiple'] ?? 1, 'depth_multiple'),
    width: positiveNumber(doc['width_multiple'] ?? 1, 'width_multiple'),
    maxChannels: doc['max_channels'] === undefined ? Number.MAX_SAFE_INTEGER : positiveInt(doc['max_channels'], 'max_channels'),
    scale: undefined,
  };
}

export function parseActivation(v: unknown, layer?: number, field = 'activation'): ActivationKind {
  if (v === undefined || v === null || v === true) return SiLU;
  if (typeof v !== 'string') throw new ModelSpecError(`"${field}" must be a torch module such as nn.ReLU()`, layer, field);
  const kind = fullActivationRegistry().tryResolve(v);
  if (!kind) throw new ModelSpecError(`unknown activation ${JSON.stringify(v)}`, layer, field);
  return kind;
}

/** Top-level key of per-site activations in YAML this project writes (Ultralytics ignores it). */
export const SITE_ACTIVATIONS_KEY = 'actnas_activations';

function parseSiteActivations(v: unknown): ReadonlyMap<string, ActivationKind> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isDict(v)) throw new ModelSpecError(`"${SITE_ACTIVATIONS_KEY}" must map site paths to torch modules`);
  return new Map(Object.entries(v).map(([site, act]) => [site, parseActivation(act, undefined, `${SITE_ACTIVATIONS_KEY}.${site}`)]));
}

function parseAnchors(v: unknown): readonly (readonly number[])[] | undefined {
  if (v === undefined) return undefined;
  const ok =
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((row) => Array.isArray(row) && row.length >= 2 && row.length % 2 === 0 && row.every((x) => typeof x === 'number'));
  if (!ok) throw new ModelSpecError('"anchors" must be a list of [w, h, w, h, ...] rows, one per detection level');
  return Object.freeze((v as number[][]).map((row) => Object.freeze([...row])));
}

function section(doc: Dict, key: 'backbone' | 'head', offset: number): LayerSpec[] {
  const rows = doc[key] ?? [];
  if (!Array.isArray(rows)) throw new ModelSpecError(`"${key}" must be a list of [from, repeats, module, args]`);
  return rows.map((row: unknown, i) => parseLayer(row, offset + i, key));
}

function parseLayer(row: unknown, index: number, sectionName: 'backbone' | 'head'): LayerSpec {
  if (!Array.isArray(row) || row.length < 3 || row.length > 4) {
    throw new ModelSpecError('expected [from, repeats, module, args]', index, 'row');
  }
  const [from, repeats, module, args] = row as unknown[];
  if (typeof module !== 'string' || !MODULES.has(module)) {
    throw new ModelSpecError(
      `unsupported module ${JSON.stringify(module)} (supported: ${SUPPORTED_MODULES.join(', ')})`,
      index,
      'module',
    );
  }
  if (args !== undefined && !Array.isArray(args)) throw new ModelSpecError('"args" must be a list', index, 'args');
  return Object.freeze({
    index,
    from: parseFrom(from, index),
    repeats: positiveInt(repeats, 'repeats', index),
    module,
    args: Object.freeze(((args ?? []) as unknown[]).map((a) => parseArg(a, index))),
    section: sectionName,
  });
}

function parseFrom(v: unknown, index: number): number | readonly number[] {
  const isIdx = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
  if (isIdx(v)) return v;
  if (Array.isArray(v) && v.length > 0 && v.every(isIdx)) return Object.freeze([...v]);
  throw new ModelSpecError(`"from" must be a layer index or a list of them, got ${JSON.stringify(v)}`, index, 'from');
}

function parseArg(v: unknown, index: number): YamlArg {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return Object.freeze(v.map((x: unknown) => parseArg(x, index)));
  throw new ModelSpecError(`unsupported argument ${JSON.stringify(v)}`, index, 'args');
}

function checkFrom(layer: LayerSpec): void {
  const froms = typeof layer.from === 'number' ? [layer.from] : layer.from;
  for (const f of froms) {
    const abs = f < 0 ? layer.index + f : f;
    if (abs < -1 || abs >= layer.index || (layer.index === 0 && f !== -1)) {
      throw new ModelSpecError(`"from" ${f} does not point to an earlier layer`, layer.index, 'from');
    }
  }
}
