import { repeatedCall, subScope } from '../graph-scope.js';
import type { TensorRef, YamlArg } from '../graph.types.js';
import { ModelSpecError } from '../model-spec.error.js';
import type { ModuleBuilder } from './module.types.js';
import { boolArg, c2Arg, intArg, noRepeats, single, summaryArgs } from './module-args.js';
import { repeatModule } from './repeat.js';

/**
 * `SPPF(c1, c2, k=5, n=3, shortcut=False)`: cv1 (no activation since Ultralytics 8.4.0; SiLU in
 * the pre-8.4 layout), n chained max-pools of one module, concat, cv2, plus x when shortcut.
 */
export const buildSppf: ModuleBuilder = (input) => {
  const { layer, spec, ctx } = input;
  const x = single(input);
  const c2 = c2Arg(input);
  const k = intArg(layer, 1, 'k', 5);
  const n = intArg(layer, 2, 'n', 3);
  const shortcut = boolArg(layer, 3, 'shortcut', false);
  if (spec.layout === 'pre-8.4' && layer.args.length > 2) {
    throw new ModelSpecError(`SPPF args ${JSON.stringify(layer.args)} need Ultralytics ≥ 8.4 (n, shortcut); the pre-8.4 layout takes [c2, k]`, layer.index, 'args');
  }
  const output = repeatModule(input, x, (scope, t) => {
    const act = spec.layout === 'pre-8.4' ? undefined : false;
    const y: TensorRef[] = [ctx.conv(subScope(scope, 'cv1'), t, Math.floor(t.shape[0]! / 2), act === false ? { act } : {})];
    const m = subScope(scope, 'm');
    for (let i = 0; i < n; i++) y.push(ctx.maxpool(repeatedCall(m, i), y[i]!, k));
    const out = ctx.conv(subScope(scope, 'cv2'), ctx.concat(scope, y), c2);
    return shortcut && t.shape[0] === c2 ? ctx.add(scope, out, t) : out;
  });
  return { output, args: summaryArgs(input, x.shape[0]!, c2) };
};

/** `SPP(c1, c2, k=(5, 9, 13))`: cv1, parallel max-pools (a ModuleList), concat, cv2. */
export const buildSpp: ModuleBuilder = (input) => {
  const { layer, ctx } = input;
  const x = single(input);
  const c2 = c2Arg(input);
  const kArg = layer.args[1];
  const ks = kArg === undefined ? [5, 9, 13] : Array.isArray(kArg) ? kArg : [kArg];
  if (ks.length === 0 || !ks.every((v): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0 && v % 2 === 1)) {
    throw new ModelSpecError(`argument 1 (k) must be a list of odd kernel sizes, got ${JSON.stringify(kArg)}`, layer.index, 'args[1]');
  }
  const output = repeatModule(input, x, (scope, t) => {
    const y = ctx.conv(subScope(scope, 'cv1'), t, Math.floor(t.shape[0]! / 2));
    const m = subScope(scope, 'm', 'modulelist');
    const pools = ks.map((k, i) => ctx.maxpool(subScope(m, String(i)), y, k));
    return ctx.conv(subScope(scope, 'cv2'), ctx.concat(scope, [y, ...pools]), c2);
  });
  return { output, args: summaryArgs(input, x.shape[0]!, c2) };
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

/** `nn.MaxPool2d(kernel_size, stride=kernel_size, padding=0)` (YOLOv3-tiny). */
export const buildMaxPool: ModuleBuilder = (input) => {
  const { layer, ctx } = input;
  const x = single(input);
  const k = intArg(layer, 0, 'kernel_size');
  const s = intArg(layer, 1, 'stride', k);
  const p = intArg(layer, 2, 'padding', 0);
  if (layer.args.length > 3 && !(layer.args.length === 4 && layer.args[3] === 1)) {
    throw new ModelSpecError('nn.MaxPool2d with dilation, return_indices or ceil_mode is not supported', layer.index, 'args');
  }
  const output = repeatModule(input, x, (scope, t) => ctx.maxpool(scope, t, k, s, p));
  return { output, args: [...layer.args] };
};

/** `nn.ZeroPad2d(padding)`: an int or `[left, right, top, bottom]`. */
export const buildZeroPad: ModuleBuilder = (input) => {
  const { layer, ctx } = input;
  const x = single(input);
  const v: YamlArg | undefined = layer.args[0];
  const nonNeg = (a: YamlArg): a is number => typeof a === 'number' && Number.isInteger(a) && a >= 0;
  let pads: [number, number, number, number];
  if (nonNeg(v ?? null)) pads = [v as number, v as number, v as number, v as number];
  else if (Array.isArray(v) && v.length === 4 && v.every(nonNeg)) pads = [v[0] as number, v[1] as number, v[2] as number, v[3] as number];
  else throw new ModelSpecError(`argument 0 (padding) must be an int or [left, right, top, bottom], got ${JSON.stringify(v ?? null)}`, layer.index, 'args[0]');
  const output = repeatModule(input, x, (scope, t) => ctx.pad(scope, t, pads));
  return { output, args: [...layer.args] };
};

/** `nn.Identity()` (YOLOv9e's input tap). */
export const buildIdentity: ModuleBuilder = (input) => {
  const x = single(input);
  return { output: repeatModule(input, x, (scope, t) => input.ctx.identity(scope, t)), args: [...input.layer.args] };
};

/** `nn.ConvTranspose2d(c1, c2, kernel_size, stride=1, padding=0)` with bias (YOLOv6). */
export const buildConvTranspose: ModuleBuilder = (input) => {
  const { layer, ctx } = input;
  const x = single(input);
  const c2 = c2Arg(input);
  const k = intArg(layer, 1, 'kernel_size');
  const s = intArg(layer, 2, 'stride', 1);
  const p = intArg(layer, 3, 'padding', 0);
  const extra = layer.args.slice(4);
  const defaults: readonly YamlArg[] = [0, 1, true, 1];
  if (extra.some((a, i) => a !== defaults[i])) {
    throw new ModelSpecError('nn.ConvTranspose2d with output_padding, groups, dilation or bias=False is not supported', layer.index, 'args');
  }
  const output = repeatModule(input, x, (scope, t) => ctx.convTranspose(scope, t, c2, k, s, p));
  return { output, args: summaryArgs(input, x.shape[0]!, c2) };
};
