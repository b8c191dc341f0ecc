import type { ImportedModel } from '@actnas/core';
import { importOnnx } from '@actnas/core';
import type { Runtime, TensorData } from '../runtimes/runtime.js';
import type { ChannelNormalisation } from './preact-model.js';
import { foldNormalisations, withNormInputs } from './preact-model.js';

export interface ChannelStats {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
}

/** Per-channel mean and variance of an NCHW tensor over batch and space. */
export function channelStats(t: TensorData): ChannelStats {
  const [n = 1, c = 1] = t.dims;
  const hw = t.data.length / (n * c);
  const mean = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const off = (b * c + ch) * hw;
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < hw; i++) {
        const v = t.data[off + i]!;
        s += v;
        s2 += v * v;
      }
      mean[ch]! += s;
      sq[ch]! += s2;
    }
  }
  const count = n * hw;
  const variance = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    mean[ch]! /= count;
    variance[ch] = Math.max(0, sq[ch]! / count - mean[ch]! ** 2);
  }
  return { mean, variance };
}

export interface DataDependentInitOptions {
  readonly runtime: Runtime;
  readonly batch: TensorData;
  readonly eps?: number;
}

export interface DataDependentInitResult {
  readonly model: ImportedModel;
  /** Runs of the calibration batch it took. */
  readonly passes: number;
}

/** For every site, the sites whose outputs its raw conv output depends on (bit masks). */
export function siteAncestors(model: ImportedModel): ReadonlyMap<string, bigint> {
  const bit = new Map(model.sites.map((s, i) => [s.preactTensor, 1n << BigInt(i)]));
  const masks = new Map<string, bigint>();
  const result = new Map<string, bigint>();
  const sitesByPreact = new Map(model.sites.map((s) => [s.preactTensor, s.name]));
  for (const node of model.model.graph?.node ?? []) {
    let mask = 0n;
    for (const input of node.input ?? []) mask |= masks.get(input) ?? 0n;
    for (const out of node.output ?? []) {
      const site = sitesByPreact.get(out);
      if (site !== undefined) result.set(site, mask);
      masks.set(out, mask | (bit.get(out) ?? 0n));
    }
  }
  return result;
}

/**
 * Data-dependent initialisation: sets every site's BatchNorm statistics from a calibration batch
 * so each pre-activation is normalised per channel to mean 0, variance 1, then folds them into
 * the convs. Without it, seeded weights make the pre-activations of deeper sites collapse to
 * input-independent values and NWOT only sees the first layers.
 *
 * Statistics are inputs of one session (see `withNormInputs`). A run fixes every site whose
 * upstream sites are already fixed, so the number of runs is the depth of the site graph.
 */
export async function dataDependentInit(model: ImportedModel, o: DataDependentInitOptions): Promise<DataDependentInitResult> {
  const eps = o.eps ?? 1e-5;
  const { bytes, sites } = withNormInputs(model);
  const ancestors = siteAncestors(model);
  const index = new Map(model.sites.map((s, i) => [s.name, 1n << BigInt(i)]));
  const session = await o.runtime.load(bytes);
  const stats = new Map([...sites].map(([site, n]) => [site, { mean: new Float32Array(n.channels), scale: new Float32Array(n.channels).fill(1) }]));
  const inputName = session.inputNames.find((n) => n === model.inputs[0]?.name) ?? session.inputNames[0]!;
  let done = 0n;
  let passes = 0;
  try {
    for (let pending = [...sites.keys()]; pending.length > 0; passes++) {
      const ready = pending.filter((site) => ((ancestors.get(site) ?? 0n) & ~done) === 0n);
      if (ready.length === 0) throw new Error('data-dependent init: site dependencies form a cycle');
      const feeds: Record<string, TensorData> = { [inputName]: o.batch };
      for (const [site, n] of sites) {
        const s = stats.get(site)!;
        feeds[n.mean] = { dims: [1, n.channels, 1, 1], data: s.mean };
        feeds[n.scale] = { dims: [1, n.channels, 1, 1], data: s.scale };
      }
      const outs = await session.run(feeds, ready.map((site) => sites.get(site)!.raw));
      for (const site of ready) {
        const measured = channelStats(outs[sites.get(site)!.raw]!);
        const s = stats.get(site)!;
        s.mean.set(measured.mean);
        s.scale.set(Float32Array.from(measured.variance, (v) => 1 / Math.sqrt(v + eps)));
        done |= index.get(site)!;
      }
      pending = pending.filter((site) => !ready.includes(site));
    }
  } finally {
    await session.dispose();
  }
  const convOf = new Map(model.sites.map((s) => [s.name, s.convNode]));
  const norms: ChannelNormalisation[] = [...stats].map(([site, s]) => ({ convNode: convOf.get(site)!, scale: s.scale, shift: s.mean }));
  return { model: importOnnx(foldNormalisations(model.model, norms)), passes };
}
