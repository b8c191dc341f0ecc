import type { ActivationKind } from '../activations/index.js';
import type { ActivationAssignment, LayerSpec, ModelSpec, SiteInfo, YamlArg } from './graph.types.js';
import { buildGraph } from './graph.builder.js';
import { ModelSpecError } from './model-spec.error.js';
import { LAYOUT_KEY, SITE_ACTIVATIONS_KEY } from './yaml-spec.parser.js';

/** Conv's positional args are c2, k, s, p, g, d, act: act (index 6) is dropped, see the header. */
const CONV_ACT_ARG = 6;
const LETTERS = ['n', 's', 'm', 'l', 'x'] as const;

interface HeaderFacts {
  readonly spec: ModelSpec;
  readonly top: ActivationKind;
  readonly others: number;
  readonly sites: number;
  readonly letters: readonly string[];
}

/** How to apply the per-site activations: in the ultralytics package, or in the yolov5 repository (classic anchor head). */
const APPLY_ULTRALYTICS = (end2end: boolean): string[] => [
  '#   import torch.nn as nn, yaml',
  '#   from ultralytics import YOLO',
  '#   cfg = "this-file.yaml"',
  `#   acts = yaml.safe_load(open(cfg)).get("${SITE_ACTIVATIONS_KEY}") or {}`,
  '#   def apply(m):',
  '#       for site, act in acts.items():',
  ...(end2end
    ? [
      '#           # the one-to-one head deploys; its one-to-many twin trains beside it: same activation',
      '#           for s in {site, site.replace("one2one_", "")}:',
      '#               m.get_submodule(s.rsplit(".", 1)[0]).act = eval(act)',
    ]
    : ['#           m.get_submodule(site.rsplit(".", 1)[0]).act = eval(act)']),
  '#   model = YOLO(cfg)',
  '#   apply(model.model)',
  '#   model.add_callback("on_pretrain_routine_end", lambda t: (apply(t.model), apply(t.ema.ema)))',
  '#   model.train(data="coco.yaml", epochs=100)',
];

const APPLY_YOLOV5: string[] = [
  '#   # inside a clone of https://github.com/ultralytics/yolov5 (models/yolo.py builds this file;',
  '#   # the ultralytics package cannot: its Detect takes no anchors)',
  '#   import torch.nn as nn, yaml',
  '#   from models.yolo import Model',
  '#   cfg = "this-file.yaml"',
  `#   acts = yaml.safe_load(open(cfg)).get("${SITE_ACTIVATIONS_KEY}") or {}`,
  '#   model = Model(cfg)',
  '#   for site, act in acts.items():',
  '#       model.get_submodule(site.rsplit(".", 1)[0]).act = eval(act)',
  '#   # train.py builds its model from --cfg: run the same loop there, right after Model(...)',
];

function header(f: HeaderFacts): string[] {
  const { spec, top } = f;
  const classic = spec.anchors !== undefined;
  const builder = classic ? 'the ultralytics/yolov5 repository (models/yolo.py)' : 'Ultralytics';
  const lines = [
    `# ActNAS mixed-activation model from ${spec.name}: ${f.sites} activation sites, ${f.others} not ${top.torchModule}.`,
    '#',
    `# Per-layer activations. ${builder} builds every Conv with one global activation (the`,
    '# `activation:` key below); Conv(c1, c2, k, s, p, g, d, act) takes `act` only as a Python object,',
    '# and parse_model leaves a string such as "nn.ReLU()" in the args unevaluated, so Conv would',
    '# silently use nn.Identity. This file therefore sets `activation:` to the most common activation',
    `# and lists every other site under \`${SITE_ACTIVATIONS_KEY}\` (module path -> torch module), a key`,
    '# parse_model ignores. Apply it after the model is built, including inside the trainer (which',
    '# rebuilds the model from this YAML) and its EMA copy:',
    '#',
    ...(classic ? APPLY_YOLOV5 : APPLY_ULTRALYTICS(spec.endToEnd || spec.layers.some((l) => l.module === 'v10Detect'))),
    '#',
    '# parse_model sets `Conv.default_act` from `activation:` for the whole Python process (it is a',
    '# class attribute): a model built later in the same process inherits it unless its own YAML',
    '# sets `activation:`. Build other models in a fresh process, or reset `Conv.default_act = nn.SiLU()`.',
  ];
  if (spec.layout === 'pre-8.4' && !classic) {
    lines.push(
      '#',
      `# Module layout pre-8.4 (\`${LAYOUT_KEY}\`): checkpoints trained before Ultralytics 8.4.0 have an`,
      '# activation after SPPF.cv1, which 8.4 builds without; its site is listed above so apply() puts it back.',
    );
  }
  if (!classic) lines.push('#', ...scalesNote(spec, f.letters));
  return lines;
}

function scalesNote(spec: ModelSpec, letters: readonly string[]): string[] {
  if (letters.length === LETTERS.length) {
    return [
      '# `scales` repeats one [depth, width, max_channels] under every letter: Ultralytics guesses the',
      '# scale from the file name, and any guess must give this model.',
    ];
  }
  const why = [
    ...(spec.layers.some((l) => l.module === 'C3k2') ? ['C3k2 for m, l and x'] : []),
    ...(spec.layers.some((l) => l.module === 'A2C2f') ? ['A2C2f for l and x'] : []),
  ].join(' and ');
  return [
    `# \`scales\` repeats one [depth, width, max_channels] under ${letters.join(', ')} only: Ultralytics guesses the`,
    `# scale from the file name, and parse_model changes ${why}; a file name with one of`,
    `# ${letters.join(', ')} or no scale letter gives this model.`,
  ];
}

/**
 * An Ultralytics model YAML for the spec with the given per-site activations: same layers, top-level
 * `activation:` = the most common activation, the rest under `actnas_activations` (see the header
 * comment it writes). `parseModelYaml` reads the file back to the same model and activations.
 */
export function toUltralyticsYaml(spec: ModelSpec, assignment: ActivationAssignment = new Map()): string {
  const sites = buildGraph(spec, { imgsz: 640 }).sites;
  const chosen = resolve(sites, assignment);
  const top = mostCommon([...chosen.values()]);
  // Sites 8.4 builds without an activation (pre-8.4 SPPF.cv1) must be listed even when they use the top one.
  const restored = spec.layout === 'pre-8.4' && !spec.anchors ? sppfCv1Sites(spec) : new Set<string>();
  const others = [...chosen].filter(([site, kind]) => kind.id !== top.id || restored.has(site));
  const letters = equivalentLetters(spec);
  const lines = [
    ...header({ spec, top, others: others.filter(([, k]) => k.id !== top.id).length, sites: sites.length, letters }),
    '',
    `nc: ${spec.nc} # number of classes`,
    `activation: ${top.torchModule}`,
    ...(spec.endToEnd ? ['end2end: True # whether to use end-to-end mode'] : []),
    ...(spec.regMax !== 16 ? [`reg_max: ${spec.regMax} # DFL bins`] : []),
    ...(spec.kptShape && spec.task === 'pose' ? [`kpt_shape: ${flow(spec.kptShape)} # number of keypoints, number of dims`] : []),
    ...(spec.layout === 'pre-8.4' && !spec.anchors ? [`${LAYOUT_KEY}: pre-8.4 # module layout before Ultralytics 8.4.0 (ActNAS key)`] : []),
    ...scalesLines(spec, letters),
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

/** SPPF.cv1 activation sites (`model.9.cv1.act`, or `model.9.<j>.cv1.act` when repeated). */
function sppfCv1Sites(spec: ModelSpec): Set<string> {
  const sites = buildGraph(spec, { imgsz: 640 }).sites;
  const sppf = new Set(spec.layers.filter((l) => l.module === 'SPPF').map((l) => l.index));
  return new Set(sites.filter((s) => sppf.has(s.layer) && /\.cv1\.act$/.test(s.name)).map((s) => s.name));
}

/**
 * The scale letters under which parse_model builds this very model: all five, unless C3k2 (c3k
 * forced for m, l, x) or A2C2f (residual for l, x) makes the letter matter. The spec's own letter
 * comes first, so a file name with no letter picks it.
 */
function equivalentLetters(spec: ModelSpec): string[] {
  const c3k2 = spec.layers.some((l) => l.module === 'C3k2');
  const a2 = spec.layers.some((l) => l.module === 'A2C2f');
  const key = (letter: string): string => `${c3k2 && 'mlx'.includes(letter)}:${a2 && 'lx'.includes(letter)}`;
  const own = key(spec.scaleLetter);
  const same = LETTERS.filter((l) => key(l) === own);
  const first = (LETTERS as readonly string[]).includes(spec.scaleLetter) ? spec.scaleLetter : same[0]!;
  return [first, ...same.filter((l) => l !== first)];
}

function scalesLines(spec: ModelSpec, letters: readonly string[]): string[] {
  if (spec.anchors) {
    // The classic anchor head trains in the ultralytics/yolov5 repository, which reads these keys.
    return [`depth_multiple: ${spec.depthMultiple}`, `width_multiple: ${spec.widthMultiple}`];
  }
  const max = Number.isFinite(spec.maxChannels) && spec.maxChannels < Number.MAX_SAFE_INTEGER ? spec.maxChannels : 1_000_000;
  const row = `[${spec.depthMultiple}, ${spec.widthMultiple}, ${max}]`;
  return ['scales: # [depth, width, max_channels], one model under every letter listed', ...letters.map((k) => `  ${k}: ${row}`)];
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
