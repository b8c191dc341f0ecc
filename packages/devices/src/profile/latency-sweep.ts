import type { ActivationKind, ImportedModel } from '@actnas/core';
import { rewriteOnnx } from '@actnas/core';
import type { CellProtocol } from '../latency/cell-protocol.js';
import { ReferenceTimer, measureLatencyCell } from '../latency/cell-protocol.js';
import type { SiteBlockSpec } from '../latency/micro-block.js';
import { microBatch, microBlockOnnx } from '../latency/micro-block.js';
import { median } from '../latency/statistics.js';
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

async function measureAgainst(ref: ReferenceTimer, candidate: LoadedModel, feeds: Feeds, scale: number, o: LatencySweepOptions, site: string, activation: string): Promise<ProfileCell> {
  const timer = candidate.timer(feeds);
  const stats = await measureLatencyCell(ref, async () => (await timer()) / scale, o.protocol, cellSeed(o.seed, site, activation));
  return { site, activation, ...stats, reference: stats.referenceMs };
}

/** Median time of the reference block at batch 1 (after warm-up), to choose the repetition. */
async function batchOneMs(model: LoadedModel, block: SiteBlockSpec, seed: number): Promise<number> {
  const timer = model.timer({ images: syntheticInput([1, block.inChannels, block.inHeight, block.inWidth], seed) });
  const times: number[] = [];
  for (let i = 0; i < 7; i++) times.push(await timer());
  return median(times.slice(2));
}

/** Micro mode: each site's conv + activation block, candidate against the reference block. */
export async function* microLatencyCells(blocks: readonly SiteBlockSpec[], o: LatencySweepOptions): AsyncGenerator<ProfileCell> {
  for (const block of blocks) {
    const todo = o.candidates.filter((k) => !o.skip?.(block.site, k.id));
    if (todo.length === 0) continue;
    const refModel = await o.runtime.load(microBlockOnnx(block, o.reference, o.seed));
    const batch = microBatch(await batchOneMs(refModel, block, o.seed));
    const feeds = { images: syntheticInput([batch, block.inChannels, block.inHeight, block.inWidth], o.seed) };
    const refTimer = refModel.timer(feeds);
    const ref = new ReferenceTimer(async () => (await refTimer()) / batch);
    try {
      for (const kind of todo) {
        if (kind.id === o.reference.id) {
          yield referenceCell(block.site, kind.id);
          continue;
        }
        const cand = await o.runtime.load(microBlockOnnx(block, kind, o.seed));
        try {
          yield await measureAgainst(ref, cand, feeds, batch, o, block.site, kind.id);
        } finally {
          await cand.dispose();
        }
      }
    } finally {
      await refModel.dispose();
    }
  }
}

/** Full mode: every single-swap model, rewritten from the reference ONNX, against the reference. */
export async function* fullLatencyCells(model: ImportedModel, feeds: Feeds, o: LatencySweepOptions): AsyncGenerator<ProfileCell> {
  const refModel = await o.runtime.load(model.bytes);
  const ref = new ReferenceTimer(refModel.timer(feeds));
  try {
    for (const site of model.sites) {
      for (const kind of o.candidates) {
        if (o.skip?.(site.name, kind.id)) continue;
        if (kind.id === o.reference.id) {
          yield referenceCell(site.name, kind.id);
          continue;
        }
        const cand = await o.runtime.load(rewriteOnnx(model, { [site.name]: kind }, { metadata: false }));
        try {
          yield await measureAgainst(ref, cand, feeds, 1, o, site.name, kind.id);
        } finally {
          await cand.dispose();
        }
      }
    }
  } finally {
    await refModel.dispose();
  }
}
