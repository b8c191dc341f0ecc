import type { ModuleBuilder } from './module.types.js';
import { actArg, c2Arg, intArg, optionalIntArg, scaledChannels, single, summaryArgs } from './module-args.js';
import { repeatModule } from './repeat.js';

/** `Conv(c1, c2, k=1, s=1, p=None, g=1, d=1, act=True)`: conv + BatchNorm + activation. */
export const buildConv: ModuleBuilder = (input) => {
  const { layer, spec, ctx, nc } = input;
  const x = single(input);
  const c2 = scaledChannels(spec, intArg(layer, 0, 'c2', undefined, nc), nc);
  const k = intArg(layer, 1, 'k', 1);
  const s = intArg(layer, 2, 's', 1);
  const p = optionalIntArg(layer, 3, 'p');
  const g = intArg(layer, 4, 'g', 1);
  const d = intArg(layer, 5, 'd', 1);
  const act = actArg(layer, 6, spec.activation);
  const output = repeatModule(input, x, (scope, t) => ctx.conv(scope, t, c2, { k, s, p, g, d, act }));
  return { output, args: [x.shape[0]!, c2, ...layer.args.slice(1)] };
};

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** `DWConv(c1, c2, k=1, s=1, d=1, act=True)`: a Conv with groups gcd(c1, c2). */
export const buildDWConv: ModuleBuilder = (input) => {
  const { layer, spec, ctx } = input;
  const x = single(input);
  const c2 = c2Arg(input);
  const k = intArg(layer, 1, 'k', 1);
  const s = intArg(layer, 2, 's', 1);
  const d = intArg(layer, 3, 'd', 1);
  const act = actArg(layer, 4, spec.activation);
  const output = repeatModule(input, x, (scope, t) => ctx.conv(scope, t, c2, { k, s, d, g: gcd(t.shape[0]!, c2), act }));
  return { output, args: summaryArgs(input, x.shape[0]!, c2) };
};
