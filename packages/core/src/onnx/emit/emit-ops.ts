import type { ActivationKind } from '../../activations/index.js';
import type { AddOp, ConcatOp, ConvOp, ConvWeights, MaxPoolOp, SplitOp, UpsampleOp } from '../../graph/index.js';
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
