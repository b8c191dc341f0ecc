import { SiLU } from '../../activations/index.js';
import type { GraphContext } from '../graph-context.js';
import type { Scope } from '../graph-scope.js';
import { subScope } from '../graph-scope.js';
import type { TensorRef } from '../graph.types.js';
import { ModelSpecError } from '../model-spec.error.js';
import { c3Block } from './csp.module.js';
import type { LayerInput, ModuleBuilder } from './module.types.js';
import { c2Arg, intArg, noRepeats, single, summaryArgs } from './module-args.js';
import { repeatModule } from './repeat.js';

/**
 * Ultralytics `RepConv(c1, c2, 3)` (YOLOv9's RepConvN): act(Conv3×3(x) + Conv1×1(x)), both
 * act=False; deployed as one 3×3 conv. Its activation is RepConv.default_act (SiLU), which a
 * YAML's `activation:` does not change.
 */
function repConv(ctx: GraphContext, scope: Scope, x: TensorRef, c2: number): TensorRef {
  return ctx.conv(scope, x, c2, { k: 3, p: 1, act: SiLU, branch: { k: 1, p: 0, name: 'conv2' } });
}

/** `RepBottleneck(c1, c2, shortcut, g, k=(3, 3), e)`: RepConv cv1, Conv cv2, plus x when shapes allow. */
function repBottleneck(ctx: GraphContext, scope: Scope, x: TensorRef, c2: number, shortcut: boolean): TensorRef {
  const a = repConv(ctx, subScope(scope, 'cv1'), x, c2);
  const b = ctx.conv(subScope(scope, 'cv2'), a, c2, { k: 3 });
  return shortcut && x.shape[0] === c2 ? ctx.add(scope, x, b) : b;
}

/** `RepCSP(c1, c2, n)`: a C3 of RepBottlenecks (e=1). */
function repCsp(ctx: GraphContext, scope: Scope, x: TensorRef, c2: number, n: number): TensorRef {
  return c3Block(ctx, scope, x, c2, n, 0.5, (c) => (s, t) => repBottleneck(ctx, s, t, c, true));
}

/** ELAN args `[c2, c3, c4(, n)]`: c2 width-scaled as a base module, c3 and c4 as written. */
function elanArgs(input: LayerInput) {
  noRepeats(input);
  const { layer } = input;
  const c3 = intArg(layer, 1, 'c3');
  const c4 = intArg(layer, 2, 'c4');
  if (c3 % 2 !== 0) throw new ModelSpecError(`c3 ${c3} must be even (the module splits it in two)`, layer.index, 'args[1]');
  return { c2: c2Arg(input), c3, c4 };
}

function elan(input: LayerInput, c2: number, c3: number, stage: (scope: Scope, x: TensorRef) => TensorRef, stage3: (scope: Scope, x: TensorRef) => TensorRef): TensorRef {
  const { ctx, scope } = input;
  const x = single(input);
  const parts: TensorRef[] = [...ctx.split(scope, ctx.conv(subScope(scope, 'cv1'), x, c3), [c3 / 2, c3 / 2])];
  parts.push(stage(subScope(scope, 'cv2'), parts[1]!));
  parts.push(stage3(subScope(scope, 'cv3'), parts[2]!));
  return ctx.conv(subScope(scope, 'cv4'), ctx.concat(scope, parts), c2);
}

/** `RepNCSPELAN4(c1, c2, c3, c4, n=1)` (YOLOv9): cv1 split in two; cv2 = RepCSP + Conv 3×3, cv3 the same; cv4 over all four. */
export const buildRepNCSPELAN4: ModuleBuilder = (input) => {
  const { ctx, layer } = input;
  const { c2, c3, c4 } = elanArgs(input);
  const n = intArg(layer, 3, 'n', 1);
  const stage = (scope: Scope, t: TensorRef): TensorRef => {
    const seq: Scope = { ...scope, container: true };
    const y = repCsp(ctx, subScope(seq, '0'), t, c4, n);
    return ctx.conv(subScope(seq, '1'), y, c4, { k: 3 });
  };
  const output = elan(input, c2, c3, stage, stage);
  return { output, args: summaryArgs(input, single(input).shape[0]!, c2) };
};

/** `ELAN1(c1, c2, c3, c4)` (YOLOv9t/s): RepNCSPELAN4 with plain 3×3 Convs as cv2 and cv3. */
export const buildELAN1: ModuleBuilder = (input) => {
  const { ctx } = input;
  const { c2, c3, c4 } = elanArgs(input);
  const conv = (scope: Scope, t: TensorRef): TensorRef => ctx.conv(scope, t, c4, { k: 3 });
  const output = elan(input, c2, c3, conv, conv);
  return { output, args: summaryArgs(input, single(input).shape[0]!, c2) };
};

/** `AConv(c1, c2)`: avg_pool2d(2, 1), then a 3×3 stride-2 Conv. */
export const buildAConv: ModuleBuilder = (input) => {
  const { ctx } = input;
  const x = single(input);
  const c2 = c2Arg(input);
  const output = repeatModule(input, x, (scope, t) => ctx.conv(subScope(scope, 'cv1'), ctx.avgpool(scope, t, 2, 1), c2, { k: 3, s: 2, p: 1 }));
  return { output, args: summaryArgs(input, x.shape[0]!, c2) };
};

/** `ADown(c1, c2)`: avg_pool2d(2, 1), chunk; half one a 3×3/2 Conv, half two max_pool(3, 2, 1) + 1×1 Conv; concat. */
export const buildADown: ModuleBuilder = (input) => {
  const { ctx } = input;
  const x = single(input);
  const c2 = c2Arg(input);
  const output = repeatModule(input, x, (scope, t) => {
    const c1 = t.shape[0]!;
    if (c1 % 2 !== 0) throw new ModelSpecError(`ADown splits its ${c1} input channels in two`, input.layer.index, 'from');
    const [a, b] = ctx.split(scope, ctx.avgpool(scope, t, 2, 1), [c1 / 2, c1 / 2]);
    const y1 = ctx.conv(subScope(scope, 'cv1'), a!, Math.floor(c2 / 2), { k: 3, s: 2, p: 1 });
    const y2 = ctx.conv(subScope(scope, 'cv2'), ctx.maxpool(scope, b!, 3, 2, 1), Math.floor(c2 / 2), { p: 0 });
    return ctx.concat(scope, [y1, y2]);
  });
  return { output, args: summaryArgs(input, x.shape[0]!, c2) };
};

/** `SPPELAN(c1, c2, c3, k=5)`: cv1, three chained max-pools (cv2..cv4), concat, cv5. */
export const buildSPPELAN: ModuleBuilder = (input) => {
  const { ctx, layer } = input;
  const x = single(input);
  const c2 = c2Arg(input);
  const c3 = intArg(layer, 1, 'c3');
  const k = intArg(layer, 2, 'k', 5);
  const output = repeatModule(input, x, (scope, t) => {
    const y = [ctx.conv(subScope(scope, 'cv1'), t, c3)];
    for (const name of ['cv2', 'cv3', 'cv4']) y.push(ctx.maxpool(subScope(scope, name), y[y.length - 1]!, k));
    return ctx.conv(subScope(scope, 'cv5'), ctx.concat(scope, y), c2);
  });
  return { output, args: summaryArgs(input, x.shape[0]!, c2) };
};

/** `CBLinear(c1, c2s, k=1)` (YOLOv9e): one nn.Conv2d with bias to Σc2s channels, split into c2s. */
export const buildCBLinear: ModuleBuilder = (input) => {
  noRepeats(input);
  const { ctx, layer, scope } = input;
  const x = single(input);
  const list = layer.args[0];
  if (!Array.isArray(list) || list.length === 0 || !list.every((c) => typeof c === 'number' && Number.isInteger(c) && c > 0)) {
    throw new ModelSpecError(`argument 0 (c2s) must be a list of channel counts, got ${JSON.stringify(list ?? null)}`, layer.index, 'args[0]');
  }
  const c2s = list as number[];
  const k = intArg(layer, 1, 'k', 1);
  const s = intArg(layer, 2, 's', 1);
  const p = intArg(layer, 3, 'p', Math.floor(k / 2));
  const g = intArg(layer, 4, 'g', 1);
  const y = ctx.conv2d(subScope(scope, 'conv'), x, c2s.reduce((a, b) => a + b, 0), k, true, { s, p, g });
  const parts = ctx.split(scope, y, c2s);
  return { output: parts[0]!, list: parts, args: [x.shape[0]!, c2s, ...layer.args.slice(1)] };
};

/** `CBFuse(idx)` (YOLOv9e): part idx[i] of each CBLinear input, resized (nearest) to the last input, summed with it. */
export const buildCBFuse: ModuleBuilder = (input) => {
  noRepeats(input);
  const { ctx, layer, scope, inputs, lists } = input;
  const idx = layer.args[0];
  if (!Array.isArray(idx) || idx.length !== inputs.length - 1 || !idx.every((i) => typeof i === 'number' && Number.isInteger(i) && i >= 0)) {
    throw new ModelSpecError(`argument 0 (idx) must list one part index per CBLinear input (${inputs.length - 1})`, layer.index, 'args[0]');
  }
  const target = inputs[inputs.length - 1]!;
  const size: [number, number] = [target.shape[1]!, target.shape[2]!];
  const parts = (idx as number[]).map((i, j) => {
    const part = lists[j]?.[i];
    if (!part) throw new ModelSpecError(`input ${j} has no part ${i} (CBFuse reads the outputs of a CBLinear)`, layer.index, 'from');
    const whole = (a: number, b: number): boolean => a % b === 0 || b % a === 0;
    if (!whole(size[0], part.shape[1]!) || !whole(size[1], part.shape[2]!)) {
      throw new ModelSpecError(`cannot resize ${part.shape[1]}x${part.shape[2]} to ${size.join('x')} by a whole factor`, layer.index, 'from');
    }
    return ctx.resize(scope, part, size);
  });
  return { output: ctx.sum(scope, [...parts, target]), args: [...layer.args] };
};
