import type { ActivationKind } from '../../activations/index.js';
import type { ActivationAssignment, GraphOp, ModelGraph, ModelWeights, TensorShape } from '../../graph/index.js';
import { initWeights, opOutputs } from '../../graph/index.js';
import type { ActnasSiteRecord } from '../onnx-sites-metadata.js';
import { sitesMetadataEntry } from '../onnx-sites-metadata.js';
import type { OnnxModel } from '../onnx-proto.js';
import { OnnxDataType, encodeOnnxModel, tensorValueInfo } from '../onnx-proto.js';
import { EmitContext } from './emit-context.js';
import { emitDetect, emitDetectV5 } from './emit-detect.js';
import {
  emitAdd, emitAttention, emitAvgPool, emitConcat, emitConv, emitConvTranspose, emitIdentity, emitMaxPool, emitPad, emitResize,
  emitScaledAdd, emitSplit, emitSum, emitUpsample,
} from './emit-ops.js';


export interface EmitOnnxOptions {
  readonly assignment?: ActivationAssignment;
  /** ai.onnx opset, 13–20 (default 17). */
  readonly opset?: number;
  /** Symbolic batch dimension `batch` instead of 1. */
  readonly dynamicBatch?: boolean;
  /** Weights by conv name; default `initWeights(graph, { seed })`. */
  readonly weights?: ModelWeights;
  /** Seed for the default weights (default 0). */
  readonly seed?: number;
}

export const MIN_EMIT_OPSET = 13;
export const MAX_EMIT_OPSET = 20;
export const ONNX_INPUT_NAME = 'images';
export const ONNX_OUTPUT_NAME = 'output0';

export class EmitOnnxError extends Error {
  override readonly name = 'EmitOnnxError';
}

/** The IR version ONNX pairs with an opset (onnx/helper.py VERSION_TABLE). */
function irVersionFor(opset: number): number {
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

/** Serialized ONNX model of the graph with the given activations. */
export function emitOnnx(graph: ModelGraph, options: EmitOnnxOptions = {}): Uint8Array {
  return encodeOnnxModel(buildOnnxModel(graph, options));
}

/** The ONNX model as objects, before serialization. */
export function buildOnnxModel(graph: ModelGraph, options: EmitOnnxOptions = {}): OnnxModel {
  const opset = options.opset ?? 17;
  if (!Number.isInteger(opset) || opset < MIN_EMIT_OPSET || opset > MAX_EMIT_OPSET) {
    throw new EmitOnnxError(`opset ${opset} is not supported for emission (${MIN_EMIT_OPSET}–${MAX_EMIT_OPSET})`);
  }
  const assignment = resolveAssignment(graph, options.assignment);
  const weights = options.weights ?? initWeights(graph, { seed: options.seed ?? 0 });
  const batch: number | string = options.dynamicBatch ? 'batch' : 1;
  const e = new EmitContext(opset);
  e.bind(graph.input.id, ONNX_INPUT_NAME);
  const shapes = new Map<number, TensorShape>([[graph.input.id, graph.input.shape]]);
  for (const op of graph.ops) for (const t of opOutputs(op)) shapes.set(t.id, t.shape);
  const sites: ActnasSiteRecord[] = [];
  for (const op of graph.ops) {
    const site = emitOp(e, op, { assignment, weights, batch, shapes });
    if (site) sites.push(site);
  }
  const outputNames = graph.outputs.map((_, i) => `output${i}`);
  graph.outputs.forEach((t, i) => {
    // A headless graph (a user YAML without Detect) still exposes its last tensor as `output0`;
    // Segment's prototypes become `output1`.
    if (i > 0 || !isHead(graph.ops[graph.ops.length - 1])) {
      e.nodes.push({ name: e.namer.nodeName(`/Identity_output${i}`), opType: 'Identity', input: [e.tensor(t.id)], output: [outputNames[i]!] });
    }
  });
  return {
    irVersion: irVersionFor(opset),
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'actnas',
    producerVersion: '0.1.0',
    graph: {
      name: graph.spec.name,
      node: e.nodes,
      initializer: e.initializers,
      input: [tensorValueInfo(ONNX_INPUT_NAME, OnnxDataType.FLOAT, [batch, ...graph.input.shape])],
      output: graph.outputs.map((t, i) => tensorValueInfo(outputNames[i]!, OnnxDataType.FLOAT, [batch, ...t.shape])),
    },
    metadataProps: [
      sitesMetadataEntry({ model: graph.spec.name, sites }),
      { key: 'task', value: graph.task },
      { key: 'end2end', value: graph.endToEnd ? 'True' : 'False' },
      { key: 'layout', value: graph.spec.layout },
      ...(graph.spec.kptShape && graph.task === 'pose' ? [{ key: 'kpt_shape', value: `[${graph.spec.kptShape.join(', ')}]` }] : []),
      { key: 'imgsz', value: `[${graph.imgsz}, ${graph.imgsz}]` },
      { key: 'batch', value: String(batch === 1 ? 1 : -1) },
      { key: 'stride', value: String(maxStride(graph)) },
      { key: 'nc', value: String(graph.nc) },
    ],
  };
}

interface EmitEnv {
  readonly assignment: ReadonlyMap<string, ActivationKind>;
  readonly weights: ModelWeights;
  readonly batch: number | string;
  readonly shapes: ReadonlyMap<number, TensorShape>;
}

const isHead = (op: GraphOp | undefined): boolean => op?.kind === 'detect' || op?.kind === 'detect-v5';

function emitOp(e: EmitContext, op: GraphOp, env: EmitEnv): ActnasSiteRecord | undefined {
  switch (op.kind) {
    case 'conv': {
      const act = op.site ? (env.assignment.get(op.site) ?? op.defaultActivation) : undefined;
      return emitConv(e, op, env.weights.get(op.convName), act, env.batch);
    }
    case 'convtranspose': return void emitConvTranspose(e, op, env.weights.get(op.convName));
    case 'add': return void emitAdd(e, op);
    case 'scaled-add': return void emitScaledAdd(e, op, env.weights.get(op.paramName));
    case 'sum': return void emitSum(e, op);
    case 'concat': return void emitConcat(e, op);
    case 'split': return void emitSplit(e, op);
    case 'maxpool': return void emitMaxPool(e, op);
    case 'avgpool': return void emitAvgPool(e, op);
    case 'pad': return void emitPad(e, op);
    case 'upsample': return void emitUpsample(e, op);
    case 'resize': return void emitResize(e, op, env.shapes.get(op.inputs[0]!)!);
    case 'identity': return void emitIdentity(e, op);
    case 'attention': return void emitAttention(e, op);
    case 'detect': return void emitDetect(e, op, ONNX_OUTPUT_NAME);
    case 'detect-v5': return void emitDetectV5(e, op, ONNX_OUTPUT_NAME);
  }
}

function resolveAssignment(graph: ModelGraph, assignment: ActivationAssignment | undefined): ReadonlyMap<string, ActivationKind> {
  if (!assignment) return new Map();
  const map: ReadonlyMap<string, ActivationKind> = assignment instanceof Map ? assignment : new Map(Object.entries(assignment));
  const known = new Set(graph.sites.map((s) => s.name));
  const unknown = [...map.keys()].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new EmitOnnxError(`unknown activation site${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 3).join(', ')} in ${graph.spec.name} (${graph.sites.length} sites, e.g. ${graph.sites[0]?.name ?? '-'})`);
  }
  return map;
}

function maxStride(graph: ModelGraph): number {
  const head = graph.ops.find((op) => op.kind === 'detect' || op.kind === 'detect-v5');
  return head && (head.kind === 'detect' || head.kind === 'detect-v5') ? Math.max(...head.strides) : 32;
}
