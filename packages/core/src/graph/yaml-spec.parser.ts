import { parse as parseYaml } from 'yaml';
import type { ActivationKind } from '../activations/index.js';
import { parseActivation } from './activation-arg.js';
import type { LayerSpec, ModelSpec, ModelTask, ModuleLayout, YamlArg } from './graph.types.js';
import { MODULE_LAYOUTS } from './graph-ops.js';
import { ModelSpecError, UnsupportedTaskError } from './model-spec.error.js';
import { SUPPORTED_MODULES } from './modules/module-registry.js';

export interface ParseModelYamlOptions {
  /**
   * Name for the spec (defaults to `custom`); for a file, its stem. Ultralytics guesses the scale
   * from it (`yolo11s` → `s`) when `scale` is not given.
   */
  readonly name?: string;
  /** Scale key of a `scales:` table (`n`, `s`, `m`...); wins over the file name. */
  readonly scale?: string;
  /** Module layout (default: the YAML's `actnas_layout:` key, else `8.4`). */
  readonly layout?: ModuleLayout;
}

type Dict = Readonly<Record<string, unknown>>;

const MODULES: ReadonlySet<string> = new Set(SUPPORTED_MODULES);

/** Top-level key of the module layout in YAML this project writes (Ultralytics ignores it). */
export const LAYOUT_KEY = 'actnas_layout';

/**
 * The scale letter Ultralytics guesses from a model file name (`guess_model_scale`):
 * `yolo11s` → `s`, `yolov8n-seg` → `n`, `yolov9t` → "" (t is no scale letter).
 */
export function guessModelScale(name: string): string {
  const stem = name.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '');
  return /yolo(e-)?v?\d+([nslmx])/.exec(stem)?.[2] ?? '';
}

/** Heads of tasks ActNAS does not build, by module name, with what they predict. */
const OTHER_TASK_HEADS: Readonly<Record<string, string>> = {
  Classify: 'image classification',
  OBB: 'oriented bounding boxes (OBB)',
  OBB26: 'oriented bounding boxes (OBB)',
  RTDETRDecoder: 'the RT-DETR transformer decoder',
  SemanticSegment: 'semantic segmentation',
  WorldDetect: 'open-vocabulary detection (YOLO-World)',
  YOLOEDetect: 'open-vocabulary detection (YOLOE)',
  YOLOESegment: 'open-vocabulary segmentation (YOLOE)',
  YOLOESegment26: 'open-vocabulary segmentation (YOLOE)',
};

const TASK_OF_HEAD: Readonly<Record<string, ModelTask>> = {
  Detect: 'detect', v10Detect: 'detect', Segment: 'segment', Segment26: 'segment', Pose: 'pose', Pose26: 'pose',
};

/** Parses an Ultralytics-style model YAML into a validated spec. */
export function parseModelYaml(text: string, options: ParseModelYamlOptions = {}): ModelSpec {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ModelSpecError(`not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  if (!isDict(doc)) throw new ModelSpecError('model YAML must be a mapping with nc, backbone and head');
  const name = options.name ?? 'custom';
  const task = taskOf(doc, name);
  const nc = positiveInt(doc['nc'] ?? 80, 'nc');
  const warnings: string[] = [];
  const { depth, width, maxChannels, scale, scaleLetter } = multiples(doc, options.scale, name, warnings);
  const activation = parseActivation(doc['activation']);
  const anchors = parseAnchors(doc['anchors']);
  const siteActivations = parseSiteActivations(doc[SITE_ACTIVATIONS_KEY]);
  const kptShape = parseKptShape(doc['kpt_shape'], task);
  const backbone = section(doc, 'backbone', 0);
  const head = section(doc, 'head', backbone.length);
  if (backbone.length === 0) throw new ModelSpecError('backbone must list at least one layer');
  const layers = [...backbone, ...head];
  layers.forEach((layer) => checkFrom(layer));
  return Object.freeze({
    name,
    nc,
    depthMultiple: depth,
    widthMultiple: width,
    maxChannels,
    ...(scale === undefined ? {} : { scale }),
    scaleLetter,
    endToEnd: doc['end2end'] === true,
    regMax: doc['reg_max'] === undefined ? 16 : positiveInt(doc['reg_max'], 'reg_max'),
    ...(kptShape === undefined ? {} : { kptShape }),
    task,
    // The classic anchor head builds with the ultralytics/yolov5 repository, whose SPPF keeps SiLU after cv1.
    layout: options.layout ?? parseLayout(doc[LAYOUT_KEY], anchors !== undefined),
    warnings: Object.freeze(warnings),
    activation,
    ...(anchors === undefined ? {} : { anchors }),
    ...(siteActivations === undefined ? {} : { siteActivations }),
    layers: Object.freeze(layers),
  });
}

/** The task of the last head layer, as Ultralytics' guess_model_task reads it; other tasks are refused. */
function taskOf(doc: Dict, name: string): ModelTask {
  const head = doc['head'];
  const last: unknown = Array.isArray(head) ? head[head.length - 1] : undefined;
  const module = Array.isArray(last) ? last[2] : undefined;
  if (typeof module !== 'string') return 'detect';
  const other = OTHER_TASK_HEADS[module];
  if (other !== undefined) {
    throw new UnsupportedTaskError(
      `${name}: its head ${module} predicts ${other}, a task ActNAS does not build (it builds detection, segmentation and pose models: ${Object.keys(TASK_OF_HEAD).join(', ')})`,
    );
  }
  return TASK_OF_HEAD[module] ?? 'detect';
}

function parseLayout(v: unknown, classic: boolean): ModuleLayout {
  if (v === undefined || v === null) return classic ? 'pre-8.4' : '8.4';
  const text = String(v);
  if (!(MODULE_LAYOUTS as readonly string[]).includes(text)) {
    throw new ModelSpecError(`"${LAYOUT_KEY}" must be one of ${MODULE_LAYOUTS.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return text as ModuleLayout;
}

function parseKptShape(v: unknown, task: ModelTask): readonly [number, number] | undefined {
  if (v === undefined || v === null) {
    return task === 'pose' ? Object.freeze([17, 3] as const) : undefined;
  }
  const ok = Array.isArray(v) && v.length === 2 && Number.isInteger(v[0]) && (v[0] as number) > 0 && (v[1] === 2 || v[1] === 3);
  if (!ok) throw new ModelSpecError(`"kpt_shape" must be [keypoints, 2 or 3], got ${JSON.stringify(v)}`);
  return Object.freeze([v[0] as number, v[1] as number] as const);
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

/**
 * Depth, width and channel cap, as yaml_model_load + parse_model pick them: the scale is the one
 * asked for, else the letter in the file name, else the first of the `scales` table (with a
 * warning when the table has several).
 */
function multiples(doc: Dict, wanted: string | undefined, name: string, warnings: string[]) {
  const scales = doc['scales'];
  const guessed = guessModelScale(name);
  if (isDict(scales) && Object.keys(scales).length > 0) {
    const keys = Object.keys(scales);
    let scale = wanted ?? (guessed || undefined);
    if (scale === undefined) {
      scale = keys[0]!;
      if (keys.length > 1) warnings.push(`${name}: no scale named (--scale, or a letter in the file name as in yolo11s.yaml); assuming scale "${scale}" of ${keys.join(', ')}`);
    }
    const row = scales[scale];
    if (!Array.isArray(row) || row.length < 2) {
      const from = wanted !== undefined ? '' : ` (guessed from the file name ${name})`;
      throw new ModelSpecError(`scale "${scale}"${from} not in scales (${keys.join(', ')})`);
    }
    const [depth, width, maxChannels] = row as unknown[];
    return {
      depth: positiveNumber(depth, `scales.${scale}[0]`),
      width: positiveNumber(width, `scales.${scale}[1]`),
      maxChannels: maxChannels === undefined ? Number.MAX_SAFE_INTEGER : positiveInt(maxChannels, `scales.${scale}[2]`),
      scale,
      scaleLetter: scale,
    };
  }
  if (wanted !== undefined) throw new ModelSpecError(`scale "${wanted}" requested but the YAML has no scales`);
  return {
    depth: positiveNumber(doc['depth_multiple'] ?? 1, 'depth_multiple'),
    width: positiveNumber(doc['width_multiple'] ?? 1, 'width_multiple'),
    maxChannels: doc['max_channels'] === undefined ? Number.MAX_SAFE_INTEGER : positiveInt(doc['max_channels'], 'max_channels'),
    scale: undefined,
    scaleLetter: guessed,
  };
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
