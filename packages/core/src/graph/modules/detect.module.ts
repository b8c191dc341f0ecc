import type { GraphContext } from '../graph-context.js';
import type { Scope } from '../graph-scope.js';
import { subScope } from '../graph-scope.js';
import type { DetectExtra, TensorRef, YamlArg } from '../graph.types.js';
import { ModelSpecError } from '../model-spec.error.js';
import type { LayerInput, LayerResult, ModuleBuilder } from './module.types.js';
import { intArg, makeDivisible, noRepeats } from './module-args.js';

/** Ultralytics' `max_det`: an end-to-end head keeps this many anchors (fewer when the image has fewer). */
export const MAX_DET = 300;

function levels(input: LayerInput) {
  noRepeats(input);
  const { layer, nc, imgsz } = input;
  const ncArg = layer.args[0] ?? 'nc';
  if (ncArg !== 'nc' && ncArg !== input.spec.nc) {
    throw new ModelSpecError(`argument 0 of ${layer.module} must be nc, got ${JSON.stringify(ncArg)}`, layer.index, 'args[0]');
  }
  const grids = input.inputs.map((x) => [x.shape[1]!, x.shape[2]!] as const);
  const strides = grids.map(([h]) => imgsz / h);
  if (strides.some((s) => !Number.isInteger(s))) {
    throw new ModelSpecError(`input size ${imgsz} does not divide into the detection grids`, layer.index, 'from');
  }
  return { nc, grids, strides, ch: input.inputs.map((x) => x.shape[0]!) };
}

/** A per-level branch: the sequence `head` of convs, then the final nn.Conv2d `<seq>.2` (or a named one). */
type Branch = (ctx: GraphContext, seq: Scope, x: TensorRef) => TensorRef;

/** `Sequential(Conv(x, c, 3), Conv(c, c, 3), nn.Conv2d(c, out, 1))`: box, legacy class, mask and keypoint branches. */
const plainBranch = (c: number, out: number | undefined): Branch => (ctx, seq, x) => {
  const a = ctx.conv(subScope(seq, '0'), x, c, { k: 3 });
  const b = ctx.conv(subScope(seq, '1'), a, c, { k: 3 });
  return out === undefined ? b : ctx.conv2d(subScope(seq, '2'), b, out, 1);
};

/**
 * The class branch of YOLO11/12/26 (non-legacy Detect) and of v10Detect: depthwise 3×3 + 1×1
 * twice, `Sequential(Sequential(DWConv(x, x, 3), Conv(x, c3, 1)), Sequential(DWConv(c3, c3, 3), Conv(c3, c3, 1)), nn.Conv2d(c3, nc, 1))`.
 */
const lightBranch = (c3: number, nc: number): Branch => (ctx, seq, x) => {
  const s0 = subScope(seq, '0', 'sequential');
  const a = ctx.conv(subScope(s0, '0'), x, x.shape[0]!, { k: 3, g: x.shape[0]! });
  const b = ctx.conv(subScope(s0, '1'), a, c3);
  const s1 = subScope(seq, '1', 'sequential');
  const c = ctx.conv(subScope(s1, '0'), b, c3, { k: 3, g: c3 });
  const d = ctx.conv(subScope(s1, '1'), c, c3);
  return ctx.conv2d(subScope(seq, '2'), d, nc, 1);
};

/** Scopes and inputs of one head, for the branch builders. */
interface HeadRunner {
  readonly ctx: GraphContext;
  readonly levels: number;
  /** Runs `build` on level i at `<head>.<attr>.<i>` (an nn.Sequential in a ModuleList). */
  run(attr: string, build: Branch, i: number, x?: TensorRef): TensorRef;
  /** A plain module `<head>.<attr>.<i>` of a ModuleList (Pose26's cv4_kpts convs). */
  conv2d(attr: string, i: number, x: TensorRef, out: number): TensorRef;
}

interface HeadPlan {
  readonly nc: number;
  readonly regMax: number;
  readonly endToEnd: boolean;
  readonly box: Branch;
  readonly cls: Branch;
  /** The extra per-anchor rows (Segment's mask coefficients, Pose's keypoints), one tensor per level. */
  readonly extra?: {
    readonly build: (h: HeadRunner, prefix: string) => readonly TensorRef[];
    readonly make: (ids: readonly number[]) => DetectExtra;
    readonly rows: number;
  };
  /** Modules of a branch set that only train (Pose26's cv4_sigma), given its prefix. */
  readonly trainingOnly?: (h: HeadRunner, prefix: string) => void;
}

/**
 * Builds every branch of an anchor-free head in the order Ultralytics 8.4 runs them: all box
 * branches, then all class branches, then the extra branch (pre-8.4: the extra branch first,
 * then box and class level by level). An end-to-end head deploys its `one2one_*` copies; the
 * one-to-many originals only train. `after` builds what runs after the branches (Proto).
 */
function buildHead(input: LayerInput, plan: HeadPlan, after: () => readonly TensorRef[] = () => []): { output: TensorRef; extraOutputs: readonly TensorRef[] } {
  const { ctx, scope, inputs, spec } = input;
  const { grids, strides } = levels(input);
  const h: HeadRunner = {
    ctx,
    levels: inputs.length,
    run: (attr, build, i, x) => build(ctx, subScope(subScope(scope, attr, 'modulelist'), String(i), 'sequential'), x ?? inputs[i]!),
    conv2d: (attr, i, x, out) => ctx.conv2d(subScope(subScope(scope, attr, 'modulelist'), String(i)), x, out, 1),
  };
  const branches = (prefix: string) => {
    const boxes: TensorRef[] = [];
    const scores: TensorRef[] = [];
    if (spec.layout === 'pre-8.4') {
      const extra = plan.extra?.build(h, prefix) ?? [];
      inputs.forEach((_, i) => {
        boxes.push(h.run(`${prefix}cv2`, plan.box, i));
        scores.push(h.run(`${prefix}cv3`, plan.cls, i));
      });
      return { boxes, scores, extra };
    }
    inputs.forEach((_, i) => boxes.push(h.run(`${prefix}cv2`, plan.box, i)));
    inputs.forEach((_, i) => scores.push(h.run(`${prefix}cv3`, plan.cls, i)));
    return { boxes, scores, extra: plan.extra?.build(h, prefix) ?? [] };
  };
  if (plan.endToEnd) {
    ctx.training(() => {
      branches('');
      plan.trainingOnly?.(h, '');
    });
  }
  const prefix = plan.endToEnd ? 'one2one_' : '';
  const { boxes, scores, extra } = branches(prefix);
  if (plan.trainingOnly) ctx.training(() => plan.trainingOnly!(h, prefix));
  const extraOutputs = after();
  const anchors = grids.reduce((sum, [gh, gw]) => sum + gh * gw, 0);
  const rows = plan.extra?.rows ?? 0;
  const maxDet = Math.min(MAX_DET, anchors);
  const shape = plan.endToEnd ? [maxDet, 6 + rows] : [4 + plan.nc + rows, anchors];
  const output = ctx.detect(scope, {
    kind: 'detect', inputs: [...boxes, ...scores, ...extra].map((t) => t.id), nc: plan.nc, regMax: plan.regMax, strides, grids,
    boxes: boxes.map((t) => t.id), scores: scores.map((t) => t.id),
    ...(plan.extra ? { extra: plan.extra.make(extra.map((t) => t.id)) } : {}),
    endToEnd: plan.endToEnd, maxDet, boxBranch: `${scope.module}.${prefix}cv2`, clsBranch: `${scope.module}.${prefix}cv3`,
  }, shape);
  return { output, extraOutputs };
}

/** One Sequential branch per level at `<prefix><attr>`. */
const perLevel = (attr: string, build: Branch) => (h: HeadRunner, prefix: string): readonly TensorRef[] =>
  Array.from({ length: h.levels }, (_, i) => h.run(`${prefix}${attr}`, build, i));

/** parse_model passes `d.get("end2end")`: None unless the YAML sets it. */
const endToEndArg = (input: LayerInput): boolean | null => (input.spec.endToEnd ? true : null);

/** The class count and the input channels per level (validates the head's inputs). */
const headArgs = (input: LayerInput): { nc: number; ch: number[] } => levels(input);

function boxChannels(ch: readonly number[], regMax: number): number {
  return Math.max(16, Math.floor(ch[0]! / 4), regMax * 4);
}

function classChannels(ch: readonly number[], nc: number): number {
  return Math.max(ch[0]!, Math.min(nc, 100));
}

function detectPlan(input: LayerInput, nc: number, ch: readonly number[]): Omit<HeadPlan, 'extra'> {
  const { spec, legacy } = input;
  const regMax = spec.regMax;
  const c2 = boxChannels(ch, regMax);
  const c3 = classChannels(ch, nc);
  return { nc, regMax, endToEnd: spec.endToEnd, box: plainBranch(c2, 4 * regMax), cls: legacy ? plainBranch(c3, nc) : lightBranch(c3, nc) };
}

/** `Detect(nc, reg_max, end2end, ch)`: anchor-free head; the classic `[nc, anchors]` YOLOv5 head otherwise. */
export const buildDetect: ModuleBuilder = (input) => {
  if (input.layer.args.length >= 2) return buildDetectV5(input);
  const { nc, ch } = headArgs(input);
  const result = buildHead(input, detectPlan(input, nc, ch));
  return { output: result.output, args: [nc, input.spec.regMax, endToEndArg(input), ch] };
};

/** `v10Detect(nc, ch)`: always end-to-end, DFL 16, the light class branch. */
export const buildV10Detect: ModuleBuilder = (input) => {
  const { nc, ch } = headArgs(input);
  const spec = { ...input.spec, regMax: 16, endToEnd: true };
  const c2 = boxChannels(ch, 16);
  const result = buildHead({ ...input, spec }, { nc, regMax: 16, endToEnd: true, box: plainBranch(c2, 64), cls: lightBranch(classChannels(ch, nc), nc) });
  return { output: result.output, args: [nc, ch] };
};

function segmentArgs(input: LayerInput) {
  const { layer, spec } = input;
  const nm = intArg(layer, 1, 'nm', 32);
  const npr = makeDivisible(Math.min(intArg(layer, 2, 'npr', 256), spec.maxChannels) * spec.widthMultiple, 8);
  return { nm, npr };
}

/** `Proto(c1, c_, c2)`: Conv 3×3 → ConvTranspose2d ×2 → Conv 3×3 → Conv 1×1 (mask prototypes at stride 4). */
function proto(ctx: GraphContext, scope: Scope, x: TensorRef, npr: number, nm: number): TensorRef {
  const a = ctx.conv(subScope(scope, 'cv1'), x, npr, { k: 3 });
  const up = ctx.convTranspose(subScope(scope, 'upsample'), a, npr, 2, 2, 0);
  const b = ctx.conv(subScope(scope, 'cv2'), up, npr, { k: 3 });
  return ctx.conv(subScope(scope, 'cv3'), b, nm);
}

/**
 * `Proto26(ch, c_, c2, nc)`: refine P4, P5 to P3's channels (1×1), resize to P3 and add, fuse
 * (3×3), then Proto. Its semantic head (`semseg`) only trains.
 */
function proto26(ctx: GraphContext, scope: Scope, xs: readonly TensorRef[], npr: number, nm: number, nc: number): TensorRef {
  let feat = xs[0]!;
  const size: [number, number] = [feat.shape[1]!, feat.shape[2]!];
  const refine = subScope(scope, 'feat_refine', 'modulelist');
  xs.slice(1).forEach((x, i) => {
    const up = ctx.conv(subScope(refine, String(i)), x, xs[0]!.shape[0]!);
    feat = ctx.add(scope, feat, ctx.resize(scope, up, size));
  });
  const fused = ctx.conv(subScope(scope, 'feat_fuse'), feat, npr, { k: 3 });
  const base = feat;
  ctx.training(() => plainBranch(npr, nc)(ctx, subScope(scope, 'semseg', 'sequential'), base));
  return proto(ctx, scope, fused, npr, nm);
}

function buildSegmentHead(input: LayerInput, v26: boolean): LayerResult {
  const { nc, ch } = headArgs(input);
  const { nm, npr } = segmentArgs(input);
  const c4 = Math.max(Math.floor(ch[0]! / 4), nm);
  const plan: HeadPlan = {
    ...detectPlan(input, nc, ch),
    extra: { build: perLevel('cv4', plainBranch(c4, nm)), make: (ids) => ({ kind: 'mask', nm, inputs: ids }), rows: nm },
  };
  const { ctx } = input;
  const scope = subScope(input.scope, 'proto');
  const protoOf = (): TensorRef => (v26 ? proto26(ctx, scope, input.inputs, npr, nm, nc) : proto(ctx, scope, input.inputs[0]!, npr, nm));
  // Before 8.4, Segment ran its Proto before the head branches.
  const early = input.spec.layout === 'pre-8.4' ? protoOf() : undefined;
  const result = buildHead(input, plan, () => [early ?? protoOf()]);
  return { output: result.output, args: [nc, nm, npr, input.spec.regMax, endToEndArg(input), ch], extraOutputs: result.extraOutputs };
}

/** `Segment(nc, nm=32, npr=256, ...)`: Detect + mask coefficients (cv4) + Proto on P3; two outputs. */
export const buildSegment: ModuleBuilder = (input) => buildSegmentHead(input, false);
/** `Segment26`: Segment with Proto26 (multi-scale proto). */
export const buildSegment26: ModuleBuilder = (input) => buildSegmentHead(input, true);

function kptShapeArg(input: LayerInput): readonly [number, number] {
  const v: YamlArg | undefined = input.layer.args[1];
  if (v === undefined || v === 'kpt_shape') return input.spec.kptShape ?? [17, 3];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isInteger(x) && x > 0) && (v[1] === 2 || v[1] === 3)) {
    return [v[0] as number, v[1] as number];
  }
  throw new ModelSpecError(`argument 1 (kpt_shape) must be [keypoints, 2 or 3], got ${JSON.stringify(v)}`, input.layer.index, 'args[1]');
}

/** Parameters of Pose26's RealNVP flow model (training only): 6 scale and 6 translation MLPs 2→64→64→2. */
const REALNVP_PARAMS = 12 * (2 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2);

/** `Pose(nc, kpt_shape)` and `Pose26`: Detect + keypoints (cv4), decoded to pixels. */
function buildPoseHead(input: LayerInput, v26: boolean): LayerResult {
  const { nc, ch } = headArgs(input);
  const kptShape = kptShapeArg(input);
  const nk = kptShape[0] * kptShape[1];
  const base = detectPlan(input, nc, ch);
  const make = (ids: readonly number[]): DetectExtra => ({ kind: 'keypoints', kptShape, variant: v26 ? '26' : 'v8', inputs: ids });
  if (!v26) {
    const c4 = Math.max(Math.floor(ch[0]! / 4), nk);
    const result = buildHead(input, { ...base, extra: { build: perLevel('cv4', plainBranch(c4, nk)), make, rows: nk } });
    return { output: result.output, args: [nc, kptShape, input.spec.regMax, endToEndArg(input), ch] };
  }
  const c4 = Math.max(Math.floor(ch[0]! / 4), kptShape[0] * (kptShape[1] + 2));
  // Pose26 runs cv4 on every level, then the 1×1 cv4_kpts; cv4_sigma (and the flow model) only train.
  let features: readonly TensorRef[] = [];
  const result = buildHead(input, {
    ...base,
    extra: {
      build: (h, prefix) => {
        features = perLevel('cv4', plainBranch(c4, undefined))(h, prefix);
        return features.map((f, i) => h.conv2d(`${prefix}cv4_kpts`, i, f, nk));
      },
      make,
      rows: nk,
    },
    trainingOnly: (h, prefix) => features.forEach((f, i) => h.conv2d(`${prefix}cv4_sigma`, i, f, kptShape[0] * 2)),
  });
  input.ctx.training(() => input.ctx.addParams(REALNVP_PARAMS));
  return { output: result.output, args: [nc, kptShape, input.spec.regMax, endToEndArg(input), ch] };
}

export const buildPose: ModuleBuilder = (input) => buildPoseHead(input, false);
export const buildPose26: ModuleBuilder = (input) => buildPoseHead(input, true);

/** Classic YOLOv5 `Detect(nc, anchors, ch)`: one 1×1 conv per level, sigmoid grid/anchor decode. */
function buildDetectV5(input: LayerInput): LayerResult {
  const { ctx, scope, layer, spec } = input;
  const { nc, grids, strides, ch } = levels(input);
  const anchorsArg = layer.args[1];
  const anchors = anchorsArg === 'anchors' ? spec.anchors : (anchorsArg as readonly (readonly number[])[] | undefined);
  if (!anchors || !Array.isArray(anchors) || anchors.length !== input.inputs.length) {
    throw new ModelSpecError(`Detect needs one anchor row per input level (${input.inputs.length})`, layer.index, 'args[1]');
  }
  const na = anchors[0]!.length / 2;
  const m = subScope(scope, 'm', 'modulelist');
  const heads = input.inputs.map((x, i) => ctx.conv2d(subScope(m, String(i)), x, (nc + 5) * na, 1));
  const rows = grids.reduce((sum, [h, w]) => sum + na * h * w, 0);
  const output = ctx.detect(scope, { kind: 'detect-v5', inputs: heads.map((t) => t.id), nc, anchors, strides, grids }, [rows, nc + 5]);
  return { output, args: [nc, anchors, ch] };
}
