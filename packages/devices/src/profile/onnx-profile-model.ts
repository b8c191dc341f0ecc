import { createHash } from 'node:crypto';
import type { ImportedModel, OnnxNode, OnnxSite, OnnxTensorFacts } from '@actnas/core';
import { OnnxDataType, attributeInt, attributeInts, attributeString, decodeOnnxModel, encodeOnnxModel, importOnnx, importedTensorFacts, tensorDims } from '@actnas/core';
import type { SiteBlockSpec } from '../latency/micro-block.js';
import type { MemoryGraph, MemoryOp } from '../memory/memory-schedule.js';

/**
 * A user's own ONNX file as a profiling subject: the sites it can be profiled at for one metric,
 * with what the importer read from its graph (the preceding conv, feature-map shapes). Sites
 * that cannot be profiled for that metric are listed with the reason, so the caller reports them.
 */
export interface OnnxProfileModel {
  readonly kind: 'onnx';
  /** The file as imported (dynamic spatial dims bound). Full-mode rewrites start from it. */
  readonly imported: ImportedModel;
  /** Input height; `imgsz` of checkpoints and provenance (equal to `width` for square inputs). */
  readonly imgsz: number;
  readonly height: number;
  readonly width: number;
  readonly inputName: string;
  /** The profiled sites, in forward order. */
  readonly sites: readonly { readonly name: string }[];
  /** Sites of the file left out for this metric, with why. */
  readonly skipped: readonly { readonly site: string; readonly reason: string }[];
  /** sha256 of the file: a checkpoint of another file is never resumed. */
  readonly digest: string;
}

export function isOnnxProfileModel(g: object): g is OnnxProfileModel {
  return (g as { kind?: unknown }).kind === 'onnx';
}

export class OnnxProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxProfileError';
  }
}

const ELEMENT_BYTES: Readonly<Record<number, number>> = {
  [OnnxDataType.FLOAT]: 4, [OnnxDataType.UINT8]: 1, [OnnxDataType.INT8]: 1, [OnnxDataType.UINT16]: 2, [OnnxDataType.INT16]: 2,
  [OnnxDataType.INT32]: 4, [OnnxDataType.INT64]: 8, [OnnxDataType.BOOL]: 1, [OnnxDataType.FLOAT16]: 2, [OnnxDataType.DOUBLE]: 8,
  [OnnxDataType.UINT32]: 4, [OnnxDataType.UINT64]: 8, [OnnxDataType.BFLOAT16]: 2,
};

/** Batch 1 for a symbolic batch; undefined when a dim is unknown. */
function concrete(shape: OnnxTensorFacts['shape']): number[] | undefined {
  if (!shape) return undefined;
  const dims = shape.map((d, i) => (typeof d === 'number' ? d : i === 0 && typeof d === 'string' ? 1 : undefined));
  return dims.every((d): d is number => d !== undefined) ? dims : undefined;
}

function nodeByLabel(imported: ImportedModel): (label: string) => OnnxNode | undefined {
  const nodes = imported.model.graph?.node ?? [];
  const byName = new Map(nodes.map((n) => [n.name ?? '', n]));
  return (label) => (/^#\d+$/.test(label) ? nodes[Number(label.slice(1))] : byName.get(label));
}

/** The conv feeding a site as a micro block, or why it cannot be one. */
function siteBlock(site: OnnxSite, conv: OnnxNode | undefined, imported: ImportedModel, facts: ReadonlyMap<string, OnnxTensorFacts>): SiteBlockSpec | string {
  if (!conv) return 'no Conv (or Conv + BatchNormalization) produces its input';
  const weight = (imported.model.graph?.initializer ?? []).find((t) => t.name === conv.input?.[1]);
  if (!weight) return `the weights of ${conv.name ?? 'its Conv'} are not an initializer`;
  const [cout, cinPerGroup, kh, kw] = tensorDims(weight);
  const input = concrete(facts.get(conv.input?.[0] ?? '')?.shape);
  if (!input || input.length !== 4) return `the input shape of ${conv.name ?? 'its Conv'} is unknown`;
  const kernel = attributeInts(conv, 'kernel_shape') ?? [kh!, kw!];
  const strides = attributeInts(conv, 'strides') ?? [1, 1];
  const pads = attributeInts(conv, 'pads') ?? [0, 0, 0, 0];
  const dilations = attributeInts(conv, 'dilations') ?? [1, 1];
  const autoPad = attributeString(conv, 'auto_pad') ?? 'NOTSET';
  const groups = attributeInt(conv, 'group', 1);
  if (kernel.length !== 2 || kernel[0] !== kernel[1] || strides[0] !== strides[1] || pads.some((p) => p !== pads[0]) || dilations.some((d) => d !== 1) || autoPad !== 'NOTSET') {
    return `its Conv (kernel ${kernel.join('×')}, strides ${strides.join(',')}, pads ${pads.join(',')}, dilations ${dilations.join(',')}, auto_pad ${autoPad}) is not a square, symmetric, undilated conv the micro block builds`;
  }
  return {
    site: site.name, inChannels: cinPerGroup! * groups, outChannels: cout!, kernel: kernel[0]!, stride: strides[0]!, pad: pads[0]!, groups,
    inHeight: input[2]!, inWidth: input[3]!,
  };
}

/** As profile-runner's ProfileMetric and LatencyMode (not imported from it: the runner imports this module). */
type ProfileMetric = 'latency' | 'memory' | 'accuracy';
type LatencyMode = 'full' | 'micro';

export interface OnnxProfileModelOptions {
  readonly metric: ProfileMetric;
  readonly mode: LatencyMode;
}

/**
 * The file as a profiling subject for one metric. Every metric needs the site's name and shape;
 * micro latency and memory also need the conv in front of the site (read from the graph); NWOT
 * needs it to re-estimate the folded BatchNorm. Full-mode latency only rewrites the activation.
 */
export function onnxProfileModel(imported: ImportedModel, o: OnnxProfileModelOptions): OnnxProfileModel {
  const inputs = imported.inputs;
  if (inputs.length !== 1) throw new OnnxProfileError(`the model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); profiling feeds one image input`);
  const input = inputs[0]!;
  const dims = imported.inputBinding ? [1, input.shape?.[1], ...imported.inputBinding.imgsz] : input.shape;
  const shape = concrete(dims as OnnxTensorFacts['shape']);
  if (!shape || shape.length !== 4 || shape[1] !== 3) throw new OnnxProfileError(`input "${input.name}" is ${JSON.stringify(input.shape ?? '?')}, not an NCHW image with 3 channels`);
  const [, , height, width] = shape as [number, number, number, number];
  const facts = importedTensorFacts(imported);
  const node = nodeByLabel(imported);
  const needsConv = o.metric !== 'latency' || o.mode === 'micro';
  const sites: { name: string }[] = [];
  const skipped: { site: string; reason: string }[] = [];
  for (const site of imported.sites) {
    const reason = siteProblem(site, needsConv, o, imported, facts, node);
    if (reason) skipped.push({ site: site.name, reason });
    else sites.push({ name: site.name });
  }
  if (sites.length === 0) throw new OnnxProfileError(`none of the model's ${imported.sites.length} sites can be profiled for ${o.metric}: ${skipped[0]?.site}: ${skipped[0]?.reason}`);
  return {
    kind: 'onnx', imported, imgsz: height, height, width, inputName: input.name, sites, skipped,
    digest: createHash('sha256').update(imported.bytes).digest('hex'),
  };
}

function siteProblem(site: OnnxSite, needsConv: boolean, o: OnnxProfileModelOptions, imported: ImportedModel, facts: ReadonlyMap<string, OnnxTensorFacts>, node: (label: string) => OnnxNode | undefined): string | undefined {
  if (site.nameSource === 'generated') return 'the import could not name it (no module path in its node names)';
  if (!site.shape) return 'the import could not shape it (shape inference does not reach it)';
  if (!needsConv) return undefined;
  if (o.metric === 'latency') {
    const block = siteBlock(site, site.convNode === undefined ? undefined : node(site.convNode), imported, facts);
    return typeof block === 'string' ? block : undefined;
  }
  if (site.convNode === undefined) return 'no Conv (or Conv + BatchNormalization) produces its input';
  if (o.metric === 'accuracy' && site.nodes.some((n) => /^#\d+$/.test(n))) return 'its activation nodes have no names, which NWOT cuts the model at';
  return undefined;
}

/** Micro blocks of the profiled sites, from each site's conv as the file has it. */
export function onnxSiteBlocks(m: OnnxProfileModel): readonly SiteBlockSpec[] {
  const facts = importedTensorFacts(m.imported);
  const node = nodeByLabel(m.imported);
  const wanted = new Set(m.sites.map((s) => s.name));
  return m.imported.sites.filter((s) => wanted.has(s.name)).map((s) => {
    const block = siteBlock(s, s.convNode === undefined ? undefined : node(s.convNode), m.imported, facts);
    if (typeof block === 'string') throw new OnnxProfileError(`site ${s.name}: ${block}`);
    return block;
  });
}

/**
 * The file's graph as the memory planner sees it (batch 1): one op per node in the file's order,
 * except that each profiled site's conv (with an unfused BatchNormalization) and activation nodes
 * are one conv op whose output is the activated tensor, as in the graph IR. Constants and
 * initializers are weights; a tensor whose shape inference could not size counts 0 bytes.
 */
export function onnxMemoryGraph(m: OnnxProfileModel): MemoryGraph {
  const graph = m.imported.model.graph ?? {};
  const facts = importedTensorFacts(m.imported);
  const inits = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const constants = new Set((graph.node ?? []).filter((n) => n.opType === 'Constant').flatMap((n) => n.output ?? []));
  const tensorBytes: Record<string, number> = {};
  for (const [name, f] of facts) {
    if (inits.has(name) || constants.has(name)) continue;
    const dims = concrete(f.shape);
    if (dims) tensorBytes[name] = (ELEMENT_BYTES[f.elem ?? OnnxDataType.FLOAT] ?? 4) * dims.reduce((a, b) => a * b, 1);
  }
  const wanted = new Set(m.sites.map((s) => s.name));
  const node = nodeByLabel(m.imported);
  const nodes = graph.node ?? [];
  const siteAt = new Map<OnnxNode, OnnxSite>();
  const absorbed = new Set<OnnxNode>();
  for (const site of m.imported.sites) {
    if (!wanted.has(site.name) || site.convNode === undefined) continue;
    const conv = node(site.convNode)!;
    siteAt.set(conv, site);
    for (const k of site.nodeIndices) absorbed.add(nodes[k]!);
    // An unfused BatchNormalization between the conv and the activation is part of the conv op.
    const bn = nodes.find((n) => n.opType === 'BatchNormalization' && n.output?.[0] === site.preactTensor);
    if (bn) absorbed.add(bn);
  }
  const runtimeInputs = (n: OnnxNode): string[] => (n.input ?? []).filter((t) => t && !inits.has(t) && !constants.has(t));
  const ops: MemoryOp[] = [];
  nodes.forEach((n, k) => {
    if (n.opType === 'Constant' || absorbed.has(n)) return;
    const site = siteAt.get(n);
    ops.push({
      name: n.name || `#${k}`,
      inputs: runtimeInputs(n),
      outputs: site ? [site.outputTensor] : (n.output ?? []).filter(Boolean),
      ...(site ? { site: site.name } : {}),
    });
  });
  const weightsBytes = (graph.initializer ?? []).reduce((sum, t) => sum + (ELEMENT_BYTES[t.dataType ?? OnnxDataType.FLOAT] ?? 4) * tensorDims(t).reduce((a, b) => a * b, 1), 0);
  return {
    tensorBytes,
    inputs: [m.inputName],
    outputs: (graph.output ?? []).map((v) => v.name ?? ''),
    ops,
    weightsBytes,
  };
}

/**
 * The file as NWOT runs it. NWOT reads the sites' pre-activations only, so the graph is cut after
 * the last site (the head's decoding, whose Reshapes may build in the batch of the export and
 * whose shape arithmetic is integer, is dropped) and the site outputs are its outputs. The batch
 * is made symbolic (for its batch of images) and the input size it was imported at fixed (the
 * estimator re-imports the models it derives).
 */
export function onnxWithDynamicBatch(m: OnnxProfileModel): ImportedModel {
  const model = decodeOnnxModel(m.imported.bytes, { validate: false, maxBytes: m.imported.bytes.length });
  const graph = model.graph!;
  const input = graph.input!.find((v) => v.name === m.inputName)!;
  const dims = input.type!.tensorType!.shape!.dim! as { dimValue?: unknown; dimParam?: string }[];
  const set = (k: number, value: number | string): void => {
    const d = dims[k]!;
    d.dimValue = typeof value === 'number' ? value : undefined;
    d.dimParam = typeof value === 'string' ? value : undefined;
  };
  set(0, 'batch');
  set(2, m.height);
  set(3, m.width);
  const outputs = m.imported.sites.map((s) => s.outputTensor);
  const needed = new Set(outputs);
  const kept: OnnxNode[] = [];
  for (const node of [...(graph.node ?? [])].reverse()) {
    if (!(node.output ?? []).some((o) => needed.has(o))) continue;
    kept.push(node);
    for (const i of node.input ?? []) if (i) needed.add(i);
  }
  const g = graph as { node?: unknown; initializer?: unknown; input?: unknown; valueInfo?: unknown; output?: unknown };
  g.node = kept.reverse();
  g.initializer = (graph.initializer ?? []).filter((t) => needed.has(t.name ?? ''));
  // Files before IR 4 also list initializers as inputs: keep only those still used.
  g.input = (graph.input ?? []).filter((v) => v.name === m.inputName || needed.has(v.name ?? ''));
  g.valueInfo = [];
  g.output = outputs.map((name) => ({ name, type: { tensorType: { elemType: OnnxDataType.FLOAT } } }));
  const bytes = encodeOnnxModel(model);
  return importOnnx(bytes, { maxBytes: bytes.length });
}

/** What a table of the file says about its source, for the provenance note. */
export function onnxProvenance(m: OnnxProfileModel, metric: ProfileMetric): string {
  const parts = [`source=onnx file sha256:${m.digest.slice(0, 16)} (${m.imported.sites.length} sites, ${m.sites.length} profiled)`, `input=${m.height}x${m.width}`];
  if (metric === 'latency') parts.push("weights=the file's own (full mode: single-swap rewrites of the file; micro: seeded blocks at each site's conv and shape)");
  if (metric === 'accuracy') {
    parts.push(
      "weights=the file's own; BN is folded into its convs, so the data-dependent init re-estimates it: each site's conv output is normalised per channel to mean 0, variance 1 over the calibration batch and that normalisation is folded into the conv (the conv's filters are kept, its per-channel scale and shift are not)",
    );
  }
  if (metric === 'memory') parts.push("graph=the file's nodes at batch 1, each site's conv + activation one op");
  return parts.join('; ');
}
