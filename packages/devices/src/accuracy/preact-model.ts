import type { ImportedModel, OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from '@actnas/core';
import { OnnxDataType, encodeOnnxModel, float32Scalar, float32Tensor, int64Tensor, intAttribute, tensorToFloat32Array, tensorValueInfo } from '@actnas/core';

/** A float tensor value-info of unknown shape (a declared `[]` would mean a scalar). */
export function unshapedFloat(name: string): OnnxValueInfo {
  return { name, type: { tensorType: { elemType: OnnxDataType.FLOAT } } };
}

export function withGraph(model: OnnxModel, graph: Partial<OnnxGraph>): OnnxModel {
  const g = model.graph ?? {};
  return {
    irVersion: model.irVersion, opsetImport: model.opsetImport, producerName: model.producerName, producerVersion: model.producerVersion,
    domain: model.domain, modelVersion: model.modelVersion, metadataProps: model.metadataProps,
    graph: { name: g.name, node: g.node, initializer: g.initializer, input: g.input, output: g.output, valueInfo: g.valueInfo, ...graph },
  };
}

/** The model with every site's pre-activation tensor added as a graph output (one run reads all). */
export function withPreactOutputs(imported: ImportedModel): Uint8Array {
  const existing = new Set((imported.model.graph?.output ?? []).map((o) => o.name));
  const extra: OnnxValueInfo[] = imported.sites
    .filter((s) => !existing.has(s.preactTensor))
    .map((s) => (s.shape ? tensorValueInfo(s.preactTensor, OnnxDataType.FLOAT, s.shape.map((d, i) => (i === 0 ? 'batch' : d))) : unshapedFloat(s.preactTensor)));
  return encodeOnnxModel(withGraph(imported.model, { output: [...(imported.model.graph?.output ?? []), ...extra] }));
}

/** The Gram output added for one site: G = c cᵀ over the batch, c = (preact > 0) flattened. */
export interface SiteGram {
  readonly site: string;
  readonly output: string;
  /** Code length per sample (C·H·W). */
  readonly length: number;
}

/**
 * The model with, per site, `G = c cᵀ` (c = (preact > 0) as float, [batch, C·H·W]) computed in the
 * graph as a Gemm and added as an output: one run yields a batch × batch matrix per site instead
 * of the whole pre-activation. Entries are integer counts ≤ C·H·W, exact in float32 below 2^24;
 * sites are summed in float64 outside.
 */
export function withGramOutputs(imported: ImportedModel): { readonly bytes: Uint8Array; readonly grams: readonly SiteGram[] } {
  const graph = imported.model.graph ?? {};
  const grams: SiteGram[] = [];
  const extra = new Map<string, OnnxNode[]>();
  for (const site of imported.sites) {
    const dims = site.shape?.slice(1);
    if (!dims || dims.some((d) => typeof d !== 'number')) continue;
    const length = (dims as number[]).reduce((a, b) => a * b, 1);
    if (length >= 2 ** 24) continue;
    const p = site.preactTensor;
    const name = (op: string): string => `${p}/actnas_${op}`;
    grams.push({ site: site.name, output: name('gram'), length });
    extra.set(p, [
      { name: name('Greater'), opType: 'Greater', input: [p, 'actnas_zero'], output: [name('positive')] },
      { name: name('Cast'), opType: 'Cast', input: [name('positive')], output: [name('code')], attribute: [intAttribute('to', OnnxDataType.FLOAT)] },
      { name: name('Reshape'), opType: 'Reshape', input: [name('code'), 'actnas_flat'], output: [name('flat')] },
      { name: name('Gemm'), opType: 'Gemm', input: [name('flat'), name('flat')], output: [name('gram')], attribute: [intAttribute('transB', 1)] },
    ]);
  }
  const nodes = (graph.node ?? []).flatMap((node) => [node, ...(node.output ?? []).flatMap((o) => extra.get(o) ?? [])]);
  const bytes = encodeOnnxModel(withGraph(imported.model, {
    node: nodes,
    initializer: [...(graph.initializer ?? []), float32Scalar('actnas_zero', 0), int64Tensor('actnas_flat', [2], [0, -1])],
    output: [...(graph.output ?? []), ...grams.map((g) => unshapedFloat(g.output))],
  }));
  return { bytes, grams };
}

/** Names of the inserted normalisation for one site. */
export interface SiteNormInputs {
  readonly raw: string;
  readonly mean: string;
  readonly scale: string;
  readonly channels: number;
}

/**
 * The model with `preact = (conv_raw − mean) · scale` inserted after every site's conv, mean and
 * scale being graph inputs and every `conv_raw` a graph output: one session can then try any
 * BatchNorm statistics without rebuilding the model.
 */
export function withNormInputs(imported: ImportedModel): { readonly bytes: Uint8Array; readonly sites: ReadonlyMap<string, SiteNormInputs> } {
  const graph = imported.model.graph ?? {};
  const sites = new Map<string, SiteNormInputs>();
  const byPreact = new Map<string, SiteNormInputs>();
  for (const site of imported.sites) {
    const channels = site.channels ?? Number(site.shape?.[1]);
    if (!site.convNode || !Number.isInteger(channels)) continue;
    const names = { raw: `${site.preactTensor}/actnas_raw`, mean: `${site.name}/actnas_mean`, scale: `${site.name}/actnas_scale`, channels };
    sites.set(site.name, names);
    byPreact.set(site.preactTensor, names);
  }
  const nodes = (graph.node ?? []).flatMap((node): OnnxNode[] => {
    const out = node.output?.[0];
    const names = out !== undefined ? byPreact.get(out) : undefined;
    if (!names || node.opType !== 'Conv') return [node];
    const centred = `${names.raw}/centred`;
    return [
      { ...plainNode(node), output: [names.raw] },
      { name: `${names.raw}/Sub`, opType: 'Sub', input: [names.raw, names.mean], output: [centred] },
      { name: `${names.raw}/Mul`, opType: 'Mul', input: [centred, names.scale], output: [out!] },
    ];
  });
  const inputs = [...sites.values()].flatMap((n) => [n.mean, n.scale].map((name) => tensorValueInfo(name, OnnxDataType.FLOAT, [1, n.channels, 1, 1])));
  const outputs = [...sites.values()].map((n) => unshapedFloat(n.raw));
  const bytes = encodeOnnxModel(withGraph(imported.model, { node: nodes, input: [...(graph.input ?? []), ...inputs], output: [...(graph.output ?? []), ...outputs] }));
  return { bytes, sites };
}

/** Per output channel: x ↦ (x − shift[o]) · scale[o], folded into the conv producing the site. */
export interface ChannelNormalisation {
  readonly convNode: string;
  readonly scale: Float32Array;
  readonly shift: Float32Array;
}

/**
 * Folds per-channel normalisations into conv weights and biases (adding a bias where a conv has
 * none): W' = W·s, b' = (b − m)·s. This is setting BatchNorm statistics and folding them.
 */
export function foldNormalisations(model: OnnxModel, norms: readonly ChannelNormalisation[]): Uint8Array {
  const graph = model.graph ?? {};
  const byNode = new Map(norms.map((n) => [n.convNode, n]));
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const replaced = new Map<string, OnnxTensor>();
  const nodes = (graph.node ?? []).map((node): OnnxNode => {
    const norm = byNode.get(node.name ?? '');
    if (!norm || node.opType !== 'Conv') return node;
    const [x, wName, bName] = node.input ?? [];
    const wInit = inits.get(wName ?? '');
    if (!wInit) return node;
    const w = tensorToFloat32Array(replaced.get(wName!) ?? wInit);
    const cout = norm.scale.length;
    const per = w.length / cout;
    for (let o = 0; o < cout; o++) for (let i = 0; i < per; i++) w[o * per + i]! *= norm.scale[o]!;
    const bInit = bName ? inits.get(bName) : undefined;
    const b = bInit ? tensorToFloat32Array(bInit) : new Float32Array(cout);
    for (let o = 0; o < cout; o++) b[o] = (b[o]! - norm.shift[o]!) * norm.scale[o]!;
    const newB = bName && bInit ? bName : `${node.name}/actnas_bias`;
    replaced.set(wName!, float32Tensor(wName!, (wInit.dims ?? []).map(Number), w));
    replaced.set(newB, float32Tensor(newB, [cout], b));
    return { ...plainNode(node), input: [x!, wName!, newB] };
  });
  const initializer = [...(graph.initializer ?? []).map((t) => replaced.get(t.name ?? '') ?? t), ...[...replaced].filter(([n]) => !inits.has(n)).map(([, t]) => t)];
  return encodeOnnxModel(withGraph(model, { node: nodes, initializer }));
}

function plainNode(node: OnnxNode): OnnxNode {
  return { name: node.name, opType: node.opType, domain: node.domain, input: node.input, output: node.output, attribute: node.attribute, docString: node.docString };
}
