import { subScope } from '../graph-scope.js';
import { ModelSpecError } from '../model-spec.error.js';
import { attention, ffn, psaBlock } from './attention.blocks.js';
import { c2fBlock } from './csp.module.js';
import type { LayerInput, ModuleBuilder } from './module.types.js';
import { c2Arg, hidden, noRepeats, numberArg, single, summaryArgs } from './module-args.js';

function psaArgs(input: LayerInput) {
  const x = single(input);
  const c1 = x.shape[0]!;
  const c2 = c2Arg(input);
  if (c1 !== c2) throw new ModelSpecError(`${input.layer.module} keeps its channels: input ${c1} but c2 ${c2}`, input.layer.index, 'args[0]');
  return { x, c1, e: numberArg(input.layer, 1, 'e', 0.5) };
}

/** `C2PSA(c1, c2, n, e=0.5)` (YOLO11, 26): split cv1 in two, n PSABlocks (heads c // 64) on one half, cv2. */
export const buildC2PSA: ModuleBuilder = (input) => {
  const { ctx, scope, n } = input;
  const { x, c1, e } = psaArgs(input);
  const c = hidden(c1, e);
  const [a, b] = ctx.split(scope, ctx.conv(subScope(scope, 'cv1'), x, 2 * c), [c, c]);
  const m = subScope(scope, 'm', 'sequential');
  let y = b!;
  for (let i = 0; i < n; i++) y = psaBlock(ctx, subScope(m, String(i)), y, { attnRatio: 0.5, heads: Math.floor(c / 64), shortcut: true });
  const output = ctx.conv(subScope(scope, 'cv2'), ctx.concat(scope, [a!, y]), c1);
  return { output, args: summaryArgs(input, c1, c1, true) };
};

/** `C2fPSA(c1, c2, n, e=0.5)`: a C2f whose blocks are PSABlocks (heads max(c // 64, 1)). */
export const buildC2fPSA: ModuleBuilder = (input) => {
  const { ctx, scope, n } = input;
  const { x, c1, e } = psaArgs(input);
  const output = c2fBlock(ctx, scope, x, c1, n, e, (c) => (s, t) => psaBlock(ctx, s, t, { attnRatio: 0.5, heads: Math.max(Math.floor(c / 64), 1), shortcut: true }));
  return { output, args: summaryArgs(input, c1, c1, true) };
};

/** `PSA(c1, c2, e=0.5)` (YOLOv10): like C2PSA with one block written out, heads max(c // 64, 1). */
export const buildPSA: ModuleBuilder = (input) => {
  noRepeats(input);
  const { ctx, scope } = input;
  const { x, c1, e } = psaArgs(input);
  const c = hidden(c1, e);
  const [a, b] = ctx.split(scope, ctx.conv(subScope(scope, 'cv1'), x, 2 * c), [c, c]);
  const att = ctx.add(scope, b!, attention(ctx, subScope(scope, 'attn'), b!, Math.max(Math.floor(c / 64), 1), 0.5));
  const y = ctx.add(scope, att, ffn(ctx, subScope(scope, 'ffn', 'sequential'), att, c));
  const output = ctx.conv(subScope(scope, 'cv2'), ctx.concat(scope, [a!, y]), c1);
  return { output, args: summaryArgs(input, c1, c1) };
};
