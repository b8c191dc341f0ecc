import type { DetectExtra, DetectOp, DetectV5Op } from '../../graph/index.js';
import { OnnxDataType, intAttribute, intsAttribute } from '../onnx-proto.js';
import type { EmitContext } from './emit-context.js';

/**
 * The anchor-free head as Ultralytics exports it (Detect.export = True): per-level box and class
 * logits flattened and concatenated to [N, 4·reg_max, A] and [N, nc, A], DFL when reg_max > 1,
 * dist2bbox × stride (xywh; xyxy for an end-to-end head), class sigmoid, then the extra rows
 * (mask coefficients, or keypoints decoded to pixels). An end-to-end head keeps the top maxDet
 * anchors: [N, maxDet, 6 + extra] = (x1, y1, x2, y2, score, class, extra).
 */
export function emitDetect(e: EmitContext, op: DetectOp, output: string): void {
  const scope = op.scope;
  const flat = (ids: readonly number[], rows: number): string => {
    const parts = ids.map((id) => e.node(scope, 'Reshape', [e.tensor(id), e.int64([0, rows, -1])])[0]!);
    return e.node(scope, 'Concat', parts, [intAttribute('axis', 2)])[0]!;
  };
  const boxes = flat(op.boxes, 4 * op.regMax);
  const scores = flat(op.scores, op.nc);
  const dist = op.regMax > 1 ? emitDfl(e, op, boxes) : boxes;
  const { anchors, strides } = anchorPoints(op);
  const count = strides.length;
  const anchorT = e.float32(`/${scope.join('/')}/anchors`, [1, 2, count], anchors);
  const strideT = e.float32(`/${scope.join('/')}/strides`, [1, 1, count], strides);
  const [lt, rb] = e.node(scope, 'Split', [dist, e.int64([2, 2])], [intAttribute('axis', 1)], 2);
  const [x1y1] = e.node(scope, 'Sub', [anchorT, lt!]);
  const [x2y2] = e.node(scope, 'Add', [anchorT, rb!]);
  let box: string;
  if (op.endToEnd) {
    box = e.node(scope, 'Concat', [x1y1!, x2y2!], [intAttribute('axis', 1)])[0]!;
  } else {
    const [sum] = e.node(scope, 'Add', [x1y1!, x2y2!]);
    const [cxy] = e.node(scope, 'Div', [sum!, e.float32(`/${scope.join('/')}/Constant_two`, [], Float32Array.of(2))]);
    const [wh] = e.node(scope, 'Sub', [x2y2!, x1y1!]);
    box = e.node(scope, 'Concat', [cxy!, wh!], [intAttribute('axis', 1)])[0]!;
  }
  const [dbox] = e.node(scope, 'Mul', [box, strideT]);
  const [prob] = e.node(scope, 'Sigmoid', [scores]);
  const extra = op.extra ? emitExtra(e, op, op.extra, anchorT, strideT, flat) : undefined;
  const parts = [dbox!, prob!, ...(extra ? [extra] : [])];
  if (!op.endToEnd) {
    e.nodes.push({ name: e.namer.nodeName(`/${scope.join('/')}/Concat`), opType: 'Concat', input: parts, output: [output], attribute: [intAttribute('axis', 1)] });
    return;
  }
  const [y] = e.node(scope, 'Concat', parts, [intAttribute('axis', 1)]);
  emitTopK(e, op, y!, output);
}

function emitExtra(
  e: EmitContext, op: DetectOp, extra: DetectExtra, anchorT: string, strideT: string, flat: (ids: readonly number[], rows: number) => string,
): string {
  if (extra.kind === 'mask') return flat(extra.inputs, extra.nm);
  const [k, d] = extra.kptShape;
  const scope = op.scope;
  const kpts = flat(extra.inputs, k * d);
  const [y] = e.node(scope, 'Reshape', [kpts, e.int64([0, k, d, -1])]);
  const [xy] = e.node(scope, 'Slice', [y!, e.int64([0]), e.int64([2]), e.int64([2])]);
  // Pose (v8): (xy·2 + anchor − 0.5) · stride; Pose26: (xy + anchor) · stride. Anchors broadcast as [1, 1, 2, A].
  const anchors = e.node(scope, 'Unsqueeze', [anchorT, e.int64([1])])[0]!;
  const grid = extra.variant === 'v8' ? poseV8Grid(e, scope, xy!, anchors) : e.node(scope, 'Add', [xy!, anchors])[0]!;
  const [pix] = e.node(scope, 'Mul', [grid, e.node(scope, 'Unsqueeze', [strideT, e.int64([1])])[0]!]);
  let all = pix!;
  if (d === 3) {
    const [vis] = e.node(scope, 'Slice', [y!, e.int64([2]), e.int64([3]), e.int64([2])]);
    const [sig] = e.node(scope, 'Sigmoid', [vis!]);
    all = e.node(scope, 'Concat', [pix!, sig!], [intAttribute('axis', 2)])[0]!;
  }
  return e.node(scope, 'Reshape', [all, e.int64([0, k * d, -1])])[0]!;
}

function poseV8Grid(e: EmitContext, scope: readonly string[], xy: string, anchors: string): string {
  const [twice] = e.node(scope, 'Mul', [xy, e.float32(`/${scope.join('/')}/Constant_kpt_two`, [], Float32Array.of(2))]);
  const [shift] = e.node(scope, 'Sub', [anchors, e.float32(`/${scope.join('/')}/Constant_kpt_half`, [], Float32Array.of(0.5))]);
  return e.node(scope, 'Add', [twice!, shift!])[0]!;
}

/**
 * Detect.postprocess + get_topk_index: the top maxDet anchors by best class score, then the top
 * maxDet (anchor, class) pairs among them; rows (box, score, class index, extra).
 */
function emitTopK(e: EmitContext, op: DetectOp, y: string, output: string): void {
  const scope = op.scope;
  const rows = op.extra ? (op.extra.kind === 'mask' ? op.extra.nm : op.extra.kptShape[0] * op.extra.kptShape[1]) : 0;
  const [t] = e.node(scope, 'Transpose', [y], [intsAttribute('perm', [0, 2, 1])]);
  const sizes = [4, op.nc, ...(rows > 0 ? [rows] : [])];
  const [boxes, scores, extra] = e.node(scope, 'Split', [t!, e.int64(sizes)], [intAttribute('axis', 2)], sizes.length);
  const k = e.int64([op.maxDet]);
  // ReduceMax takes its axes as an attribute up to opset 17 and as an input from 18.
  const [best] = e.opset >= 18
    ? e.node(scope, 'ReduceMax', [scores!, e.int64([-1])], [intAttribute('keepdims', 0)])
    : e.node(scope, 'ReduceMax', [scores!], [intsAttribute('axes', [-1]), intAttribute('keepdims', 0)]);
  const topAnchors = e.node(scope, 'TopK', [best!, k], [intAttribute('axis', -1), intAttribute('largest', 1), intAttribute('sorted', 1)], 2);
  const [anchorIdx] = e.node(scope, 'Unsqueeze', [topAnchors[1]!, e.int64([-1])]);
  const gatherRows = (src: string, width: number): string => {
    const [idx] = e.node(scope, 'Expand', [anchorIdx!, e.int64([1, 1, width])]);
    return e.node(scope, 'GatherElements', [src, idx!], [intAttribute('axis', 1)])[0]!;
  };
  const candidates = gatherRows(scores!, op.nc);
  const [flatScores] = e.node(scope, 'Flatten', [candidates], [intAttribute('axis', 1)]);
  const [topScores, pairIdx] = e.node(scope, 'TopK', [flatScores!, k], [intAttribute('axis', -1), intAttribute('largest', 1), intAttribute('sorted', 1)], 2);
  const nc = e.int64([op.nc], []);
  const [rowIdx] = e.node(scope, 'Div', [pairIdx!, nc]);
  const [cls] = e.node(scope, 'Mod', [pairIdx!, nc]);
  const [rowIdx3] = e.node(scope, 'Unsqueeze', [rowIdx!, e.int64([-1])]);
  const [idx] = e.node(scope, 'GatherElements', [anchorIdx!, rowIdx3!], [intAttribute('axis', 1)]);
  const pick = (src: string, width: number): string => {
    const [wide] = e.node(scope, 'Expand', [idx!, e.int64([1, 1, width])]);
    return e.node(scope, 'GatherElements', [src, wide!], [intAttribute('axis', 1)])[0]!;
  };
  const [score3] = e.node(scope, 'Unsqueeze', [topScores!, e.int64([-1])]);
  const [clsF] = e.node(scope, 'Cast', [cls!], [intAttribute('to', OnnxDataType.FLOAT)]);
  const [cls3] = e.node(scope, 'Unsqueeze', [clsF!, e.int64([-1])]);
  const parts = [pick(boxes!, 4), score3!, cls3!, ...(rows > 0 ? [pick(extra!, rows)] : [])];
  e.nodes.push({ name: e.namer.nodeName(`/${scope.join('/')}/Concat`), opType: 'Concat', input: parts, output: [output], attribute: [intAttribute('axis', -1)] });
}

function emitDfl(e: EmitContext, op: DetectOp, box: string): string {
  const scope = [...op.scope, 'dfl'];
  const [bins] = e.node(scope, 'Reshape', [box, e.int64([0, 4, op.regMax, -1])]);
  const [t] = e.node(scope, 'Transpose', [bins!], [intsAttribute('perm', [0, 2, 1, 3])]);
  const [soft] = e.node(scope, 'Softmax', [t!], [intAttribute('axis', 1)]);
  const weight = Float32Array.from({ length: op.regMax }, (_, i) => i);
  const w = e.initializer(`${op.module}.dfl.conv.weight`, [1, op.regMax, 1, 1], weight);
  const [exp] = e.node([...scope, 'conv'], 'Conv', [soft!, w], [
    intsAttribute('dilations', [1, 1]), intAttribute('group', 1), intsAttribute('kernel_shape', [1, 1]),
    intsAttribute('pads', [0, 0, 0, 0]), intsAttribute('strides', [1, 1]),
  ]);
  return e.node(scope, 'Reshape', [exp!, e.int64([0, 4, -1])])[0]!;
}

/** Ultralytics `make_anchors(offset=0.5)`: cell centres per level, as [2, A] and strides [A]. */
function anchorPoints(op: DetectOp): { anchors: Float32Array; strides: Float32Array } {
  const total = op.grids.reduce((s, [h, w]) => s + h * w, 0);
  const anchors = new Float32Array(2 * total);
  const strides = new Float32Array(total);
  let k = 0;
  op.grids.forEach(([h, w], level) => {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++, k++) {
        anchors[k] = x + 0.5;
        anchors[total + k] = y + 0.5;
        strides[k] = op.strides[level]!;
      }
    }
  });
  return { anchors, strides };
}

/**
 * Classic YOLOv5 head as its exporter writes it: per level [N, na, H, W, no], sigmoid,
 * xy = (2σ − 0.5 + grid) · stride, wh = (2σ)² · anchor, rows concatenated: [N, Σ na·H·W, no].
 */
export function emitDetectV5(e: EmitContext, op: DetectV5Op, output: string): void {
  const scope = op.scope;
  const no = op.nc + 5;
  const two = e.float32(`/${scope.join('/')}/Constant_two`, [], Float32Array.of(2));
  const rows = op.inputs.map((id, i) => {
    const [h, w] = op.grids[i]!;
    const anchors = op.anchors[i]!;
    const na = anchors.length / 2;
    const [v] = e.node(scope, 'Reshape', [e.tensor(id), e.int64([0, na, no, h, w])]);
    const [t] = e.node(scope, 'Transpose', [v!], [intsAttribute('perm', [0, 1, 3, 4, 2])]);
    const [s] = e.node(scope, 'Sigmoid', [t!]);
    const [xy, wh, conf] = e.node(scope, 'Split', [s!, e.int64([2, 2, op.nc + 1])], [intAttribute('axis', 4)], 3);
    const grid = e.float32(`/${scope.join('/')}/grid_${i}`, [1, na, h, w, 2], gridOffsets(na, h, w));
    const anchorGrid = e.float32(`/${scope.join('/')}/anchor_grid_${i}`, [1, na, 1, 1, 2], Float32Array.from(anchors));
    const [xy2] = e.node(scope, 'Mul', [xy!, two]);
    const [xyg] = e.node(scope, 'Add', [xy2!, grid]);
    const [xyp] = e.node(scope, 'Mul', [xyg!, e.float32(`/${scope.join('/')}/stride_${i}`, [], Float32Array.of(op.strides[i]!))]);
    const [wh2] = e.node(scope, 'Mul', [wh!, two]);
    const [whsq] = e.node(scope, 'Mul', [wh2!, wh2!]);
    const [whp] = e.node(scope, 'Mul', [whsq!, anchorGrid]);
    const [y] = e.node(scope, 'Concat', [xyp!, whp!, conf!], [intAttribute('axis', 4)]);
    return e.node(scope, 'Reshape', [y!, e.int64([0, -1, no])])[0]!;
  });
  e.nodes.push({ name: e.namer.nodeName(`/${scope.join('/')}/Concat`), opType: 'Concat', input: rows, output: [output], attribute: [intAttribute('axis', 1)] });
}

/** YOLOv5 v6 grid: cell index − 0.5, as [na, H, W, 2] (x, y). */
function gridOffsets(na: number, h: number, w: number): Float32Array {
  const out = new Float32Array(na * h * w * 2);
  let k = 0;
  for (let a = 0; a < na; a++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        out[k++] = x - 0.5;
        out[k++] = y - 0.5;
      }
    }
  }
  return out;
}
