import type { ActivationKind } from '../activations/index.js';
import type { ActivationAssignment, LayerSpec, ModelSpec, SiteInfo, YamlArg } from './graph.types.js';
import { buildGraph } from './graph.builder.js';
import { ModelSpecError } from './model-spec.error.js';
import { SITE_ACTIVATIONS_KEY } from './yaml-spec.parser.js';

/** Conv's positional args are c2, k, s, p, g, d, act: act (index 6) is dropped, see the header. */
const CONV_ACT_ARG = 6;

const HEADER = (spec: ModelSpec, top: ActivationKind, others: number, sites: number): string[] => [
  `# ActNAS mixed-activation model from ${spec.name}: ${sites} activation sites, ${others} not ${top.torchModule}.`,
  '#',
  '# Per-layer activations. Ultralytics builds every Conv with one global activation (the',
  '# `activation:` key below); Conv(c1, c2, k, s, p, g, d, act) takes `act` only as a Python object,',
  '# and parse_model leaves a string such as "nn.ReLU()" in the args unevaluated, so Conv would',
  '# silently use nn.Identity. This file therefore sets `activation:` to the most common activation',
  `# and lists every other site under \`${SITE_ACTIVATIONS_KEY}\` (module path -> torch module), a key`,
  '# parse_model ignores. Apply it after the model is built, including inside the trainer (which',
  '# rebuilds the model from this YAML) and its EMA copy:',
  '#',
  '#   import torch.nn as nn, yaml',
  '#   from ultralytics import YOLO',
  '#   cfg = "this-file.yaml"',
  `#   acts = yaml.safe_load(open(cfg)).get("${SITE_ACTIVATIONS_KEY}") or {}`,
  '#   def apply(m):',
  '#       for site, act in acts.items():',
  '#           m.get_submodule(site.rsplit(".", 1)[0]).act = eval(act)',
  '#   model = YOLO(cfg)',
  '#   apply(model.model)',
  '#   model.add_callback("on_pretrain_routine_end", lambda t: (apply(t.model), apply(t.ema.ema)))',
  '#   model.train(data="coco.yaml", epochs=100)',
  '#',
  '# `scales` repeats one [depth, width, max_channels] under every letter: Ultralytics guesses the',
  '# scale from the file name, and any guess must give this model.',
];

/**
 * An Ultralytics model YAML for the spec with the given per-site activations: same layers, top-level
 * `activation:` = the most common activation, the rest under `actnas_activations` (see the header
 * comment it writes). `parseModelYaml` reads the file back to the same activations.
 */
export function toUltralyticsYaml(spec: ModelSpec, assignment: ActivationAssignment = new Map()): string {
  const sites = buildGraph(spec, { imgsz: 640 }).sites;
  const chosen = resolve(sites, assignment);
  const top = mostCommon([...chosen.values()]);
  const others = [...chosen].filter(([, kind]) => kind.id !== top.id);
  const lines = [
    ...HEADER(spec, top, others.length, sites.length),
    '',
    `nc: ${spec.nc} # number of classes`,
    `activation: ${top.torchModule}`,
    ...scalesLines(spec),
    ...(spec.anchors ? ['anchors:', ...spec.anchors.map((row) => `  - ${flow(row)}`)] : []),
    '',
    'backbone:',
    '  # [from, repeats, module, args]',
    ...spec.layers.filter((l) => l.section === 'backbone').map(layerLine),
    '',
    'head:',
    ...spec.layers.filter((l) => l.section === 'head').map(layerLine),
    '',
    ...(others.length > 0
      ? [`${SITE_ACTIVATIONS_KEY}: # site -> activation, for sites not using ${top.torchModule}`, ...others.map(([site, k]) => `  ${site}: ${k.torchModule}`)]
      : [`${SITE_ACTIVATIONS_KEY}: {} # every site uses ${top.torchModule}`]),
    '',
  ];
  return lines.join('\n');
}

function resolve(sites: readonly SiteInfo[], assignment: ActivationAssignment): Map<string, ActivationKind> {
  const map: ReadonlyMap<string, ActivationKind> = assignment instanceof Map ? assignment : new Map(Object.entries(assignment));
  const known = new Set(sites.map((s) => s.name));
  const unknown = [...map.keys()].filter((name) => !known.has(name));
  if (unknown.length > 0) throw new ModelSpecError(`unknown activation site ${unknown.slice(0, 3).join(', ')}`);
  return new Map(sites.map((s) => [s.name, map.get(s.name) ?? s.defaultActivation]));
}

/** The most frequent kind; ties go to the one seen first (forward order). */
function mostCommon(kinds: readonly ActivationKind[]): ActivationKind {
  const counts = new Map<string, { kind: ActivationKind; n: number }>();
  for (const kind of kinds) {
    const c = counts.get(kind.id) ?? { kind, n: 0 };
    c.n++;
    counts.set(kind.id, c);
  }
  return [...counts.values()].reduce((best, c) => (c.n > best.n ? c : best)).kind;
}

function scalesLines(spec: ModelSpec): string[] {
  if (spec.anchors) {
    // The classic anchor head trains in the ultralytics/yolov5 repository, which reads these keys.
    return [`depth_multiple: ${spec.depthMultiple}`, `width_multiple: ${spec.widthMultiple}`];
  }
  const max = Number.isFinite(spec.maxChannels) && spec.maxChannels < Number.MAX_SAFE_INTEGER ? spec.maxChannels : 1_000_000;
  const row = `[${spec.depthMultiple}, ${spec.widthMultiple}, ${max}]`;
  return ['scales: # [depth, width, max_channels], one model under every letter', ...['n', 's', 'm', 'l', 'x'].map((k) => `  ${k}: ${row}`)];
}

function layerLine(layer: LayerSpec): string {
  const args = layer.module === 'Conv' ? layer.args.slice(0, CONV_ACT_ARG) : layer.args;
  const from = typeof layer.from === 'number' ? String(layer.from) : flow(layer.from);
  return `  - [${from}, ${layer.repeats}, ${layer.module}, ${flow(args)}] # ${layer.index}`;
}

/** Python-literal flow style, as Ultralytics writes its YAMLs (None, True, "nearest"). */
function flow(v: YamlArg | readonly YamlArg[]): string {
  if (Array.isArray(v)) return `[${v.map((x: YamlArg) => flow(x)).join(', ')}]`;
  if (v === null || v === 'None') return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) && v !== 'nearest' ? v : JSON.stringify(v);
  return String(v);
}
