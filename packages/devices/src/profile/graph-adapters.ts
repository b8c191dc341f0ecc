import type { ConvOp, ModelGraph, TensorShape } from '@actnas/core';
import { opOutputs } from '@actnas/core';
import type { SiteBlockSpec } from '../latency/micro-block.js';
import type { MemoryGraph, MemoryOp } from '../memory/memory-schedule.js';
import type { OnnxProfileModel } from './onnx-profile-model.js';
import { isOnnxProfileModel, onnxMemoryGraph, onnxSiteBlocks } from './onnx-profile-model.js';

/** What a profile measures: a graph built from a spec, or a user's own ONNX file. */
export type ProfileGraph = ModelGraph | OnnxProfileModel;

const FLOAT_BYTES = 4;

function shapeIndex(graph: ModelGraph): ReadonlyMap<number, TensorShape> {
  const shapes = new Map<number, TensorShape>([[graph.input.id, graph.input.shape]]);
  for (const op of graph.ops) for (const t of opOutputs(op)) shapes.set(t.id, t.shape);
  return shapes;
}

const tensorName = (id: number): string => `t${id}`;

/** The graph IR (or an ONNX file's graph) as the memory planner sees it (batch 1, float32). */
export function memoryGraphOf(graph: ProfileGraph): MemoryGraph {
  if (isOnnxProfileModel(graph)) return onnxMemoryGraph(graph);
  const tensorBytes: Record<string, number> = {};
  for (const [id, shape] of shapeIndex(graph)) tensorBytes[tensorName(id)] = FLOAT_BYTES * shape.reduce((a, b) => a * b, 1);
  const ops = graph.ops.map((op, i): MemoryOp => ({
    name: `${op.module}#${i}`,
    inputs: op.inputs.map(tensorName),
    outputs: opOutputs(op).map((t) => tensorName(t.id)),
    ...(op.kind === 'conv' && op.site ? { site: op.site } : {}),
  }));
  return { tensorBytes, inputs: [tensorName(graph.input.id)], outputs: graph.outputs.map((t) => tensorName(t.id)), ops, weightsBytes: graph.fusedParams * FLOAT_BYTES };
}

/** The conv + activation block of every site, at its real input shape. */
export function siteBlocks(graph: ProfileGraph): readonly SiteBlockSpec[] {
  if (isOnnxProfileModel(graph)) return onnxSiteBlocks(graph);
  const shapes = shapeIndex(graph);
  return graph.ops
    .filter((op): op is ConvOp => op.kind === 'conv' && op.site !== undefined)
    .map((op) => {
      const input = shapes.get(op.inputs[0]!)!;
      return {
        site: op.site!, inChannels: op.cin, outChannels: op.cout, kernel: op.k, stride: op.s, pad: op.p, groups: op.g,
        inHeight: input[1]!, inWidth: input[2]!,
      };
    });
}
