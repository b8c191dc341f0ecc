import type { DetectV5Op, DetectV8Op } from '../../graph/index.js';
import { intAttribute, intsAttribute } from '../onnx-proto.js';
import type { EmitContext } from './emit-context.js';

/**
 * YOLOv8 head as Ultralytics exports it: levels flattened and concatenated to [N, 4·reg_max + nc, A],
 * DFL (softmax over bins, expectation by a fixed 0..15 conv), dist2bbox to xywh × stride,
 * sigmoid of the class logits; output [N, 4 + nc, A].
 */
export function emitDetectV8(e: EmitContext, op: DetectV8Op, output: string): void {
  const scope = op.scope;
  const no = op.regMax * 4 + op.nc;
  const flat = op.inputs.map((id) => e.node(scope, 'Reshape', [e.tensor(id), e.int64([0, no, -1])])[0]!);
  const [cat] = e.node(scope, 'Concat', flat, [intAttribute('axis', 2)]);
  const [box, cls] = e.node(scope, 'Split', [cat!, e.int64([op.regMax * 4, op.nc])], [intAttribute('axis', 1)], 2);
  const dist = emitDfl(e, op, box!);
  const { anchors, strides } = anchorPoints(op);
  const count = strides.length;
  const anchorT = e.float32(`/${scope.join('/')}/anchors`, [1, 2, count], anchors);
  const strideT = e.float32(`/${scope.join('/')}/strides`, [1, 1, count], strides);
  const [lt, rb] = e.node(scope, 'Split', [dist, e.int64([2, 2])], [intAttribute('axis', 1)], 2);
  const [x1y1] = e.node(scope, 'Sub', [anchorT, lt!]);
  const [x2y2] = e.node(scope, 'Add', [anchorT, rb!]);
  const [sum] = e.node(scope, 'Add', [x1y1!, x2y2!]);
  const [cxy] = e.node(scope, 'Div', [sum!, e.float32(`/${scope.join('/')}/Constant_two`, [], Float32Array.of(2))]);
  const [wh] = e.node(scope, 'Sub', [x2y2!, x1y1!]);
  const [xywh] = e.node(scope, 'Concat', [cxy!, wh!], [intAttribute('axis', 1)]);
  const [dbox] = e.node(scope, 'Mul', [xywh!, strideT]);
  const [prob] = e.node(scope, 'Sigmoid', [cls!]);
  e.nodes.push({ name: e.namer.nodeName(`/${scope.join('/')}/Concat`), opType: 'Concat', input: [dbox!, prob!], output: [output], attribute: [intAttribute('axis', 1)] });
}

function emitDfl(e: EmitContext, op: DetectV8Op, box: string): string {
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
function anchorPoints(op: DetectV8Op): { anchors: Float32Array; strides: Float32Array } {
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
