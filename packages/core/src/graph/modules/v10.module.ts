import { SiLU } from '../../activations/index.js';
import type { GraphContext } from '../graph-context.js';
import type { Scope } from '../graph-scope.js';
import { subScope } from '../graph-scope.js';
import type { TensorRef } from '../graph.types.js';
import { c2fBlock } from './csp.module.js';
import type { ModuleBuilder } from './module.types.js';
import { boolArg, c2Arg, hidden, intArg, numberArg, single, summaryArgs } from './module-args.js';
import { repeatModule } from './repeat.js';

/** `SCDown(c1, c2, k, s)`: 1×1 Conv, then a depthwise k×k stride-s Conv without activation. */
export const buildSCDown: ModuleBuilder = (input) => {
  const { layer, ctx } = input;
  const x = single(input);
  const c2 = c2Arg(input);
  const k = intArg(layer, 1, 'k');
  const s = intArg(layer, 2, 's');
  const output = repeatModule(input, x, (scope, t) => {
    const a = ctx.conv(subScope(scope, 'cv1'), t, c2);
    return ctx.conv(subScope(scope, 'cv2'), a, c2, { k, s, g: c2, act: false });
  });
  return { output, args: summaryArgs(input, x.shape[0]!, c2) };
};

/**
 * `RepVGGDW(ed)`: act(dw7×7(x) + dw3×3(x)), both Conv(act=False); deployed as one 7×7 conv.
 * Its activation is a fixed nn.SiLU(), not Conv.default_act.
 */
function repVggDw(ctx: GraphContext, scope: Scope, x: TensorRef): TensorRef {
  const ed = x.shape[0]!;
  return ctx.conv(scope, x, ed, { k: 7, p: 3, g: ed, act: SiLU, branch: { k: 3, p: 1, name: 'conv1' } });
}

/** `CIB(c1, c2, shortcut, e, lk)`: dw3×3, 1×1, (RepVGGDW | dw3×3), 1×1, dw3×3, plus x when shapes allow. */
function cib(ctx: GraphContext, scope: Scope, x: TensorRef, c2: number, o: { readonly shortcut: boolean; readonly e: number; readonly lk: boolean }): TensorRef {
  const c1 = x.shape[0]!;
  const c = hidden(c2, o.e);
  const seq = subScope(scope, 'cv1', 'sequential');
  let y = ctx.conv(subScope(seq, '0'), x, c1, { k: 3, g: c1 });
  y = ctx.conv(subScope(seq, '1'), y, 2 * c);
  y = o.lk ? repVggDw(ctx, subScope(seq, '2'), y) : ctx.conv(subScope(seq, '2'), y, 2 * c, { k: 3, g: 2 * c });
  y = ctx.conv(subScope(seq, '3'), y, c2);
  y = ctx.conv(subScope(seq, '4'), y, c2, { k: 3, g: c2 });
  return o.shortcut && c1 === c2 ? ctx.add(scope, x, y) : y;
}

/** `C2fCIB(c1, c2, n, shortcut=False, lk=False, g=1, e=0.5)` (YOLOv10): a C2f of CIB blocks (e=1). */
export const buildC2fCIB: ModuleBuilder = (input) => {
  const { ctx, scope, n, layer } = input;
  const x = single(input);
  const c2 = c2Arg(input);
  const shortcut = boolArg(layer, 1, 'shortcut', false);
  const lk = boolArg(layer, 2, 'lk', false);
  intArg(layer, 3, 'g', 1);
  const e = numberArg(layer, 4, 'e', 0.5);
  const output = c2fBlock(ctx, scope, x, c2, n, e, (c) => (s, t) => cib(ctx, s, t, c, { shortcut, e: 1, lk }));
  return { output, args: summaryArgs(input, x.shape[0]!, c2, true) };
};
