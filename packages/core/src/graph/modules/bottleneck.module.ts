import type { ActivationKind } from '../../activations/index.js';
import type { GraphContext } from '../graph-context.js';
import type { TensorRef } from '../graph.types.js';
import type { Scope } from '../graph-scope.js';
import { subScope } from '../graph-scope.js';
import type { ModuleBuilder } from './module.types.js';
import { boolArg, intArg, numberArg, scaledChannels, single } from './module-args.js';
import { repeatModule } from './repeat.js';

export interface BottleneckOptions {
  readonly shortcut: boolean;
  readonly g: number;
  readonly k: readonly [number, number];
  readonly e: number;
  readonly act?: ActivationKind;
}

/** `Bottleneck(c1, c2, shortcut, g, k, e)`: cv1 → cv2, plus the input when shapes allow. */
export function bottleneck(ctx: GraphContext, scope: Scope, x: TensorRef, c2: number, o: BottleneckOptions): TensorRef {
  const c1 = x.shape[0]!;
  const hidden = Math.trunc(c2 * o.e);
  const a = ctx.conv(subScope(scope, 'cv1'), x, hidden, { k: o.k[0] });
  const b = ctx.conv(subScope(scope, 'cv2'), a, c2, { k: o.k[1], g: o.g });
  return o.shortcut && c1 === c2 ? ctx.add(scope, x, b) : b;
}

/** A top-level `Bottleneck` layer: args `[c2, shortcut=True, g=1, k=(3, 3), e=0.5]`. */
export const buildBottleneck: ModuleBuilder = (input) => {
  const { layer, spec, ctx, nc } = input;
  const x = single(input);
  const c2 = scaledChannels(spec, intArg(layer, 0, 'c2', undefined, nc), nc);
  const shortcut = boolArg(layer, 1, 'shortcut', true);
  const g = intArg(layer, 2, 'g', 1);
  const kArg = layer.args[3];
  const k: readonly [number, number] = Array.isArray(kArg) && kArg.length === 2 && kArg.every((v) => typeof v === 'number')
    ? [kArg[0] as number, kArg[1] as number]
    : [3, 3];
  const e = numberArg(layer, 4, 'e', 0.5);
  const output = repeatModule(input, x, (scope, t) => bottleneck(ctx, scope, t, c2, { shortcut, g, k, e }));
  return { output, args: [x.shape[0]!, c2, ...layer.args.slice(1)] };
};
