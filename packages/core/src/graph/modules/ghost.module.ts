import type { ActivationKind } from '../../activations/index.js';
import type { GraphContext } from '../graph-context.js';
import type { Scope } from '../graph-scope.js';
import { subScope } from '../graph-scope.js';
import type { TensorRef } from '../graph.types.js';
import { c3Block } from './csp.module.js';
import type { ModuleBuilder } from './module.types.js';
import { actArg, boolArg, c2Arg, intArg, numberArg, single, summaryArgs } from './module-args.js';
import { repeatModule } from './repeat.js';

/** `GhostConv(c1, c2, k=1, s=1, g=1, act=True)`: cv1 to c2/2 channels, a cheap 5×5 depthwise cv2, concat both. */
function ghostConv(ctx: GraphContext, scope: Scope, x: TensorRef, c2: number, o: { readonly k?: number; readonly s?: number; readonly g?: number; readonly act?: ActivationKind | false }): TensorRef {
  const c = Math.floor(c2 / 2);
  const act = o.act === undefined ? {} : { act: o.act };
  const y = ctx.conv(subScope(scope, 'cv1'), x, c, { k: o.k ?? 1, s: o.s ?? 1, g: o.g ?? 1, ...act });
  return ctx.concat(scope, [y, ctx.conv(subScope(scope, 'cv2'), y, c, { k: 5, g: c, ...act })]);
}

/**
 * `GhostBottleneck(c1, c2, k=3, s=1)`: GhostConv → (depthwise k×k/2 when s = 2) → GhostConv(act=False),
 * plus the shortcut (x, or depthwise + 1×1 Convs without activation when s = 2).
 */
function ghostBottleneck(ctx: GraphContext, scope: Scope, x: TensorRef, c2: number, k: number, s: number): TensorRef {
  const c1 = x.shape[0]!;
  const c = Math.floor(c2 / 2);
  const seq = subScope(scope, 'conv', 'sequential');
  let y = ghostConv(ctx, subScope(seq, '0'), x, c, {});
  if (s === 2) y = ctx.conv(subScope(seq, '1'), y, c, { k, s, g: c, act: false });
  y = ghostConv(ctx, subScope(seq, '2'), y, c2, { act: false });
  let short = x;
  if (s === 2) {
    const sc = subScope(scope, 'shortcut', 'sequential');
    short = ctx.conv(subScope(sc, '1'), ctx.conv(subScope(sc, '0'), x, c1, { k, s, g: c1, act: false }), c2, { act: false });
  }
  return ctx.add(scope, y, short);
}

/** A `GhostConv` layer: args `[c2, k=1, s=1, g=1, act=True]`. */
export const buildGhostConv: ModuleBuilder = (input) => {
  const { layer, spec, ctx } = input;
  const x = single(input);
  const c2 = c2Arg(input);
  const k = intArg(layer, 1, 'k', 1);
  const s = intArg(layer, 2, 's', 1);
  const g = intArg(layer, 3, 'g', 1);
  const act = actArg(layer, 4, spec.activation);
  const output = repeatModule(input, x, (scope, t) => ghostConv(ctx, scope, t, c2, { k, s, g, act }));
  return { output, args: summaryArgs(input, x.shape[0]!, c2) };
};

/** A `GhostBottleneck` layer: args `[c2, k=3, s=1]`. */
export const buildGhostBottleneck: ModuleBuilder = (input) => {
  const { layer, ctx } = input;
  const x = single(input);
  const c2 = c2Arg(input);
  const k = intArg(layer, 1, 'k', 3);
  const s = intArg(layer, 2, 's', 1);
  const output = repeatModule(input, x, (scope, t) => ghostBottleneck(ctx, scope, t, c2, k, s));
  return { output, args: summaryArgs(input, x.shape[0]!, c2) };
};

/** `C3Ghost(c1, c2, n, shortcut=True, g=1, e=0.5)`: a C3 whose blocks are GhostBottleneck(c_, c_). */
export const buildC3Ghost: ModuleBuilder = (input) => {
  const { ctx, scope, n, layer } = input;
  const x = single(input);
  const c2 = c2Arg(input);
  boolArg(layer, 1, 'shortcut', true);
  intArg(layer, 2, 'g', 1);
  const e = numberArg(layer, 3, 'e', 0.5);
  const output = c3Block(ctx, scope, x, c2, n, e, (c) => (s, t) => ghostBottleneck(ctx, s, t, c, 3, 1));
  return { output, args: summaryArgs(input, x.shape[0]!, c2, true) };
};
