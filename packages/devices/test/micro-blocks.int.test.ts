import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAPER_ACTIVATIONS, ReLU, SiLU, buildGraph, builtinModelSpec, decodeOnnxModel } from '@actnas/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { CellProtocol } from '../src/latency/cell-protocol.js';
import type { SiteBlockSpec } from '../src/latency/micro-block.js';
import { groupMicroBlocks, microBlockKey } from '../src/latency/micro-block.js';
import { ProfileCheckpoint } from '../src/profile/checkpoint.js';
import { pairedProtocol, profileJob } from '../src/profile/profile-job.js';
import { runProfile } from '../src/profile/profile-runner.js';
import type { LatencySweepOptions } from '../src/profile/latency-sweep.js';
import { microLatencyCells } from '../src/profile/latency-sweep.js';
import type { ProfileCell } from '../src/profile/profile-cell.js';
import { cellId } from '../src/profile/profile-cell.js';
import type { Runtime } from '../src/runtimes/runtime.js';
import { createOrtRuntime } from '../src/runtimes/ort.runtime.js';
import { runCountingClock } from './helpers/run-clock.js';

const base: SiteBlockSpec = { site: 'model.2.act', inChannels: 8, outChannels: 8, kernel: 3, stride: 1, pad: 1, inHeight: 16, inWidth: 16 };
const quick: CellProtocol = {
  kind: 'paired',
  options: { warmup: 1, order: 'abba', stopping: { relative: 0.2, absolute: 0.005, minPairs: 6, maxPairs: 10, checkEvery: 3 } },
};

/** The real ORT runtime, recording which block (graph name `micro <site> <activation>`) each load was. */
async function countingRuntime(): Promise<{ runtime: Runtime; loads: string[] }> {
  const rt = await createOrtRuntime({ runtime: 'ort', threads: 1 });
  const loads: string[] = [];
  const load = (bytes: Uint8Array): ReturnType<Runtime['load']> => {
    loads.push(decodeOnnxModel(bytes).graph?.name ?? '?');
    return rt.load(bytes);
  };
  return { runtime: { ...rt, load }, loads };
}

async function collect(cells: AsyncIterable<ProfileCell>): Promise<ProfileCell[]> {
  const out: ProfileCell[] = [];
  for await (const c of cells) out.push(c);
  return out;
}

const options = (runtime: Runtime, over: Partial<LatencySweepOptions> = {}): LatencySweepOptions => ({ runtime, reference: SiLU, candidates: [SiLU, ReLU], protocol: quick, seed: 3, ...over });

describe('micro blocks: identical blocks measured once', () => {
  it('groups sites by input shape and conv kernel / stride / pad / groups, never by site name', () => {
    const same = { ...base, site: 'model.4.act' };
    const variants: SiteBlockSpec[] = [
      { ...base, site: 'stride', stride: 2 },
      { ...base, site: 'groups', groups: 8 },
      { ...base, site: 'shape', inHeight: 8, inWidth: 8 },
      { ...base, site: 'kernel', kernel: 1, pad: 0 },
      { ...base, site: 'cout', outChannels: 16 },
    ];
    expect(microBlockKey(same)).toBe(microBlockKey(base));
    expect(microBlockKey({ ...base, groups: 1 })).toBe(microBlockKey(base));
    const groups = groupMicroBlocks([base, ...variants, same]);
    expect(groups.map((g) => g.sites)).toEqual([['model.2.act', 'model.4.act'], ['stride'], ['groups'], ['shape'], ['kernel'], ['cout']]);
    expect(groups[0]!.block).toBe(base);
  });

  it('two sites with the same block get one measurement and the same cell; a different stride or groups gets its own', async () => {
    const { runtime, loads } = await countingRuntime();
    const blocks = [base, { ...base, site: 'model.4.act' }, { ...base, site: 'model.5.act', stride: 2 }, { ...base, site: 'model.6.act', groups: 8 }];
    const cells = await collect(microLatencyCells(blocks, options(runtime)));
    // One reference and one candidate session per distinct block: 3 blocks, not 4.
    expect(loads).toEqual(['model.2.act', 'model.5.act', 'model.6.act'].flatMap((s) => [`micro ${s} silu`, `micro ${s} relu`]));
    expect(cells.map((c) => cellId(c.site, c.activation)).sort()).toEqual(blocks.flatMap((b) => [cellId(b.site, 'silu'), cellId(b.site, 'relu')]).sort());
    const relu = (site: string): ProfileCell => cells.find((c) => c.site === site && c.activation === 'relu')!;
    const { site: _a, ...shared } = relu('model.4.act');
    const { site: _b, ...measured } = relu('model.2.act');
    expect(shared).toEqual(measured);
    expect(shared.block).toBe('model.2.act');
    expect(shared.runs).toBeGreaterThanOrEqual(6);
    expect(relu('model.5.act').block).toBeUndefined();
    expect(relu('model.5.act').delta).not.toBe(relu('model.2.act').delta);
  });

  it('measures every candidate of a block against one session of its reference block', async () => {
    const { runtime, loads } = await countingRuntime();
    const cells = await collect(microLatencyCells([base], options(runtime, { candidates: PAPER_ACTIVATIONS })));
    expect(cells.map((c) => c.activation)).toEqual(PAPER_ACTIVATIONS.map((k) => k.id));
    expect(loads.filter((l) => l.endsWith(' silu'))).toHaveLength(1);
    expect(loads).toHaveLength(PAPER_ACTIVATIONS.length);
  });

  it('resuming: a site whose twin was checkpointed gets the twin’s cell without measuring again', async () => {
    const { runtime, loads } = await countingRuntime();
    const blocks = [base, { ...base, site: 'model.4.act' }];
    const first = await collect(microLatencyCells(blocks, options(runtime)));
    const done = new Map(first.filter((c) => c.site === 'model.2.act').map((c) => [cellId(c.site, c.activation), c]));
    loads.length = 0;
    const rest = await collect(microLatencyCells(blocks, options(runtime, { skip: (s, a) => done.has(cellId(s, a)), finished: (s, a) => done.get(cellId(s, a)) })));
    expect(loads).toEqual([]);
    expect(rest.map((c) => cellId(c.site, c.activation))).toEqual([cellId('model.4.act', 'silu'), cellId('model.4.act', 'relu')]);
    expect(rest[1]).toMatchObject({ delta: done.get(cellId('model.2.act', 'relu'))!.delta, block: 'model.2.act' });
  });

  it('a profile interrupted between two sites of one block resumes from its checkpoint without measuring the block again', async () => {
    const { runtime, loads } = await countingRuntime();
    const graph = buildGraph(builtinModelSpec('yolov8n'), { imgsz: 64 });
    const sites = ['model.2.m.0.cv1.act', 'model.2.m.0.cv2.act'];
    const { request, checkpointKey } = profileJob({ modelName: 'yolov8n', graph, runtime, metric: 'latency', mode: 'micro', protocol: quick, reference: SiLU, candidates: [SiLU, ReLU], sites });
    expect(checkpointKey['microSweep']).toBe('shared-blocks');
    const dir = mkdtempSync(join(tmpdir(), 'actnas-micro-cp-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'lat.csv.checkpoint.jsonl');
    const first = await runProfile(request, { checkpoint: ProfileCheckpoint.open(path, checkpointKey), stopAfter: 3 });
    expect(first.table).toBeUndefined();
    expect(loads.filter((l) => l.startsWith('micro '))).toEqual(['micro model.2.m.0.cv1.act silu', 'micro model.2.m.0.cv1.act relu']);
    loads.length = 0;
    const resumed = await runProfile(request, { checkpoint: ProfileCheckpoint.open(path, checkpointKey) });
    expect(resumed.measured).toBe(1);
    expect(loads.filter((l) => l.startsWith('micro '))).toEqual([]);
    const relu = resumed.table!.cells.filter((c) => c.activation === 'relu');
    expect(relu.map((c) => c.site)).toEqual(sites);
    expect(relu[1]!.delta).toBe(relu[0]!.delta);
    expect(resumed.table!.provenance.note).toContain(`micro-blocks=1 distinct of 2 sites (sites with the same input shape and conv kernel/stride/pad/groups share one measurement: ${sites.join('=')})`);
  });

  it('under a table budget, cells off target at their per-cell cap are continued on the leftover time, and the table keeps to its budget', async () => {
    const { runtime } = await countingRuntime();
    // The protocol's clock counts timed runs: a run is 1 "ms", so the caps do not depend on this host's speed.
    const { runtime: counting, now: clock, reset } = runCountingClock(runtime);
    // ±0.0001 ms is out of reach in the 10-pair cap, within reach of a few thousand pairs.
    const stopping = { absolute: 1e-4, minPairs: 6, maxPairs: 1_000_000_000, maxMs: 20, checkEvery: 3 };
    const capped: CellProtocol = { kind: 'paired', options: { warmup: 1, order: 'abba', stopping, clock } };
    const blocks = [base, { ...base, site: 'model.5.act', stride: 2 }];
    const pairsOf = (cells: readonly ProfileCell[]): number[] => cells.filter((c) => c.activation === 'relu').map((c) => c.runs!);
    const alone = await collect(microLatencyCells(blocks, options(counting, { protocol: capped })));
    expect(pairsOf(alone).every((p) => p <= 11)).toBe(true);
    reset();
    const budget = 2000;
    const cells = await collect(microLatencyCells(blocks, options(counting, { protocol: { ...capped, tableBudgetMs: budget } })));
    expect(cells.map((c) => cellId(c.site, c.activation)).sort()).toEqual(blocks.flatMap((b) => [cellId(b.site, 'silu'), cellId(b.site, 'relu')]).sort());
    // The leftover (the budget minus what the capped pass took) went to the held cells, the nearest
    // to target first (estimated from real CPU-time noise): a cell got more pairs than its cap
    // allowed it alone. A cell leaves once its CI (on a clock of 1 µs steps, which a block this
    // small can reach) meets the target, leaving the rest to the next; when the nearest does not
    // reach it, it takes the whole leftover (10 and 988 pairs in one run), so only the most
    // continued cell is sure to pass its cap.
    const cappedAlone = Math.max(...pairsOf(alone));
    expect(Math.max(...pairsOf(cells))).toBeGreaterThan(cappedAlone);
    expect(pairsOf(cells).reduce((a, b) => a + b, 0)).toBeGreaterThan(pairsOf(alone).reduce((a, b) => a + b, 0));
    // …and the table ended within its budget (a slice may end one pair, two runs, late).
    expect(clock()).toBeLessThanOrEqual(budget + 2);
  });

  it('a table says in its protocol note that it was measured on CPU time by block means, under its table budget', async () => {
    const { runtime } = await countingRuntime();
    const graph = buildGraph(builtinModelSpec('yolov8n'), { imgsz: 64 });
    const protocol = pairedProtocol({ minPairs: 4, maxPairs: 4, warmup: 1, maxTableSeconds: 60 });
    const { request } = profileJob({ modelName: 'yolov8n', graph, runtime, metric: 'latency', mode: 'micro', protocol, reference: SiLU, candidates: [SiLU, ReLU], sites: ['model.0.act'] });
    const { table } = await runProfile(request);
    expect(table!.provenance.note).toContain('paired abba process-cpu-time block-mean trimmed-mean bootstrap-95%');
    expect(table!.provenance.note).toContain('budget=60s/table');
  });
});

