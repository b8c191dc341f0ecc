import type { GraphLayer, GraphOp, LayerSpec, ModelGraph, ModelSpec, SiteInfo, TensorRef } from './graph.types.js';
import { GraphContext } from './graph-context.js';
import { opFlops, opFusedParams, opParams } from './graph-metrics.js';
import { layerScope } from './graph-scope.js';
import { ModelSpecError } from './model-spec.error.js';
import { MODULE_BUILDERS, NON_LEGACY_MODULES, REPEAT_INSIDE } from './modules/module-registry.js';
import type { LayerResult } from './modules/module.types.js';

export interface BuildGraphOptions {
  /** Square input size in pixels (multiple of 32). Default 640. */
  readonly imgsz?: number;
  /** Number of classes; default the spec's `nc`. */
  readonly nc?: number;
}

/** Python's round(): halves go to the even neighbour. */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Builds the graph IR of a spec at an input size: ops in forward order, sites, params, FLOPs. */
export function buildGraph(spec: ModelSpec, options: BuildGraphOptions = {}): ModelGraph {
  const imgsz = options.imgsz ?? 640;
  const nc = options.nc ?? spec.nc;
  if (!Number.isInteger(imgsz) || imgsz < 32 || imgsz % 32 !== 0) throw new ModelSpecError(`imgsz must be a positive multiple of 32, got ${imgsz}`);
  if (!Number.isInteger(nc) || nc < 1) throw new ModelSpecError(`nc must be a positive integer, got ${nc}`);
  const ctx = new GraphContext(spec.activation, spec.siteActivations);
  const input = ctx.tensor([3, imgsz, imgsz]);
  const outputs: TensorRef[] = [];
  const lists: (readonly TensorRef[] | undefined)[] = [];
  const results: LayerResult[] = [];
  let legacy = true;
  for (const layer of spec.layers) {
    ctx.layer = layer.index;
    const builder = MODULE_BUILDERS[layer.module];
    if (!builder) throw new ModelSpecError(`unsupported module ${JSON.stringify(layer.module)}`, layer.index, 'module');
    const n = layer.repeats > 1 ? Math.max(pyRound(layer.repeats * spec.depthMultiple), 1) : layer.repeats;
    const froms = absoluteFroms(layer);
    const inputs = froms.map((f) => (f === -1 ? input : outputs[f]!));
    const scope = layerScope(layer.index, !REPEAT_INSIDE.has(layer.module) && n > 1 ? 'sequential' : 'module');
    const result = builder({ ctx, spec, layer, scope, inputs, lists: froms.map((f) => (f === -1 ? undefined : lists[f])), n, nc, imgsz, legacy });
    if (NON_LEGACY_MODULES.has(layer.module)) legacy = false;
    outputs.push(result.output);
    lists.push(result.list);
    results.push(result);
  }
  const graph = assemble(spec, imgsz, nc, input, ctx, results);
  const known = new Set(graph.sites.map((s) => s.name));
  const unknown = [...(spec.siteActivations?.keys() ?? [])].filter((name) => !known.has(name));
  if (unknown.length > 0) throw new ModelSpecError(`actnas_activations names unknown sites: ${unknown.slice(0, 3).join(', ')}`);
  return graph;
}

/** Layer indices of the inputs; -1 is the image. */
function absoluteFroms(layer: LayerSpec): number[] {
  const froms = typeof layer.from === 'number' ? [layer.from] : layer.from;
  return froms.map((f) => (f < 0 ? layer.index + f : f));
}

function assemble(
  spec: ModelSpec,
  imgsz: number,
  nc: number,
  input: TensorRef,
  ctx: GraphContext,
  results: readonly LayerResult[],
): ModelGraph {
  const ops: readonly GraphOp[] = ctx.ops;
  const sites: SiteInfo[] = [];
  for (const op of ops) {
    if (op.kind !== 'conv' || op.site === undefined) continue;
    const [channels, height, width] = op.output.shape as [number, number, number];
    sites.push(Object.freeze({
      name: op.site, index: sites.length, channels, height, width, convName: op.convName, layer: op.layer,
      defaultActivation: op.defaultActivation!,
    }));
  }
  const layers: GraphLayer[] = spec.layers.map((layer, i) => {
    const own = ops.filter((op) => op.layer === layer.index);
    const training = ctx.trainingOps.filter((op) => op.layer === layer.index);
    return Object.freeze({
      index: layer.index,
      from: layer.from,
      repeats: layer.repeats > 1 ? Math.max(pyRound(layer.repeats * spec.depthMultiple), 1) : 1,
      module: layer.module,
      args: results[i]!.args,
      params: [...own, ...training].reduce((s, op) => s + opParams(op), 0) + (ctx.extraParams.get(layer.index) ?? 0),
      flops: own.reduce((s, op) => s + opFlops(op), 0),
      sites: own.flatMap((op) => (op.kind === 'conv' && op.site ? [op.site] : [])),
      output: results[i]!.output.shape,
    });
  });
  const last = results[results.length - 1]!;
  const head = ops.find((op) => op.kind === 'detect');
  return Object.freeze({
    spec, imgsz, nc, input,
    output: last.output,
    outputs: Object.freeze([last.output, ...(last.extraOutputs ?? [])]),
    ops: Object.freeze([...ops]),
    layers: Object.freeze(layers),
    sites: Object.freeze(sites),
    params: layers.reduce((s, l) => s + l.params, 0),
    fusedParams: ops.reduce((s, op) => s + opFusedParams(op), 0),
    flops: layers.reduce((s, l) => s + l.flops, 0),
    task: spec.task,
    endToEnd: head?.kind === 'detect' && head.endToEnd,
  });
}
