import type { GraphContext } from '../graph-context.js';
import type { Scope } from '../graph-scope.js';
import { subScope } from '../graph-scope.js';
import type { TensorRef } from '../graph.types.js';
import { ModelSpecError } from '../model-spec.error.js';
import { hidden } from './module-args.js';

/**
 * Ultralytics `Attention(dim, num_heads, attn_ratio)`: qkv, proj and pe are Conv(act=False), so
 * the block has no activation site; the algebra between them is one attention op.
 */
export function attention(ctx: GraphContext, scope: Scope, x: TensorRef, heads: number, attnRatio: number): TensorRef {
  const dim = x.shape[0]!;
  if (heads < 1 || dim % heads !== 0) {
    throw new ModelSpecError(`attention over ${dim} channels needs a head count dividing it, got ${heads} (Ultralytics uses channels // 64)`, ctx.layer, 'args');
  }
  const headDim = dim / heads;
  const keyDim = hidden(headDim, attnRatio);
  const qkv = ctx.conv(subScope(scope, 'qkv'), x, dim + 2 * keyDim * heads, { act: false });
  const [y, v] = ctx.attention(scope, qkv, { variant: 'psa', heads, keyDim, headDim, area: 1 });
  const pe = ctx.conv(subScope(scope, 'pe'), v, dim, { k: 3, g: dim, act: false });
  return ctx.conv(subScope(scope, 'proj'), ctx.add(scope, y, pe), dim, { act: false });
}

/** `PSABlock(c, attn_ratio, num_heads, shortcut)`: x + attn(x), then x + ffn(x); ffn = Conv(c, 2c) → Conv(2c, c, act=False). */
export function psaBlock(ctx: GraphContext, scope: Scope, x: TensorRef, o: { readonly attnRatio: number; readonly heads: number; readonly shortcut: boolean }): TensorRef {
  const c = x.shape[0]!;
  const a = attention(ctx, subScope(scope, 'attn'), x, o.heads, o.attnRatio);
  const y = o.shortcut ? ctx.add(scope, x, a) : a;
  const f = ffn(ctx, subScope(scope, 'ffn', 'sequential'), y, c);
  return o.shortcut ? ctx.add(scope, y, f) : f;
}

export function ffn(ctx: GraphContext, seq: Scope, x: TensorRef, c: number): TensorRef {
  const h = ctx.conv(subScope(seq, '0'), x, 2 * c);
  return ctx.conv(subScope(seq, '1'), h, c, { act: false });
}

