import type { ActivationKind, ImportedModel } from '@actnas/core';
import { rewriteOnnx } from '@actnas/core';
import type { CellProtocol } from '../latency/cell-protocol.js';
import type { LatencyCellStats } from '../latency/cell-protocol.js';
import { ReferenceTimer, measureLatencyCell, pairedCellStats, resolveTiming, startPairedCell, timedAs } from '../latency/cell-protocol.js';
import type { PairedRun } from '../latency/paired-protocol.js';
import { spendLeftover } from '../latency/time-budget.js';
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
  const timing = resolveTiming(o.protocol, o.runtime.provenance);
  const stats = await measureLatencyCell(ref, timedAs(timing, candidate.timer(feeds)), o.protocol, cellSeed(o.seed, site, activation), timing);
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
 *
 * With a table budget (`tableBudgetMs` of the paired protocol) a cell still off target at its
 * per-cell time cap is held back, its sessions open, until every block had its turn; then the
 * table's leftover time goes to those cells (`spendLeftover`) and they are yielded last.
 */
export async function* microLatencyCells(blocks: readonly SiteBlockSpec[], o: LatencySweepOptions): AsyncGenerator<ProfileCell> {
  const clock = o.protocol.kind === 'paired' ? (o.protocol.options.clock ?? (() => performance.now())) : () => performance.now();
  const started = clock();
  const held: HeldGroup[] = [];
  try {
    for (const group of groupMicroBlocks(blocks)) {
      const missing = (kind: ActivationKind): string[] => group.sites.filter((s) => !o.skip?.(s, kind.id));
      const todo = o.candidates.filter((k) => missing(k).length > 0);
      if (todo.length === 0) continue;
      const shared = (cell: ProfileCell): ProfileCell[] => {
        const { site: _site, block: _block, ...rest } = cell;
        return missing(o.candidates.find((k) => k.id === cell.activation)!).map((site) => ({ ...rest, site, ...(group.sites.length > 1 ? { block: group.block.site } : {}) }));
      };
      const measured = new Map<string, ProfileCell>();
      const toMeasure: ActivationKind[] = [];
      for (const kind of todo) {
        const sibling = group.sites.map((s) => o.finished?.(s, kind.id)).find((c) => c !== undefined);
        if (kind.id === o.reference.id) measured.set(kind.id, referenceCell(group.block.site, kind.id));
        else if (sibling) measured.set(kind.id, sibling);
        else toMeasure.push(kind);
      }
      if (toMeasure.length > 0) {
        const result = await measureGroup(group, toMeasure, o);
        for (const cell of result.cells) measured.set(cell.activation, cell);
        if (result.held.length > 0) held.push({ ...result, shared });
        else await result.dispose();
      }
      for (const kind of todo) if (measured.has(kind.id)) yield* shared(measured.get(kind.id)!);
    }
    if (held.length === 0) return;
    const budget = o.protocol.kind === 'paired' ? o.protocol.tableBudgetMs : undefined;
    const runs = held.flatMap((g) => g.held.map((h) => h.run));
    if (budget !== undefined) await spendLeftover(runs, started + budget, clock);
    for (const g of held) for (const h of g.held) yield* g.shared(h.cell());
  } finally {
    for (const g of held) await g.dispose();
  }
}

/** A cell off target at its per-cell cap, waiting for the table's leftover time. */
interface HeldCell {
  readonly run: PairedRun;
  /** The cell as measured so far. */
  readonly cell: () => ProfileCell;
}

interface MeasuredGroup {
  readonly cells: readonly ProfileCell[];
  readonly held: readonly HeldCell[];
  /** Releases the block's sessions (held cells keep them open until then). */
  readonly dispose: () => Promise<void>;
}

interface HeldGroup extends MeasuredGroup {
  readonly shared: (cell: ProfileCell) => ProfileCell[];
}

/**
 * A block's candidates, each paired against one session of its reference block (one candidate at
 * a time: measuring them in shared rounds against one reference run was tried, and on a 0.9 ms
 * block it widened the CIs 1.6× and shifted the deltas by +0.015 ms against separate pairs).
 * Under a table budget, candidates off target at the per-cell cap are returned as `held`, their
 * sessions open.
 */
async function measureGroup(group: MicroBlockGroup, kinds: readonly ActivationKind[], o: LatencySweepOptions): Promise<MeasuredGroup> {
  const block = group.block;
  const feeds = { images: syntheticInput([1, block.inChannels, block.inHeight, block.inWidth], o.seed) };
  const timing = resolveTiming(o.protocol, o.runtime.provenance);
  const sessions: LoadedModel[] = [];
  const dispose = async (): Promise<void> => {
    for (const s of sessions.splice(0).reverse()) await s.dispose();
  };
  const cells: ProfileCell[] = [];
  const held: HeldCell[] = [];
  const toCell = (kind: ActivationKind, stats: LatencyCellStats): ProfileCell => {
    const { referenceMs, ...rest } = stats;
    return { site: block.site, activation: kind.id, ...rest, reference: referenceMs };
  };
  try {
    const refModel = await o.runtime.load(microBlockOnnx(block, o.reference, o.seed));
    sessions.push(refModel);
    const ref = new ReferenceTimer(timedAs(timing, refModel.timer(feeds)));
    for (const kind of kinds) {
      const cand = await o.runtime.load(microBlockOnnx(block, kind, o.seed));
      const timed = timedAs(timing, cand.timer(feeds));
      const seed = cellSeed(o.seed, block.site, kind.id);
      if (o.protocol.kind !== 'paired' || o.protocol.tableBudgetMs === undefined) {
        try {
          cells.push(toCell(kind, await measureLatencyCell(ref, timed, o.protocol, seed, timing)));
        } finally {
          await cand.dispose();
        }
        continue;
      }
      sessions.push(cand);
      const run = await startPairedCell(ref, timed, o.protocol, seed, timing);
      if (run.finished) {
        cells.push(toCell(kind, pairedCellStats(run.result())));
        await sessions.pop()!.dispose();
      } else {
        held.push({ run, cell: () => toCell(kind, pairedCellStats(run.result())) });
      }
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { cells, held, dispose };
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
