import type { ActivationKind, CostTable } from '@actnas/core';
import { Hardswish, ReLU, SiLU, buildGraph, builtinModelSpec } from '@actnas/core';
import { describe, expect, it } from 'vitest';
import { ORT_CPU_FUSION } from '../src/memory/fusion-rules.js';
import { profileJob } from '../src/profile/profile-job.js';
import { runProfile } from '../src/profile/profile-runner.js';
import { createOrtRuntime } from '../src/runtimes/ort.runtime.js';
import { predictFromTable } from '../src/verify/verify-prediction.js';
import type { VerifyCandidate, VerifyMetric } from '../src/verify/verify-proposals.js';
import { VerifyInputError, verifyProposals } from '../src/verify/verify-proposals.js';

const graph = buildGraph(builtinModelSpec('yolov5nu'), { imgsz: 64 });
const sites = graph.sites.map((s) => s.name);
const all = (k: ActivationKind): Record<string, ActivationKind> => Object.fromEntries(sites.map((s) => [s, k]));
const ids = (a: Record<string, ActivationKind>): Record<string, string> => Object.fromEntries(Object.entries(a).map(([s, k]) => [s, k.id]));
const protocol = { warmup: 1, order: 'abba' as const, stopping: { relative: 0.05, absolute: 0.001, minPairs: 6, maxPairs: 10, checkEvery: 2 } };

describe('verifying proposals on onnxruntime-node (yolov5nu at 64)', () => {
  it('measures each whole model beside the table sums: memory and NWOT of a single swap equal their cell, budgets flagged as measured', async () => {
    const runtime = await createOrtRuntime({ runtime: 'ort', threads: 1 });
    const late = 'model.23.cv3.act';
    const table = async (metric: 'memory' | 'accuracy', only?: string[]): Promise<CostTable> =>
      (await runProfile(profileJob({ modelName: 'yolov5nu', graph, runtime, metric, reference: SiLU, candidates: [SiLU, ReLU, Hardswish], nwot: { batch: 4, seeds: [0], calibration: 'synthetic', initBatch: 4 }, ...(only ? { sites: only } : {}) }).request)).table!;
    const memory = await table('memory');
    const accuracy = await table('accuracy', [late]);
    const single = { [late]: ReLU };
    const candidates: VerifyCandidate[] = [
      { name: '#1', kind: 'proposal', rank: 1, sites: single },
      { name: 'all-reference', kind: 'baseline', sites: all(SiLU) },
      { name: 'all-relu', kind: 'baseline', sites: all(ReLU) },
    ].map((c) => {
      const predicted: Partial<Record<VerifyMetric, NonNullable<ReturnType<typeof predictFromTable>>>> = {};
      const mem = predictFromTable(memory, ids(c.sites), 'silu');
      if (mem) predicted.memory = mem;
      const acc = predictFromTable(accuracy, ids(c.sites), 'silu');
      if (acc) predicted.accuracy = acc;
      return { ...c, kind: c.kind as 'proposal' | 'baseline', predicted };
    });
    const report = await verifyProposals(candidates, {
      runtime, graph, reference: SiLU, metrics: ['latency', 'memory', 'accuracy'], seed: 0, protocol, nullCopies: 1, fusion: ORT_CPU_FUSION,
      memoryCandidates: [SiLU, ReLU, Hardswish],
      nwot: { graph, batch: 4, seeds: [0], initBatch: 4 },
      budgets: { maxMemory: memory.reference - 1 },
    });
    expect(report.noise!.nullCopies).toHaveLength(1);
    expect(report.reference.memory).toBe(memory.reference);
    expect(report.reference.accuracy).toBeCloseTo(accuracy.reference, 6);
    const [one, ref, relu] = report.candidates;
    const m = (c: typeof one, metric: VerifyMetric) => c!.metrics.find((x) => x.metric === metric)!;
    // A single swap is a cell: the whole model reproduces it.
    expect(m(one, 'memory').residual).toBe(0);
    expect(m(one, 'memory').inside).toBe(true);
    expect(m(one, 'accuracy').residual!).toBeCloseTo(0, 6);
    // The unchanged model: zero on the deterministic metrics.
    expect(m(ref, 'memory').measured.delta).toBe(0);
    expect(m(ref, 'accuracy').measured.delta).toBe(0);
    // all-ReLU is not in the one-site accuracy table: no prediction, measured anyway.
    expect(m(relu, 'accuracy').predicted).toBeUndefined();
    expect(m(relu, 'accuracy').measured.delta).not.toBe(0);
    // ReLU fuses into the conv on ORT CPU: the whole all-ReLU model plans a smaller arena.
    expect(m(relu, 'memory').measured.delta).toBeLessThan(0);
    expect(m(relu, 'memory').residual).toBe(m(relu, 'memory').measured.delta - m(relu, 'memory').predicted!.delta);
    for (const c of report.candidates) {
      const lat = m(c, 'latency');
      expect(lat.measured.runs).toBeGreaterThanOrEqual(6);
      expect(lat.measured.low).toBeLessThanOrEqual(lat.measured.delta);
      expect(lat.measured.high).toBeGreaterThanOrEqual(lat.measured.delta);
      const mem = m(c, 'memory');
      expect(mem.budget!.brokenAsMeasured).toBe(mem.measured.total! > memory.reference - 1);
      expect(c.broken.includes('memory')).toBe(mem.budget!.brokenAsMeasured);
    }
    expect(ref!.broken).toEqual(['memory']);
  });

  it('refuses a proposal naming a site the model does not have', async () => {
    const runtime = await createOrtRuntime({ runtime: 'ort', threads: 1 });
    await expect(verifyProposals([{ name: '#1', kind: 'proposal', sites: { 'model.99.act': ReLU } }], {
      runtime, graph, reference: SiLU, metrics: ['memory'], seed: 0, protocol, nullCopies: 0, fusion: ORT_CPU_FUSION,
    })).rejects.toThrow(VerifyInputError);
  });
});
