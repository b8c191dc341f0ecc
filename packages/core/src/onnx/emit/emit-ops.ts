import type { ActivationKind } from '../../activations/index.js';
import type {
  AddOp, AttentionOp, AvgPoolOp, ConcatOp, ConvOp, ConvTransposeOp, ConvWeights, IdentityOp, MaxPoolOp, PadOp, ResizeOp, ScaledAddOp,
  SplitOp, SumOp, UpsampleOp,
} from '../../graph/index.js';
import { foldBatchNorm } from '../../graph/index.js';
import type { ActnasSiteRecord } from '../onnx-sites-metadata.js';
import { lowerActivation } from '../onnx-lowering.js';
import { intAttribute, intsAttribute, stringAttribute, floatAttribute } from '../onnx-proto.js';
import type { EmitContext } from './emit-context.js';

export class MissingWeightsError extends Error {
  override readonly name = 'MissingWeightsError';
}

/** A Conv node with BN folded in; for an Ultralytics Conv, the activation site after it. */
export function emitConv(
  e: EmitContext,
  op: ConvOp,
  w: ConvWeights | undefined,
  act: ActivationKind | undefined,
  batch: number | string,
): ActnasSiteRecord | undefined {
  if (!w) throw new MissingWeightsError(`no weights for conv ${op.convName}`);
  const expected = op.cout * (op.cin / op.g) * op.k * op.k;
  if (w.weight.length !== expected) {
    throw new MissingWeightsError(`weights of ${op.convName} have ${w.weight.length} values, expected ${expected}`);
  }
  if (op.branch && !w.branch) throw new MissingWeightsError(`no weights for the parallel branch ${op.branch.convName} of ${op.convName}`);
  const folded = foldBatchNorm(op, w);
  const inputs = [
    e.tensor(op.inputs[0]!),
    e.initializer(`${op.convName}.weight`, [op.cout, op.cin / op.g, op.k, op.k], folded.weight),
    ...(folded.bias ? [e.initializer(`${op.convName}.bias`, [op.cout], folded.bias)] : []),
  ];
  const scope = op.bn ? [...op.scope, 'conv'] : op.scope;
  const [preact] = e.node(scope, 'Conv', inputs, [
    intsAttribute('dilations', [op.d, op.d]),
    intAttribute('group', op.g),
    intsAttribute('kernel_shape', [op.k, op.k]),
    intsAttribute('pads', [op.p, op.p, op.p, op.p]),
    intsAttribute('strides', [op.s, op.s]),
  ]);
  const convNode = e.nodes[e.nodes.length - 1]!.name!;
  if (!op.site || !act) {
    e.bind(op.output.id, preact!);
    return undefined;
  }
  return emitActivation(e, op, act, preact!, convNode, batch);
}

function emitActivation(e: EmitContext, op: ConvOp, act: ActivationKind, preact: string, conv: string, batch: number | string): ActnasSiteRecord {
  const scope = `/${[...op.scope, 'act'].join('/')}`;
  const placeholder = e.namer.tensorName(`${scope}/__output`);
  const nodes = lowerActivation(act, { opset: e.opset, scope, input: preact, output: placeholder, namer: e.namer });
  const last = nodes[nodes.length - 1]!;
  const output = e.namer.tensorName(`${last.name}_output_0`);
  for (const node of nodes) {
    const outs = (node.output ?? []).map((o) => (o === placeholder ? output : o));
    e.nodes.push({ ...node, output: outs });
  }
  e.bind(op.output.id, output);
  const [c, h, w] = op.output.shape as [number, number, number];
  return {
    name: op.site!, activation: act.id, nodes: nodes.map((n) => n.name!), preact, output, conv,
    channels: c, shape: [batch, c, h, w],
  };
}

export function emitAdd(e: EmitContext, op: AddOp): void {
  const [out] = e.node(op.scope, 'Add', op.inputs.map((id) => e.tensor(id)));
  e.bind(op.output.id, out!);
}

export function emitConcat(e: EmitContext, op: ConcatOp): void {
  const [out] = e.node(op.scope, 'Concat', op.inputs.map((id) => e.tensor(id)), [intAttribute('axis', 1)]);
  e.bind(op.output.id, out!);
}

export function emitSplit(e: EmitContext, op: SplitOp): void {
  const outs = e.node(op.scope, 'Split', [e.tensor(op.inputs[0]!), e.int64(op.sizes)], [intAttribute('axis', 1)], op.sizes.length);
  op.outputs.forEach((t, k) => e.bind(t.id, outs[k]!));
}

export function emitMaxPool(e: EmitContext, op: MaxPoolOp): void {
  const [out] = e.node(op.scope, 'MaxPool', [e.tensor(op.inputs[0]!)], [
    intAttribute('ceil_mode', 0),
    intsAttribute('kernel_shape', [op.k, op.k]),
    intsAttribute('pads', [op.p, op.p, op.p, op.p]),
    intsAttribute('strides', [op.s, op.s]),
  ]);
  e.bind(op.output.id, out!);
}

export function emitUpsample(e: EmitContext, op: UpsampleOp): void {
  const scales = e.float32(`/${op.scope.join('/')}/Constant_output_0`, [4], Float32Array.of(1, 1, op.scale, op.scale));
  const [out] = e.node(op.scope, 'Resize', [e.tensor(op.inputs[0]!), '', scales], [
    stringAttribute('coordinate_transformation_mode', 'asymmetric'),
    floatAttribute('cubic_coeff_a', -0.75),
    stringAttribute('mode', 'nearest'),
    stringAttribute('nearest_mode', 'floor'),
  ]);
  e.bind(op.output.id, out!);
}

export function emitConvTranspose(e: EmitContext, op: ConvTransposeOp, w: ConvWeights | undefined): void {
  const expected = op.cin * op.cout * op.k * op.k;
  if (!w || w.weight.length !== expected) throw new MissingWeightsError(`weights of ${op.convName} missing or not ${expected} values`);
  const inputs = [
    e.tensor(op.inputs[0]!),
    e.initializer(`${op.convName}.weight`, [op.cin, op.cout, op.k, op.k], w.weight),
    ...(op.bias && w.bias ? [e.initializer(`${op.convName}.bias`, [op.cout], w.bias)] : []),
  ];
  const [out] = e.node(op.scope, 'ConvTranspose', inputs, [
    intsAttribute('dilations', [1, 1]),
    intAttribute('group', 1),
    intsAttribute('kernel_shape', [op.k, op.k]),
    intsAttribute('pads', [op.p, op.p, op.p, op.p]),
    intsAttribute('strides', [op.s, op.s]),
  ]);
  e.bind(op.output.id, out!);
}

export function emitAvgPool(e: EmitContext, op: AvgPoolOp): void {
  const [out] = e.node(op.scope, 'AveragePool', [e.tensor(op.inputs[0]!)], [
    intAttribute('ceil_mode', 0),
    intAttribute('count_include_pad', 1),
    intsAttribute('kernel_shape', [op.k, op.k]),
    intsAttribute('pads', [0, 0, 0, 0]),
    intsAttribute('strides', [op.s, op.s]),
  ]);
  e.bind(op.output.id, out!);
}

export function emitPad(e: EmitContext, op: PadOp): void {
  const [left, right, top, bottom] = op.pads;
  const [out] = e.node(op.scope, 'Pad', [e.tensor(op.inputs[0]!), e.int64([0, 0, top, left, 0, 0, bottom, right])], [stringAttribute('mode', 'constant')]);
  e.bind(op.output.id, out!);
}

/** `F.interpolate(size=...)` nearest, as a Resize by the (integer) size ratio. */
export function emitResize(e: EmitContext, op: ResizeOp, inputShape: readonly number[]): void {
  const sy = op.size[0] / inputShape[1]!;
  const sx = op.size[1] / inputShape[2]!;
  const scales = e.float32(`/${op.scope.join('/')}/Constant_scales`, [4], Float32Array.of(1, 1, sy, sx));
  const [out] = e.node(op.scope, 'Resize', [e.tensor(op.inputs[0]!), '', scales], [
    stringAttribute('coordinate_transformation_mode', 'asymmetric'),
    stringAttribute('mode', 'nearest'),
    stringAttribute('nearest_mode', 'floor'),
  ]);
  e.bind(op.output.id, out!);
}

export function emitIdentity(e: EmitContext, op: IdentityOp): void {
  const [out] = e.node(op.scope, 'Identity', [e.tensor(op.inputs[0]!)]);
  e.bind(op.output.id, out!);
}

export function emitSum(e: EmitContext, op: SumOp): void {
  const [out] = e.node(op.scope, 'Sum', op.inputs.map((id) => e.tensor(id)));
  e.bind(op.output.id, out!);
}

export function emitScaledAdd(e: EmitContext, op: ScaledAddOp, gamma: ConvWeights | undefined): void {
  if (!gamma || gamma.weight.length !== op.channels) throw new MissingWeightsError(`no ${op.channels} values for ${op.paramName}`);
  const g = e.initializer(op.paramName, [1, op.channels, 1, 1], gamma.weight);
  const [scaled] = e.node(op.scope, 'Mul', [g, e.tensor(op.inputs[1]!)]);
  const [out] = e.node(op.scope, 'Add', [e.tensor(op.inputs[0]!), scaled!]);
  e.bind(op.output.id, out!);
}

/**
 * Ultralytics `Attention` (psa) and YOLO12 `AAttn` (area) between qkv and pe/proj, with the
 * reshapes, transposes, matmuls and softmax torch.onnx.export writes for them.
 */
export function emitAttention(e: EmitContext, op: AttentionOp): void {
  const [c, h, w] = op.outputs[0]!.shape as [number, number, number];
  const n = h * w;
  const qkv = e.tensor(op.inputs[0]!);
  const s = op.scope;
  const scale = e.float32(`/${s.join('/')}/Constant_scale`, [], Float32Array.of(op.keyDim ** -0.5));
  let q: string;
  let k: string;
  let v: string;
  if (op.variant === 'psa') {
    const [view] = e.node(s, 'Reshape', [qkv, e.int64([0, op.heads, 2 * op.keyDim + op.headDim, n])]);
    [q, k, v] = e.node(s, 'Split', [view!, e.int64([op.keyDim, op.keyDim, op.headDim])], [intAttribute('axis', 2)], 3) as [string, string, string];
  } else {
    const [flat] = e.node(s, 'Reshape', [qkv, e.int64([0, 3 * c, n])]);
    const [tokens] = e.node(s, 'Transpose', [flat!], [intsAttribute('perm', [0, 2, 1])]);
    const [heads] = e.node(s, 'Reshape', [tokens!, e.int64([-1, n / op.area, op.heads, 3 * op.headDim])]);
    const [perm] = e.node(s, 'Transpose', [heads!], [intsAttribute('perm', [0, 2, 3, 1])]);
    [q, k, v] = e.node(s, 'Split', [perm!, e.int64([op.headDim, op.headDim, op.headDim])], [intAttribute('axis', 2)], 3) as [string, string, string];
  }
  const [qt] = e.node(s, 'Transpose', [q], [intsAttribute('perm', [0, 1, 3, 2])]);
  const [logits] = e.node(s, 'MatMul', [qt!, k]);
  const [scaled] = e.node(s, 'Mul', [logits!, scale]);
  const [attn] = e.node(s, 'Softmax', [scaled!], [intAttribute('axis', -1)]);
  const [attnT] = e.node(s, 'Transpose', [attn!], [intsAttribute('perm', [0, 1, 3, 2])]);
  const [y] = e.node(s, 'MatMul', [v, attnT!]);
  if (op.variant === 'psa') {
    e.bind(op.outputs[0]!.id, e.node(s, 'Reshape', [y!, e.int64([0, c, h, w])])[0]!);
    e.bind(op.outputs[1]!.id, e.node(s, 'Reshape', [v, e.int64([0, c, h, w])])[0]!);
    return;
  }
  // [B·area, heads, headDim, N/area] → [B, H, W, C] → [B, C, H, W]
  const toImage = (t: string): string => {
    const [p] = e.node(s, 'Transpose', [t], [intsAttribute('perm', [0, 3, 1, 2])]);
    const [r] = e.node(s, 'Reshape', [p!, e.int64([-1, h, w, c])]);
    return e.node(s, 'Transpose', [r!], [intsAttribute('perm', [0, 3, 1, 2])])[0]!;
  };
  e.bind(op.outputs[0]!.id, toImage(y!));
  e.bind(op.outputs[1]!.id, toImage(v));
}
