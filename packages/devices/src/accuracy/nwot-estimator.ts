import type { ActivationKind, ImportedModel } from '@actnas/core';
import { importOnnx, rewriteOnnx } from '@actnas/core';
import type { ProfileCell } from '../profile/profile-cell.js';
import type { LoadedModel, Runtime, TensorData } from '../runtimes/runtime.js';
import type { NwotResult } from './nwot-kernel.js';
import { nwotFromKernels, nwotScore, packCodes, siteKernel } from './nwot-kernel.js';
import { withPreactOutputs } from './preact-model.js';

/** A model prepared for NWOT: its sites' pre-activations are graph outputs. */
export interface NwotModel {
  readonly imported: ImportedModel;
  readonly sites: readonly string[];
  readonly preact: ReadonlyMap<string, string>;
}

export function nwotModel(model: ImportedModel): NwotModel {
  const imported = importOnnx(withPreactOutputs(model));
  return {
    imported,
    sites: imported.sites.map((s) => s.name),
    preact: new Map(imported.sites.map((s) => [s.name, s.preactTensor])),
  };
}

/** Per-site kernels of the listed sites from ONE run that fetches all their pre-activations. */
export async function siteKernels(session: LoadedModel, model: NwotModel, batch: TensorData, sites: readonly string[]): Promise<Map<string, Float64Array>> {
  const inputName = session.inputNames[0]!;
  const fetch = sites.map((s) => model.preact.get(s)!);
  const outs = await session.run({ [inputName]: batch }, fetch);
  const n = batch.dims[0]!;
  return new Map(sites.map((s) => [s, siteKernel(packCodes(outs[model.preact.get(s)!]!.data, n))]));
}

export async function nwotOfModel(runtime: Runtime, model: NwotModel, batch: TensorData): Promise<{ result: NwotResult; kernels: Map<string, Float64Array> }> {
  const session = await runtime.load(model.imported.bytes);
  try {
    const kernels = await siteKernels(session, model, batch, model.sites);
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
}

/**
 * NWOT delta of every single swap. A swap at site i leaves the codes of sites up to i unchanged
 * (codes are taken before the activation), so only later sites are fetched and re-coded.
 */
export async function* nwotCells(model: NwotModel, o: NwotSweepOptions): AsyncGenerator<ProfileCell> {
  const n = o.batch.dims[0]!;
  const { result: ref, kernels: refKernels } = await nwotOfModel(o.runtime, model, o.batch);
  for (const [i, site] of model.sites.entries()) {
    const later = model.sites.slice(i + 1);
    for (const kind of o.candidates) {
      if (o.skip?.(site, kind.id)) continue;
      if (kind.id === o.reference.id) {
        yield { site, activation: kind.id, delta: 0, reference: ref.score };
        continue;
      }
      const session = await o.runtime.load(rewriteOnnx(model.imported, { [site]: kind }, { metadata: false }));
      try {
        const changed = later.length > 0 ? await siteKernels(session, model, o.batch, later) : new Map<string, Float64Array>();
        const total = new Float64Array(n * n);
        for (const s of model.sites) {
          const k = changed.get(s) ?? refKernels.get(s)!;
          for (let j = 0; j < total.length; j++) total[j]! += k[j]!;
        }
        yield { site, activation: kind.id, delta: nwotScore(total, n) - ref.score, reference: ref.score };
      } finally {
        await session.dispose();
      }
    }
  }
}
