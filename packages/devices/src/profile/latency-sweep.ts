import type { ActivationKind, ImportedModel } from '@actnas/core';
import { rewriteOnnx } from '@actnas/core';
import type { CellProtocol } from '../latency/cell-protocol.js';
import { ReferenceTimer, measureLatencyCell, resolveTiming, timedAs } from '../latency/cell-protocol.js';
import type { MicroBlockGroup, SiteBlockSpec } from '../latency/micro-block.js';
import { groupMicroBlocks, microBlockOnnx } from '../latency/micro-block.js';
import { createRng } from '../random/seeded-rng.js';
import type { Feeds, LoadedModel, Runtime, TensorData } from '../runtimes/runtime.js';
import { elementCount } from '../runtimes/runtime.js';
import type { ProfileCell } from './profile-cell.js';
import { cellSeed } from './profile-cell.js';

export interface LatencySweepOptions {
  readonly runtime: Runtime;
  readonly reference: ActivationKind;
  readonly candidates: readonly ActivationKind[];
  readonly protocol: CellProtocol;
  readonly seed: number;
  /** Cells already finished (resumed from a checkpoint). */
  readonly skip?: (site: string, activation: string) => boolean;
  /**
   * A finished cell's value (micro mode): a site whose block another site shares gets that
   * site's measurement when only it is missing (an interruption between the two cells).
   */
  readonly finished?: (site: string, activation: string) => ProfileCell | undefined;
}

/** A seeded input tensor with values in [0, 1), like a normalised image. */
export function syntheticInput(dims: readonly number[], seed: number): TensorData {
  const rng = createRng(seed);
  const data = new Float32Array(elementCount(dims));
  for (let i = 0; i < data.length; i++) data[i] = rng.float();
  return { dims, data };
}

function referenceCell(site: string, activation: string): ProfileCell {
  return { site, activation, delta: 0, ciLow: 0, ciHigh: 0, runs: 0 };
}

async function measureAgainst(ref: ReferenceTimer, candidate: LoadedModel, feeds: Feeds, o: LatencySweepOptions, site: string, activation: string): Promise<ProfileCell> {
  const stats = await measureLatencyCell(ref, timedAs(resolveTiming(o.protocol, o.runtime.provenance), candidate.timer(feeds)), o.protocol, cellSeed(o.seed, site, activation));
  return { site, activation, ...stats, reference: stats.referenceMs };
}

/**
 * Micro mode: each site's conv + activation block, candidate against the reference block, at
 * batch 1 as in the full model. Batching light blocks would divide each op's fixed dispatch cost
 * by the batch, yet that cost is part of what a swap saves (ReLU fused into the conv removes the
 * Sigmoid and Mul kernels): batched tables under-predicted full-model deltas by ~0.3 ms here.
 *
 * Sites with the same block (`microBlockKey`: same input shape and conv) are one model: the block
 * is measured once and every such site gets that cell, marked with `block` (the measured site).
 */
export async function* microLatencyCells(blocks: readonly SiteBlockSpec[], o: LatencySweepOptions): AsyncGenerator<ProfileCell> {
  for (const group of groupMicroBlocks(blocks)) {
    const missing = (kind: ActivationKind): string[] => group.sites.filter((s) => !o.skip?.(s, kind.id));
    const todo = o.candidates.filter((k) => missing(k).length > 0);
    if (todo.length === 0) continue;
    const shared = (cell: Omit<ProfileCell, 'site'>): ProfileCell[] =>
      missing(o.candidates.find((k) => k.id === cell.activation)!).map((site) => ({ ...cell, site, ...(group.sites.length > 1 ? { block: group.block.site } : {}) }));
    const measured = new Map<string, ProfileCell>();
    const toMeasure: ActivationKind[] = [];
    for (const kind of todo) {
      const sibling = group.sites.map((s) => o.finished?.(s, kind.id)).find((c) => c !== undefined);
      if (kind.id === o.reference.id) measured.set(kind.id, referenceCell(group.block.site, kind.id));
      else if (sibling) measured.set(kind.id, sibling);
      else toMeasure.push(kind);
    }
    if (toMeasure.length > 0) for (const cell of await measureGroup(group, toMeasure, o)) measured.set(cell.activation, cell);
    for (const kind of todo) {
      const { site: _site, block: _block, ...cell } = measured.get(kind.id)!;
      yield* shared(cell);
    }
  }
}

/**
 * A block's candidates, each paired against one session of its reference block (one candidate at
 * a time: measuring them in shared rounds against one reference run was tried, and on a 0.9 ms
 * block it widened the CIs 1.6× and shifted the deltas by +0.015 ms against separate pairs).
 */
async function measureGroup(group: MicroBlockGroup, kinds: readonly ActivationKind[], o: LatencySweepOptions): Promise<ProfileCell[]> {
  const block = group.block;
  const feeds = { images: syntheticInput([1, block.inChannels, block.inHeight, block.inWidth], o.seed) };
  const timing = resolveTiming(o.protocol, o.runtime.provenance);
  const refModel = await o.runtime.load(microBlockOnnx(block, o.reference, o.seed));
  const out: ProfileCell[] = [];
  try {
    const ref = new ReferenceTimer(timedAs(timing, refModel.timer(feeds)));
    for (const kind of kinds) {
      const cand = await o.runtime.load(microBlockOnnx(block, kind, o.seed));
      try {
        const { referenceMs, ...stats } = await measureLatencyCell(ref, timedAs(timing, cand.timer(feeds)), o.protocol, cellSeed(o.seed, block.site, kind.id));
        out.push({ site: block.site, activation: kind.id, ...stats, reference: referenceMs });
      } finally {
        await cand.dispose();
      }
    }
  } finally {
    await refModel.dispose();
  }
  return out;
}

/**
 * Full mode: every single-swap model, rewritten from the reference ONNX, against the reference.
 * Paired cells get a reference session loaded afresh for each site: a session's memory placement
 * shifts a whole model's latency by 0.05–0.15 ms (the null rows of a validation), and with one
 * reference session for the table that offset would enter all 276 cells with one sign, and a
 * mixed model's sum ~55 times. Per site the offsets are independent. (It is not what makes
 * full-mode sums overshoot on this host: that bias stayed; see PROFILING.md.) Paper mode keeps
 * the paper's single reference, measured once.
 */
export async function* fullLatencyCells(model: ImportedModel, feeds: Feeds, o: LatencySweepOptions): AsyncGenerator<ProfileCell> {
  const openReference = async () => {
    const loaded = await o.runtime.load(model.bytes);
    return { loaded, timer: new ReferenceTimer(timedAs(resolveTiming(o.protocol, o.runtime.provenance), loaded.timer(feeds))) };
  };
  const perSite = o.protocol.kind === 'paired';
  let shared: Awaited<ReturnType<typeof openReference>> | undefined;
  try {
    for (const site of model.sites) {
      let ref: typeof shared;
      try {
        for (const kind of o.candidates) {
          if (o.skip?.(site.name, kind.id)) continue;
          if (kind.id === o.reference.id) {
            yield referenceCell(site.name, kind.id);
            continue;
          }
          ref ??= perSite ? await openReference() : (shared ??= await openReference());
          const cand = await o.runtime.load(rewriteOnnx(model, { [site.name]: kind }, { metadata: false }));
          try {
            yield await measureAgainst(ref.timer, cand, feeds, o, site.name, kind.id);
          } finally {
            await cand.dispose();
          }
        }
      } finally {
        if (perSite) await ref?.loaded.dispose();
      }
    }
  } finally {
    await shared?.loaded.dispose();
  }
}
