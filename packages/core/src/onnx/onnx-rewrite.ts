/**
 * Rewrite activation sites of an imported model. Only the sites' nodes change; everything else is
 * copied from the original bytes as they are: the graph's node records are spliced at the wire
 * level (the graph field gets a new length), metadata_props gets the new site table appended.
 * So a rewrite costs one memcpy of the file, and an unchanged site table gives identical bytes.
 */
import type { ActivationKind } from '../activations/index.js';
import type { ImportedModel, OnnxSite } from './onnx-import.js';
import { importOnnx, siteRecords } from './onnx-import.js';
import type { OnnxNamer } from './onnx-lowering.js';
import { createNamer, lowerActivation, UnsupportedLoweringError } from './onnx-lowering.js';
import type { OnnxNode } from './onnx-proto.js';
import { encodeOnnxNode, encodeOnnxStringEntry } from './onnx-proto.js';
import { ACTNAS_SITES_METADATA_KEY, sitesMetadataEntry } from './onnx-sites-metadata.js';
import type { WireRecord } from './onnx-wire.js';
import { concatBytes, lengthDelimitedHeader, scanRecords } from './onnx-wire.js';

const MODEL_GRAPH_FIELD = 7;
const MODEL_METADATA_FIELD = 14;
const GRAPH_NODE_FIELD = 1;
const GRAPH_VALUE_INFO_FIELD = 13;
const ENTRY_KEY_FIELD = 1;

/** Site name → the activation it gets. Sites left out keep theirs. */
export type SiteAssignment = ReadonlyMap<string, ActivationKind> | Readonly<Record<string, ActivationKind>>;

export interface RewriteOnnxOptions {
  /** Write the `actnas.sites` site table (default true); false drops an existing one, which would be stale. */
  readonly metadata?: boolean;
  /** Model spec recorded in the metadata (defaults to the imported one). */
  readonly modelSpec?: string;
  /**
   * Write into this buffer when it is large enough and return a view of it. A fresh buffer of a
   * large model costs more in page faults than the copy itself; reuse one across candidates
   * once the previous result is no longer needed.
   */
  readonly into?: Uint8Array;
}

export type OnnxRewriteErrorCode = 'UNKNOWN_SITE' | 'UNSUPPORTED_ACTIVATION' | 'UNSUPPORTED_LAYOUT';

export class OnnxRewriteError extends Error {
  constructor(
    readonly code: OnnxRewriteErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OnnxRewriteError';
  }
}

/** Byte ranges and names of one imported file, worked out once per model. */
interface Layout {
  readonly graph: WireRecord;
  readonly nodes: readonly WireRecord[];
  readonly valueInfo: ReadonlyMap<string, WireRecord>;
  readonly ownMetadata: readonly WireRecord[];
  readonly nodeNames: ReadonlySet<string>;
  readonly tensorNames: ReadonlySet<string>;
  readonly sitesByName: ReadonlyMap<string, OnnxSite>;
}

const layouts = new WeakMap<ImportedModel, Layout>();

/**
 * The ONNX bytes of `source` with the assigned sites' activations replaced. `source` is an
 * imported model (reuse it across many rewrites: the layout is computed once) or ONNX bytes.
 */
export function rewriteOnnx(source: ImportedModel | Uint8Array, assignment: SiteAssignment, options: RewriteOnnxOptions = {}): Uint8Array {
  const imported = source instanceof Uint8Array ? importOnnx(source) : source;
  const layout = layoutOf(imported);
  const changes = resolveAssignment(layout, assignment).filter(([site, kind]) => site.activation.id !== kind.id);
  const { graphEdits, newNodes } = lowerChanges(imported, layout, changes);
  const metadata = options.metadata === false ? [] : metadataChunks(imported, new Map(changes.map(([s, k]) => [s.name, k])), newNodes, options);
  // The new site table takes the place of the old one (other entries keep their order), or goes last.
  const topEdits: Edit[] = layout.ownMetadata.map((r, k) => ({ start: r.start, end: r.end, insert: k === 0 ? metadata : [] }));
  const graphChunks = applyEdits(imported.bytes, layout.graph.dataStart, layout.graph.end, graphEdits);
  const graphLength = graphChunks.reduce((n, c) => n + c.length, 0);
  topEdits.push({ start: layout.graph.start, end: layout.graph.end, insert: [lengthDelimitedHeader(MODEL_GRAPH_FIELD, graphLength), ...graphChunks] });
  const chunks = applyEdits(imported.bytes, 0, imported.bytes.length, topEdits);
  if (layout.ownMetadata.length === 0) chunks.push(...metadata);
  // Never write over the source bytes: the unchanged chunks are views of them.
  const into = options.into && options.into.buffer !== imported.bytes.buffer ? options.into : undefined;
  return concatBytes(chunks, into);
}

function resolveAssignment(layout: Layout, assignment: SiteAssignment): [OnnxSite, ActivationKind][] {
  const entries = assignment instanceof Map ? [...assignment.entries()] : Object.entries(assignment);
  return entries.map(([name, kind]) => {
    const site = layout.sitesByName.get(name);
    if (!site) throw new OnnxRewriteError('UNKNOWN_SITE', `the model has no activation site "${name}"`);
    return [site, kind];
  });
}

/** The graph edits of all changed sites, and each changed site's new node names. */
function lowerChanges(imported: ImportedModel, layout: Layout, changes: readonly [OnnxSite, ActivationKind][]) {
  const graphEdits: Edit[] = [];
  const newNodes = new Map<string, readonly string[]>();
  const handedOut = new Set<string>();
  for (const [site, kind] of changes) {
    const nodes = lowerSite(imported, layout, site, kind, handedOut);
    newNodes.set(site.name, nodes.map((n) => n.name ?? ''));
    graphEdits.push(...siteEdits(imported, layout, site, nodes));
  }
  return { graphEdits, newNodes };
}

function lowerSite(imported: ImportedModel, layout: Layout, site: OnnxSite, kind: ActivationKind, handedOut: Set<string>): readonly OnnxNode[] {
  const nodes = site.nodeIndices.map((k) => imported.model.graph!.node![k]!);
  const namer: OnnxNamer = createNamer(
    layout.nodeNames,
    layout.tensorNames,
    new Set([...nodes.map((n) => n.name ?? ''), ...nodes.flatMap((n) => n.output ?? []).filter((t) => t !== site.outputTensor)]),
    handedOut,
  );
  try {
    return lowerActivation(kind, { opset: imported.opset, scope: site.scope, input: site.preactTensor, output: site.outputTensor, namer });
  } catch (err) {
    if (err instanceof UnsupportedLoweringError) throw new OnnxRewriteError('UNSUPPORTED_ACTIVATION', `site "${site.name}": ${err.message}`);
    throw err;
  }
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly insert: readonly Uint8Array[];
}

/** Replace the site's last node with the new nodes (all inputs exist there), drop the others. */
function siteEdits(imported: ImportedModel, layout: Layout, site: OnnxSite, nodes: readonly OnnxNode[]): Edit[] {
  const last = site.nodeIndices[site.nodeIndices.length - 1]!;
  const insert = nodes.flatMap((node) => {
    const body = encodeOnnxNode(node);
    return [lengthDelimitedHeader(GRAPH_NODE_FIELD, body.length), body];
  });
  const edits: Edit[] = site.nodeIndices.map((k) => {
    const r = layout.nodes[k]!;
    return { start: r.start, end: r.end, insert: k === last ? insert : [] };
  });
  const graphNodes = imported.model.graph!.node!;
  for (const k of site.nodeIndices) {
    for (const tensor of graphNodes[k]!.output ?? []) {
      const info = tensor !== site.outputTensor ? layout.valueInfo.get(tensor) : undefined;
      if (info) edits.push({ start: info.start, end: info.end, insert: [] });
    }
  }
  return edits;
}

/** The bytes of [begin, end) with the edits applied, as chunks (views into `bytes` where unchanged). */
function applyEdits(bytes: Uint8Array, begin: number, end: number, edits: readonly Edit[]): Uint8Array[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const chunks: Uint8Array[] = [];
  let pos = begin;
  for (const edit of sorted) {
    if (edit.start > pos) chunks.push(bytes.subarray(pos, edit.start));
    chunks.push(...edit.insert);
    pos = Math.max(pos, edit.end);
  }
  if (end > pos) chunks.push(bytes.subarray(pos, end));
  return chunks;
}

function metadataChunks(
  imported: ImportedModel,
  changed: ReadonlyMap<string, ActivationKind>,
  newNodes: ReadonlyMap<string, readonly string[]>,
  options: RewriteOnnxOptions,
): Uint8Array[] {
  const sites = imported.sites.map((s) => {
    const kind = changed.get(s.name);
    return kind ? { ...s, activation: kind, nodes: newNodes.get(s.name) ?? s.nodes } : s;
  });
  const modelSpec = options.modelSpec ?? imported.modelSpec;
  const body = encodeOnnxStringEntry(sitesMetadataEntry({ ...(modelSpec ? { model: modelSpec } : {}), sites: siteRecords(sites) }));
  return [lengthDelimitedHeader(MODEL_METADATA_FIELD, body.length), body];
}

function layoutOf(imported: ImportedModel): Layout {
  let layout = layouts.get(imported);
  if (!layout) {
    layout = computeLayout(imported);
    layouts.set(imported, layout);
  }
  return layout;
}

function computeLayout(imported: ImportedModel): Layout {
  const { bytes, model } = imported;
  const top = scanRecords(bytes);
  const graphs = top.filter((r) => r.field === MODEL_GRAPH_FIELD);
  if (graphs.length !== 1) throw new OnnxRewriteError('UNSUPPORTED_LAYOUT', `the model has ${graphs.length} graph fields; expected one`);
  const graph = graphs[0]!;
  const inGraph = scanRecords(bytes, graph.dataStart, graph.end);
  const nodes = inGraph.filter((r) => r.field === GRAPH_NODE_FIELD);
  const graphNodes = model.graph?.node ?? [];
  if (nodes.length !== graphNodes.length) throw new OnnxRewriteError('UNSUPPORTED_LAYOUT', 'node records do not match the decoded graph');
  const infoRecords = inGraph.filter((r) => r.field === GRAPH_VALUE_INFO_FIELD);
  const valueInfo = new Map((model.graph?.valueInfo ?? []).map((v, j) => [v.name ?? '', infoRecords[j]!]));
  const ownMetadata = top.filter((r) => r.field === MODEL_METADATA_FIELD && entryKey(bytes, r) === ACTNAS_SITES_METADATA_KEY);
  const tensorNames = new Set<string>();
  for (const n of graphNodes) for (const t of [...(n.input ?? []), ...(n.output ?? [])]) tensorNames.add(t);
  for (const v of [...(model.graph?.input ?? []), ...(model.graph?.output ?? []), ...(model.graph?.initializer ?? [])]) tensorNames.add(v.name ?? '');
  return {
    graph,
    nodes,
    valueInfo,
    ownMetadata,
    nodeNames: new Set(graphNodes.map((n) => n.name ?? '')),
    tensorNames,
    sitesByName: new Map(imported.sites.map((s) => [s.name, s])),
  };
}

function entryKey(bytes: Uint8Array, record: WireRecord): string | undefined {
  const key = scanRecords(bytes, record.dataStart, record.end).find((r) => r.field === ENTRY_KEY_FIELD);
  return key ? new TextDecoder().decode(bytes.subarray(key.dataStart, key.end)) : undefined;
}
