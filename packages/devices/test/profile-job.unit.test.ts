import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGraph, builtinModelSpec, fullActivationRegistry } from '@actnas/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CheckpointMismatchError, ProfileCheckpoint } from '../src/profile/checkpoint.js';
import type { ProfileJobInput } from '../src/profile/profile-job.js';
import { PROFILE_DEFAULTS, pairedProtocol, paperProtocol, profileJob } from '../src/profile/profile-job.js';
import { createRuntime } from '../src/runtimes/runtime-registry.js';
import { NPU_FUSION, ORT_CPU_FUSION, XNNPACK_FUSION } from '../src/memory/fusion-rules.js';

const spec = builtinModelSpec('yolov5nu');
const graph = buildGraph(spec, { imgsz: 64, nc: spec.nc });
const registry = fullActivationRegistry();
const candidates = PROFILE_DEFAULTS.candidates.split(',').map((id) => registry.resolve(id));

async function input(over: Partial<ProfileJobInput> = {}): Promise<ProfileJobInput> {
  return { modelName: spec.name, graph, runtime: await createRuntime({ runtime: 'ort', threads: 1 }), metric: 'latency', reference: spec.activation, candidates, ...over };
}

describe('profileJob: one builder of profile requests and their checkpoint key', () => {
  it('fills in the shared defaults: micro mode, the paired protocol with its CI target and caps, the runtime’s fusion rules, NWOT settings', async () => {
    const { request } = profileJob(await input());
    expect(request.mode).toBe('micro');
    expect(request.seed).toBe(0);
    expect(request.protocol).toEqual({
      kind: 'paired',
      options: { warmup: 3, order: 'abba', stopping: { relative: 0.1, absolute: 0.02, minPairs: 10, maxPairs: 6000, maxMs: 8000, checkEvery: 5 } },
      timing: 'auto',
      tableBudgetMs: 170_000,
      calibration: { maxPairs: 100 },
    });
    expect(pairedProtocol({ calibrationPairs: 0 })).not.toHaveProperty('calibration');
    expect(request.fusion).toBe(ORT_CPU_FUSION);
    expect(request.nwot).toEqual({ batch: 16, seeds: [0], calibration: 'synthetic', initBatch: 4 });
    const tfjs = profileJob(await input({ runtime: await createRuntime({ runtime: 'tfjs', threads: 1 }) }));
    expect(tfjs.request.fusion).toBe(XNNPACK_FUSION);
  });

  it('caps min pairs at max pairs, and converts the time cap to ms', () => {
    const p = pairedProtocol({ maxPairs: 4, maxCellSeconds: 2 });
    expect(p.kind === 'paired' && p.options.stopping).toMatchObject({ minPairs: 4, maxPairs: 4, maxMs: 2000 });
  });

  it('converts the table budget to ms, and 0 means no budget', () => {
    const p = pairedProtocol({ maxTableSeconds: 90 });
    expect(p.kind === 'paired' && p.tableBudgetMs).toBe(90_000);
    expect(pairedProtocol({ maxTableSeconds: 0 })).not.toHaveProperty('tableBudgetMs');
  });

  it('keys a checkpoint by what changes a cell: the same inputs give the same key, a changed protocol or thread count another', async () => {
    const base = profileJob(await input()).checkpointKey;
    expect(profileJob(await input()).checkpointKey).toEqual(base);
    expect(profileJob(await input({ protocol: pairedProtocol({ maxPairs: 100 }) })).checkpointKey).not.toEqual(base);
    expect(profileJob(await input({ protocol: paperProtocol() })).checkpointKey).not.toEqual(base);
    expect(profileJob(await input({ mode: 'full' })).checkpointKey).not.toEqual(base);
    expect(profileJob(await input({ runtime: await createRuntime({ runtime: 'ort', threads: 2 }) })).checkpointKey).not.toEqual(base);
    expect(profileJob(await input({ candidates: candidates.slice(0, 2) })).checkpointKey).not.toEqual(base);
    expect(profileJob(await input({ sites: ['model.0.act'] })).checkpointKey).not.toEqual(base);
  });

  it('leaves out of the key what a metric does not use (the protocol for memory, the fusion rules for latency)', async () => {
    const memory = profileJob(await input({ metric: 'memory' })).checkpointKey;
    expect(profileJob(await input({ metric: 'memory', protocol: paperProtocol() })).checkpointKey).toEqual(memory);
    expect(profileJob(await input({ metric: 'memory', fusion: NPU_FUSION })).checkpointKey).not.toEqual(memory);
    const latency = profileJob(await input()).checkpointKey;
    expect(profileJob(await input({ fusion: NPU_FUSION })).checkpointKey).toEqual(latency);
  });

  it('a checkpoint of another key is refused, or started over when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actnas-profile-job-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'lat.csv.checkpoint.jsonl');
    const first = ProfileCheckpoint.open(path, profileJob(await input()).checkpointKey);
    first.add({ site: 'model.0.act', activation: 'relu', delta: -0.1 });
    const other = profileJob(await input({ mode: 'full' })).checkpointKey;
    expect(() => ProfileCheckpoint.open(path, other)).toThrow(CheckpointMismatchError);
    expect(ProfileCheckpoint.open(path, profileJob(await input()).checkpointKey).size).toBe(1);
    const restarted = ProfileCheckpoint.open(path, other, { restartOnMismatch: true });
    expect(restarted.size).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!)).toEqual({ header: other });
  });
});
