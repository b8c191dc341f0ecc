import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAPER_ACTIVATIONS, ReLU, SiLU, importOnnx } from '@actnas/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { CellProtocol } from '../src/latency/cell-protocol.js';
import { microBlockOnnx } from '../src/latency/micro-block.js';
import type { SiteBlockSpec } from '../src/latency/micro-block.js';
import { measurePaired } from '../src/latency/paired-protocol.js';
import { ProfileCheckpoint } from '../src/profile/checkpoint.js';
import type { Runtime } from '../src/runtimes/runtime.js';
import { fullLatencyCells, microLatencyCells, syntheticInput } from '../src/profile/latency-sweep.js';
import type { ProfileCell } from '../src/profile/profile-cell.js';
import { createOrtRuntime } from '../src/runtimes/ort.runtime.js';
import { tinyConvNet } from './helpers/tiny-model.js';

const block: SiteBlockSpec = { site: 'model.1.act', inChannels: 8, outChannels: 16, kernel: 3, stride: 1, pad: 1, inHeight: 32, inWidth: 32 };
const quick: CellProtocol = {
  kind: 'paired',
  options: { warmup: 2, order: 'abba', stopping: { relative: 0.2, absolute: 0.005, minPairs: 6, maxPairs: 12, checkEvery: 3 } },
};

async function collect(cells: AsyncIterable<ProfileCell>): Promise<ProfileCell[]> {
  const out: ProfileCell[] = [];
  for await (const c of cells) out.push(c);
  return out;
}

describe('latency on onnxruntime-node', () => {
  it('runs interleaved paired measurements on two real sessions', async () => {
    const rt = await createOrtRuntime({ runtime: 'ort', threads: 1 });
    const feeds = { images: syntheticInput([4, 8, 32, 32], 1) };
    const ref = await rt.load(microBlockOnnx(block, SiLU));
    const cand = await rt.load(microBlockOnnx(block, ReLU));
    const out = await ref.run(feeds);
    expect(out['pooled']!.dims).toEqual([4, 16, 1, 1]);
    const m = await measurePaired(ref.timer(feeds), cand.timer(feeds), { warmup: 2, order: 'abba', seed: 1, stopping: { minPairs: 8, maxPairs: 8, checkEvery: 4 } });
    expect(m.pairs).toBe(8);
    expect(m.reference.runs).toBe(8);
    expect(m.delta.low).toBeLessThanOrEqual(m.delta.estimate);
    expect(m.delta.high).toBeGreaterThanOrEqual(m.delta.estimate);
    expect(rt.provenance).toMatchObject({ runtime: 'ort', backend: 'cpu', threads: 1 });
    await ref.dispose();
    await cand.dispose();
  });

  it('micro mode yields every (site, candidate) cell, reference cells exactly zero', async () => {
    const rt = await createOrtRuntime({ runtime: 'ort', threads: 1 });
    const cells = await collect(microLatencyCells([block], { runtime: rt, reference: SiLU, candidates: PAPER_ACTIVATIONS, protocol: quick, seed: 3 }));
    expect(cells.map((c) => c.activation)).toEqual(PAPER_ACTIVATIONS.map((k) => k.id));
    expect(cells.find((c) => c.activation === 'silu')).toMatchObject({ delta: 0, runs: 0 });
    for (const c of cells.filter((x) => x.activation !== 'silu')) {
      expect(c.runs).toBeGreaterThanOrEqual(6);
      expect(c.ciLow!).toBeLessThanOrEqual(c.ciHigh!);
    }
  });

  it('full mode rewrites each single swap; a checkpoint skips finished cells', async () => {
    const rt = await createOrtRuntime({ runtime: 'ort', threads: 1 });
    const model = importOnnx(tinyConvNet({ channels: 8, size: 32, depth: 3 }));
    const feeds = { images: syntheticInput([1, 3, 32, 32], 2) };
    const dir = mkdtempSync(join(tmpdir(), 'actnas-cp-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 't.csv.checkpoint.jsonl');
    const key = { model: 'tiny', metric: 'latency' };
    const cp = ProfileCheckpoint.open(path, key);
    const opts = { runtime: rt, reference: SiLU, candidates: [SiLU, ReLU], protocol: quick, seed: 5 };
    let n = 0;
    for await (const cell of fullLatencyCells(model, feeds, { ...opts, skip: (s, a) => cp.has(s, a) })) {
      cp.add(cell);
      if (++n === 3) break; // interrupted
    }
    const resumed = ProfileCheckpoint.open(path, key);
    expect(resumed.size).toBe(3);
    const rest = await collect(fullLatencyCells(model, feeds, { ...opts, skip: (s, a) => resumed.has(s, a) }));
    expect(rest.map((c) => `${c.site}:${c.activation}`)).toEqual(['model.1.act:relu', 'model.2.act:silu', 'model.2.act:relu']);
    expect(() => ProfileCheckpoint.open(path, { ...key, metric: 'memory' })).toThrow(/different metric/);
  });

  it('full mode loads a fresh reference session per site for paired cells, one for the table in paper mode', async () => {
    const rt = await createOrtRuntime({ runtime: 'ort', threads: 1 });
    const model = importOnnx(tinyConvNet({ channels: 8, size: 32, depth: 3 }));
    const feeds = { images: syntheticInput([1, 3, 32, 32], 2) };
    const referenceLoads = (): { runtime: Runtime; count: () => number } => {
      let n = 0;
      return {
        runtime: { ...rt, load: (bytes) => ((n += bytes === model.bytes ? 1 : 0), rt.load(bytes)) },
        count: () => n,
      };
    };
    const paired = referenceLoads();
    const cells = await collect(fullLatencyCells(model, feeds, { runtime: paired.runtime, reference: SiLU, candidates: [SiLU, ReLU], protocol: quick, seed: 5, skip: (s) => s === 'model.0.act' }));
    expect(cells).toHaveLength(4);
    expect(paired.count()).toBe(2); // model.1 and model.2; model.0 was finished
    const paper = referenceLoads();
    await collect(fullLatencyCells(model, feeds, { runtime: paper.runtime, reference: SiLU, candidates: [ReLU], protocol: { kind: 'paper', options: { warmup: 0, runs: 2 } }, seed: 5 }));
    expect(paper.count()).toBe(1);
  });
});
