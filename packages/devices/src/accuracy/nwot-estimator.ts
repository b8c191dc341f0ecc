import type { ActivationKind, ImportedModel } from '@actnas/core';
import { importOnnx } from '@actnas/core';
import type { ProfileCell } from '../profile/profile-cell.js';
import type { Feeds, LoadedModel, Runtime, TensorData } from '../runtimes/runtime.js';
import { ModelCutter, SiteSuffix } from './nwot-frontier.js';
import type { NwotResult } from './nwot-kernel.js';
import { kernelFromGram, nwotFromKernels, nwotScore, packCodes, siteKernel } from './nwot-kernel.js';
import { withGramOutputs, withPreactOutputs } from './preact-model.js';

/**
 * A model prepared for NWOT: each site's Gram matrix of binary codes is a graph output (sites too
 * large for float32 counts fall back to fetching the pre-activation and packing codes here).
 */
export interface NwotModel {
  readonly imported: ImportedModel;
  readonly sites: readonly string[];
  readonly outputs: ReadonlyMap<string, { readonly tensor: string; readonly gramLength?: number }>;
}

export function nwotModel(model: ImportedModel): NwotModel {
  const withPreacts = importOnnx(withPreactOutputs(model));
  const { bytes, grams } = withGramOutputs(withPreacts);
  const imported = importOnnx(bytes);
  const gramOf = new Map(grams.map((g) => [g.site, g]));
  return {
    imported,
    sites: imported.sites.map((s) => s.name),
    outputs: new Map(imported.sites.map((s) => {
      const g = gramOf.get(s.name);
      return [s.name, g ? { tensor: g.output, gramLength: g.length } : { tensor: s.preactTensor }];
    })),
  };
}

/** Per-site kernels of the listed sites from ONE run (`batch`, or the frontier values of a suffix). */
export async function siteKernels(session: LoadedModel, model: NwotModel, feeds: Feeds, sites: readonly string[], n: number): Promise<Map<string, Float64Array>> {
  const outs = await session.run(feeds, sites.map((s) => model.outputs.get(s)!.tensor));
  return new Map(sites.map((s) => {
    const o = model.outputs.get(s)!;
    const data = outs[o.tensor]!.data;
    return [s, o.gramLength !== undefined ? kernelFromGram(data, n, o.gramLength) : siteKernel(packCodes(data, n))];
  }));
}

export async function nwotOfModel(runtime: Runtime, model: NwotModel, batch: TensorData): Promise<{ result: NwotResult; kernels: Map<string, Float64Array> }> {
  const session = await runtime.load(model.imported.bytes);
  try {
    const kernels = await siteKernels(session, model, { [session.inputNames[0]!]: batch }, model.sites, batch.dims[0]!);
    return { result: nwotFromKernels(kernels, batch.dims[0]!), kernels };
  } finally {
    await session.dispose();
  }
}

export interface NwotSweepOptions {
  readonly runtime: Runtime;
  readonly batch: TensorData;
  readonly reference: ActivationKind;
  readonly candidates: readonly ActivationKind[];
  readonly skip?: (site: string, activation: string) => boolean;
  /** The reference model's score and per-site contributions. */
  readonly onReference?: (result: NwotResult) => void;
}

/**
 * NWOT delta of every single swap. A swap at site i cannot change anything computed before site
 * i's activation, so the candidate runs only the suffix after that cut, fed with the reference's
 * frontier tensors (advanced segment by segment along the sites), and only the sites computed in
 * the suffix are re-coded; the others keep the reference kernels.
 */
export async function* nwotCells(model: NwotModel, o: NwotSweepOptions): AsyncGenerator<ProfileCell> {
  const n = o.batch.dims[0]!;
  const { result: ref, kernels: refKernels } = await nwotOfModel(o.runtime, model, o.batch);
  o.onReference?.(ref);
  const cutter = new ModelCutter(model.imported.model);
  const inputName = model.imported.inputs[0]!.name;
  const tensorSite = new Map([...model.outputs].map(([site, out]) => [out.tensor, site]));
  let values = new Map<string, TensorData>([[inputName, o.batch]]);
  let prevAt = 0;
  for (const site of model.imported.sites) {
    const todo = o.candidates.filter((k) => !o.skip?.(site.name, k.id));
    if (todo.length === 0) continue;
    const cut = cutter.cut(cutter.nodeIndex(site.nodes[0]!));
    values = await advance(o.runtime, cutter, values, prevAt, cut.at, cut.frontier);
    prevAt = cut.at;
    const changed = cutter.outputsFrom(cut.at, [...tensorSite.keys()]).map((t) => tensorSite.get(t)!);
    const suffix = new SiteSuffix(cutter, site, cut, changed.map((s) => model.outputs.get(s)!.tensor));
    const feeds: Feeds = Object.fromEntries(cut.frontier.map((t) => [t, values.get(t)!]));
    for (const kind of todo) {
      if (kind.id === o.reference.id) {
        yield { site: site.name, activation: kind.id, delta: 0, reference: ref.score };
        continue;
      }
      const session = await o.runtime.load(suffix.model(kind));
      try {
        const kernels = changed.length > 0 ? await siteKernels(session, model, feeds, changed, n) : new Map<string, Float64Array>();
        const total = new Float64Array(n * n);
        for (const s of model.sites) {
          const k = kernels.get(s) ?? refKernels.get(s)!;
          for (let j = 0; j < total.length; j++) total[j]! += k[j]!;
        }
        yield { site: site.name, activation: kind.id, delta: nwotScore(total, n) - ref.score, reference: ref.score };
      } finally {
        await session.dispose();
      }
    }
  }
}

/** Runs the reference nodes [from, to) to move the frontier values forward. */
async function advance(runtime: Runtime, cutter: ModelCutter, values: Map<string, TensorData>, from: number, to: number, frontier: readonly string[]): Promise<Map<string, TensorData>> {
  const missing = frontier.filter((t) => !values.has(t));
  const next = new Map(frontier.flatMap((t) => (values.has(t) ? [[t, values.get(t)!] as const] : [])));
  if (missing.length === 0) return next;
  const inputs = [...values.keys()];
  const session = await runtime.load(cutter.segment(from, to, inputs, missing));
  try {
    const outs = await session.run(Object.fromEntries(values), missing);
    for (const t of missing) next.set(t, outs[t]!);
  } finally {
    await session.dispose();
  }
  return next;
}
