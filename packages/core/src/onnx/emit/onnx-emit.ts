import type { ActivationKind } from '../../activations/index.js';
import type { ActivationAssignment, GraphOp, ModelGraph, ModelWeights } from '../../graph/index.js';
import { initWeights } from '../../graph/index.js';
import type { ActnasSiteRecord } from '../onnx-sites-metadata.js';
import { sitesMetadataEntry } from '../onnx-sites-metadata.js';
import type { OnnxModel } from '../onnx-proto.js';
import { OnnxDataType, encodeOnnxModel, tensorValueInfo } from '../onnx-proto.js';
import { EmitContext } from './emit-context.js';
import { emitDetectV5, emitDetectV8 } from './emit-detect.js';
import { emitAdd, emitConcat, emitConv, emitMaxPool, emitSplit, emitUpsample } from './emit-ops.js';


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
  const sites: ActnasSiteRecord[] = [];
  for (const op of graph.ops) {
    const site = emitOp(e, op, { assignment, weights, batch });
    if (site) sites.push(site);
  }
  if (!graph.ops.some((op) => op.kind === 'detect-v8' || op.kind === 'detect-v5')) {
    // A headless graph (a user YAML without Detect) still exposes its last tensor as `output0`.
    e.nodes.push({ name: '/Identity', opType: 'Identity', input: [e.tensor(graph.output.id)], output: [ONNX_OUTPUT_NAME] });
  }
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
      output: [tensorValueInfo(ONNX_OUTPUT_NAME, OnnxDataType.FLOAT, [batch, ...graph.output.shape])],
    },
    metadataProps: [
      sitesMetadataEntry({ model: graph.spec.name, sites }),
      { key: 'task', value: 'detect' },
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
}

function emitOp(e: EmitContext, op: GraphOp, env: EmitEnv): ActnasSiteRecord | undefined {
  switch (op.kind) {
    case 'conv': {
      const act = op.site ? (env.assignment.get(op.site) ?? op.defaultActivation) : undefined;
      return emitConv(e, op, env.weights.get(op.convName), act, env.batch);
    }
    case 'add': return void emitAdd(e, op);
    case 'concat': return void emitConcat(e, op);
    case 'split': return void emitSplit(e, op);
    case 'maxpool': return void emitMaxPool(e, op);
    case 'upsample': return void emitUpsample(e, op);
    case 'detect-v8': return void emitDetectV8(e, op, ONNX_OUTPUT_NAME);
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
  const head = graph.ops.find((op) => op.kind === 'detect-v8' || op.kind === 'detect-v5');
  return head && (head.kind === 'detect-v8' || head.kind === 'detect-v5') ? Math.max(...head.strides) : 32;
}
