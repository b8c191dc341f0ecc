import { subScope } from '../graph-scope.js';
import type { TensorRef } from '../graph.types.js';
import { bottleneck } from './bottleneck.module.js';
import type { LayerInput, ModuleBuilder } from './module.types.js';
import { boolArg, intArg, numberArg, scaledChannels, single } from './module-args.js';

function cspArgs(input: LayerInput, shortcutDefault: boolean) {
  const { layer, spec, nc } = input;
  return {
    c2: scaledChannels(spec, intArg(layer, 0, 'c2', undefined, nc), nc),
    shortcut: boolArg(layer, 1, 'shortcut', shortcutDefault),
    g: intArg(layer, 2, 'g', 1),
    e: numberArg(layer, 3, 'e', 0.5),
  };
}

/** `C3(c1, c2, n, shortcut=True, g=1, e=0.5)`: cv3(cat(m(cv1(x)), cv2(x))), m an nn.Sequential. */
export const buildC3: ModuleBuilder = (input) => {
  const { ctx, scope, n, layer } = input;
  const x = single(input);
  const { c2, shortcut, g, e } = cspArgs(input, true);
  const hidden = Math.trunc(c2 * e);
  let y = ctx.conv(subScope(scope, 'cv1'), x, hidden);
  const m = subScope(scope, 'm', 'sequential');
  for (let i = 0; i < n; i++) {
    y = bottleneck(ctx, subScope(m, String(i)), y, hidden, { shortcut, g, k: [1, 3], e: 1 });
  }
  const z = ctx.conv(subScope(scope, 'cv2'), x, hidden);
  const cat = ctx.concat(scope, [y, z]);
  const output = ctx.conv(subScope(scope, 'cv3'), cat, c2);
  return { output, args: [x.shape[0]!, c2, n, ...layer.args.slice(1)] };
};

/** `C2f(c1, c2, n, shortcut=False, g=1, e=0.5)`: split cv1 in two, chain n bottlenecks, concat all. */
export const buildC2f: ModuleBuilder = (input) => {
  const { ctx, scope, n, layer } = input;
  const x = single(input);
  const { c2, shortcut, g, e } = cspArgs(input, false);
  const c = Math.trunc(c2 * e);
  const y1 = ctx.conv(subScope(scope, 'cv1'), x, 2 * c);
  const parts: TensorRef[] = [...ctx.split(scope, y1, [c, c])];
  const m = subScope(scope, 'm', 'modulelist');
  for (let i = 0; i < n; i++) {
    parts.push(bottleneck(ctx, subScope(m, String(i)), parts[parts.length - 1]!, c, { shortcut, g, k: [3, 3], e: 1 }));
  }
  const cat = ctx.concat(scope, parts);
  const output = ctx.conv(subScope(scope, 'cv2'), cat, c2);
  return { output, args: [x.shape[0]!, c2, n, ...layer.args.slice(1)] };
};
