import { repeatedCall, subScope } from '../graph-scope.js';
import type { TensorRef } from '../graph.types.js';
import { ModelSpecError } from '../model-spec.error.js';
import type { ModuleBuilder } from './module.types.js';
import { intArg, noRepeats, scaledChannels, single } from './module-args.js';
import { repeatModule } from './repeat.js';

/** `SPPF(c1, c2, k=5)`: cv1, three chained max-pools of one module, concat, cv2. */
export const buildSppf: ModuleBuilder = (input) => {
  const { layer, spec, ctx, nc } = input;
  const x = single(input);
  const c2 = scaledChannels(spec, intArg(layer, 0, 'c2', undefined, nc), nc);
  const k = intArg(layer, 1, 'k', 5);
  const output = repeatModule(input, x, (scope, t) => {
    const y: TensorRef[] = [ctx.conv(subScope(scope, 'cv1'), t, Math.floor(t.shape[0]! / 2))];
    const m = subScope(scope, 'm');
    for (let i = 0; i < 3; i++) y.push(ctx.maxpool(repeatedCall(m, i), y[i]!, k));
    return ctx.conv(subScope(scope, 'cv2'), ctx.concat(scope, y), c2);
  });
  return { output, args: [x.shape[0]!, c2, ...layer.args.slice(1)] };
};

/** `Concat(dimension=1)`. */
export const buildConcat: ModuleBuilder = (input) => {
  noRepeats(input);
  const dim = intArg(input.layer, 0, 'dimension', 1);
  if (dim !== 1) throw new ModelSpecError('only channel concatenation (dimension 1) is supported', input.layer.index, 'args[0]');
  if (input.inputs.length < 2) throw new ModelSpecError('Concat needs at least two inputs', input.layer.index, 'from');
  return { output: input.ctx.concat(input.scope, input.inputs), args: [...input.layer.args] };
};

/** `nn.Upsample(size=None, scale_factor, mode='nearest')`. */
export const buildUpsample: ModuleBuilder = (input) => {
  noRepeats(input);
  const { layer } = input;
  const x = single(input);
  if (layer.args[0] !== undefined && layer.args[0] !== null && layer.args[0] !== 'None') {
    throw new ModelSpecError('nn.Upsample with a fixed size is not supported; use scale_factor', layer.index, 'args[0]');
  }
  const scale = intArg(layer, 1, 'scale_factor', 2);
  const mode = layer.args[2] ?? 'nearest';
  if (mode !== 'nearest') throw new ModelSpecError(`nn.Upsample mode ${JSON.stringify(mode)} is not supported (nearest only)`, layer.index, 'args[2]');
  return { output: input.ctx.upsample(input.scope, x, scale), args: [...layer.args] };
};
