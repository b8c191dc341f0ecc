/**
 * Import an ONNX model someone else exported: decode it, find its activation sites by pattern,
 * name them (ActNAS metadata, else torch-style node names, else generated) and give them shapes.
 */
import type { ActivationKind } from '../activations/index.js';
import { Identity, fullActivationRegistry } from '../activations/index.js';
import { OnnxGraphIndex } from './onnx-graph-index.js';
import type { ImgszOption, InputBinding } from './onnx-input-size.js';
import { bindInputSizes } from './onnx-input-size.js';
import { OnnxImportError } from './onnx-import-error.js';
import type { DecodeOnnxOptions, OnnxModel, OnnxStringEntry, OnnxValueInfo } from './onnx-proto.js';
import { aiOnnxOpset, decodeOnnxModel, tensorDims, toNumber, valueInfoShape } from './onnx-proto.js';
import type { Shape } from './onnx-shape-inference.js';
import { inferShapes, inferTensorFacts } from './onnx-shape-inference.js';
import { isComplete } from './onnx-symbolic-dim.js';
import type { ActnasSiteRecord } from './onnx-sites-metadata.js';
import { readSitesMetadata } from './onnx-sites-metadata.js';
import type { ImportWarning, SiteMatch } from './onnx-site-patterns.js';
import { matchActivationSites, nodeLabel } from './onnx-site-patterns.js';
import { generatedSiteName, nodeScope, siteNameFromNodeName } from './onnx-site-names.js';

export type SiteNameSource = 'metadata' | 'node-name' | 'generated';

/** One activation site of an imported model. */
export interface OnnxSite {
  /** Position in forward order, from 0. */
  readonly index: number;
  /** Module path (`model.2.m.0.cv1.act`) or a generated `site.<n>@<output tensor>`. */
  readonly name: string;
  readonly nameSource: SiteNameSource;
  readonly activation: ActivationKind;
  /** Node names (`#<index>` for unnamed nodes), in graph order. */
  readonly nodes: readonly string[];
  readonly opTypes: readonly string[];
  /** Indices into graph.node, ascending. */
  readonly nodeIndices: readonly number[];
  readonly preactTensor: string;
  readonly outputTensor: string;
  /** The Conv node producing the pre-activation (through a BatchNormalization if unfused). */
  readonly convNode?: string;
  readonly channels?: number;
  /** Feature-map shape (NCHW for convolutional sites); string dims are symbolic. */
  readonly shape?: readonly (number | string)[];
  /** Torch-style scope of the site's nodes (`/model.2/cv1/act`); rewritten nodes are named in it. */
  readonly scope: string;
}

export interface OnnxTensorInfo {
  readonly name: string;
  readonly elemType: number;
  /** Undefined dims are unknown; strings are symbolic. */
  readonly shape?: readonly (number | string | undefined)[];
}

export interface ImportedModel {
  /** The bytes imported; the model's tensors are views into them. */
  readonly bytes: Uint8Array;
  readonly model: OnnxModel;
  readonly irVersion: number;
  /** ai.onnx opset. */
  readonly opset: number;
  readonly producer: string;
  readonly inputs: readonly OnnxTensorInfo[];
  readonly outputs: readonly OnnxTensorInfo[];
  readonly sites: readonly OnnxSite[];
  readonly warnings: readonly ImportWarning[];
  readonly metadata: readonly OnnxStringEntry[];
  /** Model spec from the ActNAS metadata, when the file carries it. */
  readonly modelSpec?: string;
  /** Set when the file's input has dynamic height/width: the size the sites were shaped at. */
  readonly inputBinding?: InputBinding;
}

export interface ImportOnnxOptions extends DecodeOnnxOptions {
  /**
   * Height and width for an input whose spatial dims are dynamic (`640` or `[480, 640]`). Without
   * it such a file is shaped at the `imgsz` Ultralytics' exporter records, or refused.
   */
  readonly imgsz?: ImgszOption;
}

/**
 * Decodes `bytes` and discovers its activation sites. Throws `OnnxFormatError` for files that are
 * not usable ONNX, `OnnxImportError` (a subclass) for models without sites or with input dims
 * that cannot be shaped.
 */
export function importOnnx(bytes: Uint8Array, options: ImportOnnxOptions = {}): ImportedModel {
  const model = decodeOnnxModel(bytes, options);
  const graph = model.graph!;
  const g = new OnnxGraphIndex(graph);
  const patterns = matchActivationSites(g);
  const warnings: ImportWarning[] = [...patterns.warnings];
  const matches = [...patterns.matches, ...declaredOnlySites(g, model, patterns.matches, warnings)].sort((a, b) => a.nodeIndices[0]! - b.nodeIndices[0]!);
  if (matches.length === 0) throw noSitesError(g, warnings);
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const bound = bindInputSizes(model, (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')), options.imgsz);
  const named = nameSites(g, matches, model, warnings);
  const opset = aiOnnxOpset(model)!;
  const shapes = inferShapes(g, { inputShapes: bound.shapes, opset });
  const sites = named.map((s, index) => describeSite(g, shapes, s, index));
  warnings.push(...incompleteSiteWarnings(sites));
  const meta = readSitesMetadata(model);
  return {
    bytes,
    model,
    irVersion: toNumber(model.irVersion),
    opset,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    inputs: tensorInfos(graph.input ?? [], initializers),
    outputs: tensorInfos(graph.output ?? [], new Set()),
    sites,
    warnings,
    metadata: model.metadataProps ?? [],
    ...(meta?.ok && meta.metadata.model ? { modelSpec: meta.metadata.model } : {}),
    ...(bound.binding ? { inputBinding: bound.binding } : {}),
  };
}

const RECOGNISED = 'SiLU (Sigmoid + Mul), Hardswish (HardSwish, HardSigmoid + Mul), ReLU, ReLU6 (Clip 0..6), LeakyRelu, GELU, Mish, HardSigmoid';

function noSitesError(g: OnnxGraphIndex, warnings: readonly ImportWarning[]): OnnxImportError {
  const rejected = warnings.length === 0 ? '' : `; rejected look-alikes: ${warnings.slice(0, 3).map((w) => `${w.message} (${w.nodes.join(', ')})`).join('; ')}${warnings.length > 3 ? `; and ${warnings.length - 3} more` : ''}`;
  return new OnnxImportError(
    'NO_ACTIVATION_SITES',
    `no activation site among the model's ${g.nodes.length} nodes: none is an activation the importer recognises (${RECOGNISED})${rejected}`,
    warnings,
  );
}

/** Sites that got no module path or no complete shape, reported rather than passed on silently. */
function incompleteSiteWarnings(sites: readonly OnnxSite[]): ImportWarning[] {
  const warnings: ImportWarning[] = [];
  const unnamed = sites.filter((s) => s.nameSource === 'generated');
  if (unnamed.length > 0) {
    warnings.push({
      code: 'SITES_UNNAMED',
      message: `${unnamed.length} of ${sites.length} sites carry no module path in their node names and got generated names (${listed(unnamed.map((s) => s.name))})`,
      nodes: unnamed.flatMap((s) => s.nodes),
    });
  }
  const unshaped = sites.filter((s) => !s.shape);
  if (unshaped.length > 0) {
    warnings.push({
      code: 'SITES_UNSHAPED',
      message: `${unshaped.length} of ${sites.length} sites have no complete feature-map shape: shape inference does not reach them (${listed(unshaped.map((s) => s.name))})`,
      nodes: unshaped.flatMap((s) => s.nodes),
    });
  }
  return warnings;
}

const listed = (names: readonly string[]): string => (names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')}, …`);

function tensorInfos(values: readonly OnnxValueInfo[], exclude: ReadonlySet<string>): OnnxTensorInfo[] {
  return values
    .filter((v) => !exclude.has(v.name ?? ''))
    .map((v) => {
      const shape = valueInfoShape(v);
      return { name: v.name ?? '', elemType: v.type?.tensorType?.elemType ?? 0, ...(shape ? { shape } : {}) };
    });
}

interface NamedMatch {
  readonly match: SiteMatch;
  readonly name: string;
  readonly nameSource: SiteNameSource;
  readonly activation: ActivationKind;
}

/** Names from ActNAS metadata (matched by output tensor), else node names, else generated; unique. */
function nameSites(g: OnnxGraphIndex, matches: readonly SiteMatch[], model: OnnxModel, warnings: ImportWarning[]): NamedMatch[] {
  const records = metadataByOutput(model, warnings);
  const used = new Set<string>();
  return matches.map((match, index) => {
    const record = records.get(match.output);
    const fromNodes = [...match.nodeIndices].reverse().map((k) => siteNameFromNodeName(g.node(k).name ?? '')).find(Boolean);
    let name = record?.name ?? fromNodes;
    let nameSource: SiteNameSource = record ? 'metadata' : 'node-name';
    if (name !== undefined && used.has(name)) {
      warnings.push({ code: 'DUPLICATE_SITE_NAME', message: `two sites are named "${name}": the later one gets a generated name`, nodes: match.nodeIndices.map((k) => nodeLabel(g, k)) });
      name = undefined;
    }
    if (name === undefined) {
      name = generatedSiteName(index, match.output);
      nameSource = 'generated';
    }
    used.add(name);
    if (record) checkRecord(record, match, warnings);
    return { match, name, nameSource, activation: match.kind };
  });
}

function metadataByOutput(model: OnnxModel, warnings: ImportWarning[]): Map<string, ActnasSiteRecord> {
  const meta = readSitesMetadata(model);
  if (!meta) return new Map();
  if (!meta.ok) {
    warnings.push({ code: 'METADATA_INVALID', message: meta.reason, nodes: [] });
    return new Map();
  }
  return new Map(meta.metadata.sites.map((s) => [s.output, s]));
}

/**
 * Sites the metadata declares that no pattern finds: an Identity site (a rewrite to Identity) is
 * taken as declared; anything else is reported.
 */
function declaredOnlySites(g: OnnxGraphIndex, model: OnnxModel, found: readonly SiteMatch[], warnings: ImportWarning[]): SiteMatch[] {
  const meta = readSitesMetadata(model);
  if (!meta?.ok) return [];
  const outputs = new Set(found.map((m) => m.output));
  return meta.metadata.sites.flatMap((record) => {
    if (outputs.has(record.output)) return [];
    const k = g.producer(record.output);
    const node = k === undefined ? undefined : g.node(k);
    if (k !== undefined && node?.opType === 'Identity' && node.input?.[0] === record.preact) {
      return [{ kind: Identity, nodeIndices: [k], preact: record.preact, output: record.output }];
    }
    warnings.push({ code: 'METADATA_MISMATCH', message: `site "${record.name}" in the metadata is not an activation in the graph`, nodes: record.nodes });
    return [];
  });
}

function checkRecord(record: ActnasSiteRecord, match: SiteMatch, warnings: ImportWarning[]): void {
  const declared = fullActivationRegistry().tryResolve(record.activation);
  if (declared?.id !== match.kind.id) {
    warnings.push({
      code: 'METADATA_MISMATCH',
      message: `site "${record.name}": metadata says ${record.activation}, the graph has ${match.kind.id}`,
      nodes: record.nodes,
    });
  }
}

function convOf(g: OnnxGraphIndex, tensor: string): number | undefined {
  const k = g.producer(tensor);
  if (k === undefined) return undefined;
  const node = g.node(k);
  if (node.opType === 'Conv') return k;
  return node.opType === 'BatchNormalization' ? convOf(g, node.input?.[0] ?? '') : undefined;
}

function describeSite(g: OnnxGraphIndex, shapes: ReadonlyMap<string, Shape>, named: NamedMatch, index: number): OnnxSite {
  const { match } = named;
  const conv = convOf(g, match.preact);
  const weight = conv === undefined ? undefined : g.initializer(g.node(conv).input?.[1] ?? '');
  const pre = shapes.get(match.preact);
  const inferred = isComplete(pre) ? pre : (shapes.get(match.output) ?? pre);
  const channels = numberOrUndefined(inferred?.[1]) ?? (weight ? tensorDims(weight)[0] : undefined);
  const shape = isComplete(inferred) ? inferred : undefined;
  const lastName = g.node(match.nodeIndices[match.nodeIndices.length - 1]!).name ?? '';
  return {
    index,
    name: named.name,
    nameSource: named.nameSource,
    activation: named.activation,
    nodes: match.nodeIndices.map((k) => nodeLabel(g, k)),
    opTypes: match.nodeIndices.map((k) => g.node(k).opType ?? ''),
    nodeIndices: match.nodeIndices,
    preactTensor: match.preact,
    outputTensor: match.output,
    ...(conv !== undefined ? { convNode: nodeLabel(g, conv) } : {}),
    ...(channels !== undefined ? { channels } : {}),
    ...(shape ? { shape } : {}),
    scope: nodeScope(lastName) ?? `/actnas/site_${index}`,
  };
}

function numberOrUndefined(d: number | string | undefined): number | undefined {
  return typeof d === 'number' ? d : undefined;
}

/** What shape inference knows about one tensor of an imported model. */
export interface OnnxTensorFacts {
  /** Undefined when unknown, as is an unknown dim; string dims are symbolic (a dynamic batch). */
  readonly shape?: readonly (number | string | undefined)[];
  /** TensorProto.DataType of the elements. */
  readonly elem?: number;
}

/**
 * Shapes and element types of every tensor of an imported model that inference can work out, with
 * dynamic spatial input dims bound as at import (its `inputBinding`). Initializers included.
 */
export function importedTensorFacts(imported: ImportedModel): ReadonlyMap<string, OnnxTensorFacts> {
  const graph = imported.model.graph!;
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? ''));
  const bound = bindInputSizes(imported.model, inputs, imported.inputBinding?.imgsz);
  const facts = inferTensorFacts(new OnnxGraphIndex(graph), { inputShapes: bound.shapes, opset: imported.opset });
  return new Map([...facts].map(([name, f]) => [name, { ...(f.shape ? { shape: f.shape } : {}), ...(f.elem !== undefined ? { elem: f.elem } : {}) }]));
}

/** The site table of an imported model, as ActNAS metadata records. */
export function siteRecords(sites: readonly OnnxSite[]): ActnasSiteRecord[] {
  return sites.map((s) => ({
    name: s.name,
    activation: s.activation.id,
    nodes: s.nodes,
    preact: s.preactTensor,
    output: s.outputTensor,
    ...(s.convNode !== undefined ? { conv: s.convNode } : {}),
    ...(s.channels !== undefined ? { channels: s.channels } : {}),
    ...(s.shape ? { shape: s.shape } : {}),
  }));
}
