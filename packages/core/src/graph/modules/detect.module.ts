import { subScope } from '../graph-scope.js';
import type { TensorRef } from '../graph.types.js';
import { ModelSpecError } from '../model-spec.error.js';
import type { LayerInput, ModuleBuilder } from './module.types.js';
import { noRepeats } from './module-args.js';

/** Distribution bins of the YOLOv8 box regression (DFL). */
export const REG_MAX = 16;

function levels(input: LayerInput) {
  noRepeats(input);
  const { layer, nc, imgsz } = input;
  const ncArg = layer.args[0] ?? 'nc';
  if (ncArg !== 'nc' && ncArg !== input.spec.nc) {
    throw new ModelSpecError(`argument 0 of Detect must be nc, got ${JSON.stringify(ncArg)}`, layer.index, 'args[0]');
  }
  const grids = input.inputs.map((x) => [x.shape[1]!, x.shape[2]!] as const);
  const strides = grids.map(([h]) => imgsz / h);
  if (strides.some((s) => !Number.isInteger(s))) {
    throw new ModelSpecError(`input size ${imgsz} does not divide into the detection grids`, layer.index, 'from');
  }
  return { nc, grids, strides, ch: input.inputs.map((x) => x.shape[0]!) };
}

/** YOLOv8 anchor-free `Detect(nc, ch)`: per level a box branch (cv2) and a class branch (cv3), then DFL decode. */
export const buildDetect: ModuleBuilder = (input) => {
  if (input.layer.args.length >= 2) return buildDetectV5(input);
  const { ctx, scope } = input;
  const { nc, grids, strides, ch } = levels(input);
  const c2 = Math.max(16, Math.floor(ch[0]! / 4), REG_MAX * 4);
  const c3 = Math.max(ch[0]!, Math.min(nc, 100));
  const cv2 = subScope(scope, 'cv2', 'modulelist');
  const cv3 = subScope(scope, 'cv3', 'modulelist');
  const perLevel: TensorRef[] = input.inputs.map((x, i) => {
    const box = branch(input, subScope(cv2, String(i), 'sequential'), x, c2, REG_MAX * 4);
    const cls = branch(input, subScope(cv3, String(i), 'sequential'), x, c3, nc);
    return ctx.concat(scope, [box, cls]);
  });
  const anchors = grids.reduce((sum, [h, w]) => sum + h * w, 0);
  const output = ctx.detect(scope, { kind: 'detect-v8', inputs: perLevel.map((t) => t.id), nc, regMax: REG_MAX, strides, grids }, [4 + nc, anchors]);
  return { output, args: [nc, ch] };
};

function branch(input: LayerInput, seq: ReturnType<typeof subScope>, x: TensorRef, hidden: number, out: number): TensorRef {
  const { ctx } = input;
  const a = ctx.conv(subScope(seq, '0'), x, hidden, { k: 3 });
  const b = ctx.conv(subScope(seq, '1'), a, hidden, { k: 3 });
  return ctx.conv2d(subScope(seq, '2'), b, out, 1);
}

/** Classic YOLOv5 `Detect(nc, anchors, ch)`: one 1×1 conv per level, sigmoid grid/anchor decode. */
function buildDetectV5(input: LayerInput) {
  const { ctx, scope, layer, spec } = input;
  const { nc, grids, strides, ch } = levels(input);
  const anchorsArg = layer.args[1];
  const anchors = anchorsArg === 'anchors' ? spec.anchors : (anchorsArg as readonly (readonly number[])[] | undefined);
  if (!anchors || !Array.isArray(anchors) || anchors.length !== input.inputs.length) {
    throw new ModelSpecError(`Detect needs one anchor row per input level (${input.inputs.length})`, layer.index, 'args[1]');
  }
  const na = anchors[0]!.length / 2;
  const m = subScope(scope, 'm', 'modulelist');
  const heads = input.inputs.map((x, i) => ctx.conv2d(subScope(m, String(i)), x, (nc + 5) * na, 1));
  const rows = grids.reduce((sum, [h, w]) => sum + na * h * w, 0);
  const output = ctx.detect(scope, { kind: 'detect-v5', inputs: heads.map((t) => t.id), nc, anchors, strides, grids }, [rows, nc + 5]);
  return { output, args: [nc, anchors, ch] };
}
