import type { GraphContext } from '../graph-context.js';
import type { Scope } from '../graph-scope.js';
import { subScope } from '../graph-scope.js';
import type { TensorRef } from '../graph.types.js';
import { ModelSpecError } from '../model-spec.error.js';
import { c3k } from './csp.module.js';
import type { ModuleBuilder } from './module.types.js';
import { boolArg, c2Arg, hidden, intArg, numberArg, single, summaryArgs } from './module-args.js';

/**
 * YOLO12 `AAttn(dim, num_heads, area)`: attention within `area` horizontal strips of the map;
 * qkv, proj and the 7×7 depthwise pe are Conv(act=False), so no activation site.
 */
function areaAttention(ctx: GraphContext, scope: Scope, x: TensorRef, heads: number, area: number): TensorRef {
  const dim = x.shape[0]!;
  const headDim = Math.floor(dim / heads);
  const all = headDim * heads;
  const qkv = ctx.conv(subScope(scope, 'qkv'), x, all * 3, { act: false });
  const [y, v] = ctx.attention(scope, qkv, { variant: 'area', heads, keyDim: headDim, headDim, area });
  const pe = ctx.conv(subScope(scope, 'pe'), v, all, { k: 7, p: 3, g: all, act: false });
  return ctx.conv(subScope(scope, 'proj'), ctx.add(scope, y, pe), dim, { act: false });
}

/** `ABlock(dim, num_heads, mlp_ratio, area)`: x + attn(x), then x + mlp(x); mlp = Conv(dim, int(dim·r)) → Conv(act=False). */
function aBlock(ctx: GraphContext, scope: Scope, x: TensorRef, heads: number, mlpRatio: number, area: number): TensorRef {
  const dim = x.shape[0]!;
  const a = ctx.add(scope, x, areaAttention(ctx, subScope(scope, 'attn'), x, heads, area));
  const mlp = subScope(scope, 'mlp', 'sequential');
  const h = ctx.conv(subScope(mlp, '0'), a, hidden(dim, mlpRatio));
  return ctx.add(scope, a, ctx.conv(subScope(mlp, '1'), h, dim, { act: false }));
}

/**
 * `A2C2f(c1, c2, n, a2=True, area=1, residual=False, mlp_ratio=2.0, e=0.5, g=1, shortcut=True)`
 * (YOLO12): cv1, n blocks (two ABlocks when a2, else C3k(c_, c_, 2)) chained, concat all, cv2;
 * with residual, x + gamma·y. parse_model appends residual=True, mlp_ratio=1.2 at scales l and x
 * (and when no scale is known, since "" is in "lx").
 */
export const buildA2C2f: ModuleBuilder = (input) => {
  const { ctx, scope, n, spec } = input;
  const x = single(input);
  const c2 = c2Arg(input);
  const forced = 'lx'.includes(spec.scaleLetter);
  // parse_model appends (True, 1.2) to whatever the YAML gives; read the positions after that.
  const layer = { ...input.layer, args: [...input.layer.args, ...(forced ? [true, 1.2] : [])] };
  const a2 = boolArg(layer, 1, 'a2', true);
  const area = intArg(layer, 2, 'area', 1, undefined, true);
  const residual = boolArg(layer, 3, 'residual', false);
  const mlpRatio = numberArg(layer, 4, 'mlp_ratio', 2);
  const e = numberArg(layer, 5, 'e', 0.5);
  const g = intArg(layer, 6, 'g', 1);
  const shortcut = boolArg(layer, 7, 'shortcut', true);
  const c = hidden(c2, e);
  if (c % 32 !== 0) throw new ModelSpecError(`A2C2f hidden channels ${c} must be a multiple of 32 (ABlock heads are c // 32)`, layer.index, 'args[0]');
  const parts: TensorRef[] = [ctx.conv(subScope(scope, 'cv1'), x, c)];
  const m = subScope(scope, 'm', 'modulelist');
  for (let i = 0; i < n; i++) {
    const prev = parts[parts.length - 1]!;
    if (a2) {
      const seq = subScope(m, String(i), 'sequential');
      const b0 = aBlock(ctx, subScope(seq, '0'), prev, c / 32, mlpRatio, area);
      parts.push(aBlock(ctx, subScope(seq, '1'), b0, c / 32, mlpRatio, area));
    } else {
      parts.push(c3k(ctx, subScope(m, String(i)), prev, c, { n: 2, shortcut, g }));
    }
  }
  const y = ctx.conv(subScope(scope, 'cv2'), ctx.concat(scope, parts), c2);
  const output = a2 && residual ? ctx.scaledAdd(scope, x, y) : y;
  return { output, args: [...summaryArgs(input, x.shape[0]!, c2, true), ...(forced ? [true, 1.2] : [])] };
};
