import type { GraphContext } from '../graph-context.js';
import type { Scope } from '../graph-scope.js';
import { subScope } from '../graph-scope.js';
import type { TensorRef } from '../graph.types.js';
import { bottleneck } from './bottleneck.module.js';
import type { LayerInput, ModuleBuilder } from './module.types.js';
import { boolArg, c2Arg, hidden, intArg, numberArg, single, summaryArgs } from './module-args.js';
import { psaBlock } from './attention.blocks.js';

/** Builds one block of a CSP module's `m` at its scope. */
export type InnerBlock = (scope: Scope, x: TensorRef) => TensorRef;

/**
 * `C3(c1, c2, n, shortcut, g, e)` and its kin (C3k, C3Ghost, RepCSP): cv3(cat(m(cv1(x)), cv2(x))),
 * m an nn.Sequential of n blocks on c_ = int(c2·e) channels.
 */
export function c3Block(ctx: GraphContext, scope: Scope, x: TensorRef, c2: number, n: number, e: number, block: (c: number) => InnerBlock): TensorRef {
  const c = hidden(c2, e);
  let y = ctx.conv(subScope(scope, 'cv1'), x, c);
  const m = subScope(scope, 'm', 'sequential');
  const inner = block(c);
  for (let i = 0; i < n; i++) y = inner(subScope(m, String(i)), y);
  const z = ctx.conv(subScope(scope, 'cv2'), x, c);
  return ctx.conv(subScope(scope, 'cv3'), ctx.concat(scope, [y, z]), c2);
}

/**
 * `C2f(c1, c2, n, shortcut, g, e)` and its kin (C3k2, C2fCIB, C2fPSA): cv1 to 2c channels, chunk
 * in two, chain n blocks of the ModuleList m on the last part, concat everything, cv2.
 */
export function c2fBlock(ctx: GraphContext, scope: Scope, x: TensorRef, c2: number, n: number, e: number, block: (c: number) => InnerBlock): TensorRef {
  const c = hidden(c2, e);
  const y1 = ctx.conv(subScope(scope, 'cv1'), x, 2 * c);
  const parts: TensorRef[] = [...ctx.split(scope, y1, [c, c])];
  const m = subScope(scope, 'm', 'modulelist');
  const inner = block(c);
  for (let i = 0; i < n; i++) parts.push(inner(subScope(m, String(i)), parts[parts.length - 1]!));
  return ctx.conv(subScope(scope, 'cv2'), ctx.concat(scope, parts), c2);
}

function cspArgs(input: LayerInput, shortcutDefault: boolean) {
  const { layer } = input;
  return {
    c2: c2Arg(input),
    shortcut: boolArg(layer, 1, 'shortcut', shortcutDefault),
    g: intArg(layer, 2, 'g', 1),
    e: numberArg(layer, 3, 'e', 0.5),
  };
}

/** `C3(c1, c2, n, shortcut=True, g=1, e=0.5)`: bottlenecks with kernels (1, 3). */
export const buildC3: ModuleBuilder = (input) => {
  const { ctx, scope, n } = input;
  const x = single(input);
  const { c2, shortcut, g, e } = cspArgs(input, true);
  const output = c3Block(ctx, scope, x, c2, n, e, (c) => (s, t) => bottleneck(ctx, s, t, c, { shortcut, g, k: [1, 3], e: 1 }));
  return { output, args: summaryArgs(input, x.shape[0]!, c2, true) };
};

/** `C3k(c1, c2, n=2, shortcut, g, e, k=3)`: a C3 whose bottlenecks use k×k kernels (inside C3k2, A2C2f). */
export function c3k(ctx: GraphContext, scope: Scope, x: TensorRef, c2: number, o: { readonly n: number; readonly shortcut: boolean; readonly g: number; readonly e?: number; readonly k?: number }): TensorRef {
  const k = o.k ?? 3;
  return c3Block(ctx, scope, x, c2, o.n, o.e ?? 0.5, (c) => (s, t) => bottleneck(ctx, s, t, c, { shortcut: o.shortcut, g: o.g, k: [k, k], e: 1 }));
}

/** `C2f(c1, c2, n, shortcut=False, g=1, e=0.5)`: bottlenecks with 3×3 kernels and e=1. */
export const buildC2f: ModuleBuilder = (input) => {
  const { ctx, scope, n } = input;
  const x = single(input);
  const { c2, shortcut, g, e } = cspArgs(input, false);
  const output = c2fBlock(ctx, scope, x, c2, n, e, (c) => (s, t) => bottleneck(ctx, s, t, c, { shortcut, g, k: [3, 3], e: 1 }));
  return { output, args: summaryArgs(input, x.shape[0]!, c2, true) };
};

/** `C2(c1, c2, n, shortcut=True, g=1, e=0.5)`: cv2(cat(m(a), b)), m an nn.Sequential on the first half. */
export const buildC2: ModuleBuilder = (input) => {
  const { ctx, scope, n } = input;
  const x = single(input);
  const { c2, shortcut, g, e } = cspArgs(input, true);
  const c = hidden(c2, e);
  const [a, b] = ctx.split(scope, ctx.conv(subScope(scope, 'cv1'), x, 2 * c), [c, c]);
  const m = subScope(scope, 'm', 'sequential');
  let y = a!;
  for (let i = 0; i < n; i++) y = bottleneck(ctx, subScope(m, String(i)), y, c, { shortcut, g, k: [3, 3], e: 1 });
  const output = ctx.conv(subScope(scope, 'cv2'), ctx.concat(scope, [y, b!]), c2);
  return { output, args: summaryArgs(input, x.shape[0]!, c2, true) };
};

/**
 * `C3k2(c1, c2, n, c3k=False, e=0.5, attn=False, g=1, shortcut=True)` (YOLO11, 12, 26): a C2f whose
 * blocks are plain bottlenecks (e=0.5), C3k(c, c, 2) when c3k, or Bottleneck + PSABlock when attn.
 * parse_model forces c3k for scales m, l and x (and when no scale is known, since "" is in "mlx").
 */
export const buildC3k2: ModuleBuilder = (input) => {
  const { ctx, scope, n, layer, spec } = input;
  const x = single(input);
  const c2 = c2Arg(input);
  const forced = 'mlx'.includes(spec.scaleLetter);
  const c3kFlag = forced || boolArg(layer, 1, 'c3k', false);
  const e = numberArg(layer, 2, 'e', 0.5);
  const attn = boolArg(layer, 3, 'attn', false);
  const g = intArg(layer, 4, 'g', 1);
  const shortcut = boolArg(layer, 5, 'shortcut', true);
  const output = c2fBlock(ctx, scope, x, c2, n, e, (c) => (s, t) => {
    if (attn) {
      const seq = { ...s, container: true };
      const b = bottleneck(ctx, subScope(seq, '0'), t, c, { shortcut, g, k: [3, 3], e: 0.5 });
      return psaBlock(ctx, subScope(seq, '1'), b, { attnRatio: 0.5, heads: Math.max(Math.floor(c / 64), 1), shortcut: true });
    }
    if (c3kFlag) return c3k(ctx, s, t, c, { n: 2, shortcut, g });
    return bottleneck(ctx, s, t, c, { shortcut, g, k: [3, 3], e: 0.5 });
  });
  const args = summaryArgs(input, x.shape[0]!, c2, true);
  if (forced) args[3] = true;
  return { output, args };
};
