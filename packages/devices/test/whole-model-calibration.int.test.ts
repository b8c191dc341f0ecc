import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReLU, SiLU, buildGraph, builtinModelSpec, decodeOnnxModel, emitOnnx, importOnnx } from '@actnas/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { CellProtocol } from '../src/latency/cell-protocol.js';
import { ProfileCheckpoint } from '../src/profile/checkpoint.js';
import { profileJob } from '../src/profile/profile-job.js';
import { runProfile } from '../src/profile/profile-runner.js';
import { CALIBRATION_MIN_PAIRS } from '../src/profile/whole-model-calibration.js';
import { syntheticInput } from '../src/profile/latency-sweep.js';
import { measureAgainstReference } from '../src/profile/validation.js';
import type { Runtime } from '../src/runtimes/runtime.js';
import { createOrtRuntime } from '../src/runtimes/ort.runtime.js';
import { runCountingClock } from './helpers/run-clock.js';

const quick: CellProtocol = {
  kind: 'paired',
  options: { warmup: 1, order: 'abba', stopping: { relative: 0.2, absolute: 0.005, minPairs: 4, maxPairs: 6, checkEvery: 2 } },
  calibration: { maxPairs: 8 },
};
const graph = buildGraph(builtinModelSpec('yolov8n'), { imgsz: 64 });

/** The real ORT runtime, recording each loaded model's graph name (micro blocks are named `micro <site> <activation>`). */
async function countingRuntime(): Promise<{ runtime: Runtime; wholeLoads: () => number }> {
  const rt = await createOrtRuntime({ runtime: 'ort', threads: 1 });
  const loads: string[] = [];
  const load = (bytes: Uint8Array): ReturnType<Runtime['load']> => {
    loads.push(decodeOnnxModel(bytes).graph?.name ?? '?');
    return rt.load(bytes);
  };
  return { runtime: { ...rt, load }, wholeLoads: () => loads.filter((l) => !l.startsWith('micro ')).length };
}

function checkpointFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'actnas-calibration-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'lat.csv.checkpoint.jsonl');
}

describe('micro tables calibrated against the whole model', () => {
  it('measures the all-ReLU model whole and moves the ReLU column so that its sum is that measurement; a resumed profile does not measure it again', async () => {
    const { runtime, wholeLoads } = await countingRuntime();
    const { request, checkpointKey } = profileJob({ modelName: 'yolov8n', graph, runtime, metric: 'latency', mode: 'micro', protocol: quick, reference: SiLU, candidates: [SiLU, ReLU] });
    const path = checkpointFile();
    const first = await runProfile(request, { checkpoint: ProfileCheckpoint.open(path, checkpointKey) });
    const c = first.calibration!;
    expect(c.anchors).toHaveLength(1);
    const [relu] = c.anchors;
    expect(relu).toMatchObject({ activation: 'relu' });
    expect(relu!.pairs).toBeGreaterThanOrEqual(4);
    expect(relu!.ciLow).toBeLessThanOrEqual(relu!.measured);
    const column = first.table!.cells.filter((x) => x.activation === 'relu');
    expect(column).toHaveLength(graph.sites.length);
    expect(column.reduce((s, x) => s + x.delta, 0)).toBeCloseTo(relu!.measured, 9);
    expect(c.perSite).toBeCloseTo((relu!.measured - relu!.microSum) / graph.sites.length, 12);
    expect(first.table!.cells.filter((x) => x.activation === 'silu').every((x) => x.delta === 0)).toBe(true);
    expect(first.table!.provenance.note).toContain('calibration=whole-model:');
    // The reference value, then the anchor's one turn (8 pairs) in a fresh reference session and a fresh session of all-ReLU.
    expect(wholeLoads()).toBe(3);

    const again = await runProfile(request, { checkpoint: ProfileCheckpoint.open(path, checkpointKey) });
    expect(wholeLoads()).toBe(3);
    expect(again.calibration).toEqual(c);
    expect(again.table!.cells).toEqual(first.table!.cells);
  });

  it('does not calibrate a table of some of the sites: their all-X model would move by less than its noise', async () => {
    const { runtime, wholeLoads } = await countingRuntime();
    const { request } = profileJob({ modelName: 'yolov8n', graph, runtime, metric: 'latency', mode: 'micro', protocol: quick, reference: SiLU, candidates: [SiLU, ReLU], sites: ['model.0.act', 'model.1.act'] });
    const out = await runProfile(request);
    expect(out.calibration).toBeUndefined();
    expect(out.table!.provenance.note).toContain(`calibration=none (the table covers 2 of the model's ${graph.sites.length} sites`);
    expect(wholeLoads()).toBe(1);
  });
  it('measures every turn of a whole model in a fresh reference session and a fresh session of the model, closing both after it, to the same pair cap', async () => {
    const rt = await createOrtRuntime({ runtime: 'ort', threads: 1 });
    const loads: string[] = [];
    let open = 0;
    let mostOpen = 0;
    const runtime: Runtime = {
      ...rt,
      load: async (bytes) => {
        const relu = decodeOnnxModel(bytes).graph!.node!.some((n) => n.opType === 'Relu');
        loads.push(relu ? 'relu' : 'silu');
        const session = await rt.load(bytes);
        mostOpen = Math.max(mostOpen, ++open);
        return {
          inputNames: session.inputNames,
          outputNames: session.outputNames,
          run: (feeds, outputs) => session.run(feeds, outputs),
          timer: (feeds) => session.timer(feeds),
          dispose: async () => {
            open -= 1;
            await session.dispose();
          },
        };
      },
    };
    const model = importOnnx(emitOnnx(graph, { seed: 0 }));
    const relu = { name: 'all-relu', sites: Object.fromEntries(graph.sites.map((s) => [s.name, ReLU])) };
    const measured = await measureAgainstReference([relu], {
      runtime, model, feeds: { images: syntheticInput([1, 3, 64, 64], 0) }, nullCopies: 1, timing: 'process-cpu',
      interleaved: { budgetMs: Number.POSITIVE_INFINITY, turnPairs: 8 },
      protocol: { warmup: 1, order: 'abba', seed: 1, stopping: { relative: 1e-9, absolute: 1e-9, minPairs: 10, maxPairs: 24, checkEvery: 2 } },
    });
    for (const m of measured) expect(m.measurement.pairs).toBe(24);
    // Three turns of 8 pairs each for the null copy and all-ReLU, round by round: two loads a turn,
    // the reference and the model in an order that alternates from one of a model's turns to the next.
    expect(loads).toEqual(['silu', 'silu', 'relu', 'silu', 'silu', 'silu', 'silu', 'relu', 'silu', 'silu', 'relu', 'silu']);
    expect(mostOpen).toBe(2);
    expect(open).toBe(0);
  });

  it('under a table budget, ends the anchors at the table\'s end, each with its minimum pairs even when the cells took the whole budget', async () => {
    // The protocol's clock counts timed runs (a run is 1 "ms"), so the budget does not depend on this host's speed.
    const { runtime, now, reset } = runCountingClock(await createOrtRuntime({ runtime: 'ort', threads: 1 }));
    const requestFor = (budgetMs: number | undefined) => {
      const protocol: CellProtocol = { ...quick, options: { ...quick.options, clock: now }, calibration: { maxPairs: 200 }, ...(budgetMs !== undefined ? { tableBudgetMs: budgetMs } : {}) };
      return profileJob({ modelName: 'yolov8n', graph, runtime, metric: 'latency', mode: 'micro', protocol, reference: SiLU, candidates: [SiLU, ReLU] }).request;
    };
    const table = async (budgetMs: number | undefined) => {
      const request = requestFor(budgetMs);
      reset();
      const out = await runProfile(request);
      return { anchor: out.calibration!.anchors[0]!, runs: now(), note: out.table!.provenance.note! };
    };
    // Without a budget the anchor runs to its cap.
    expect((await table(undefined)).anchor).toMatchObject({ pairs: 200, stoppedBy: 'cap' });
    // The cells alone outlast a budget of 1: the anchor still gets its minimum pairs, and no more.
    const starved = await table(1);
    expect(starved.anchor).toMatchObject({ pairs: CALIBRATION_MIN_PAIRS, stoppedBy: 'time' });
    expect(starved.note).toContain(`(${CALIBRATION_MIN_PAIRS} pairs to the table budget)`);
    expect(starved.note).toContain(`budget=0.001s/table (the cells to 0.001s`);
    expect(starved.note).toContain(`the calibration to the end, at least ${CALIBRATION_MIN_PAIRS} pairs per anchor`);
    // A budget the cells leave room in: the anchor stops short of its cap, the table within its budget.
    // A turn: 8 pairs (16 runs) and two fresh sessions warmed up by 2 runs each; the cap would take 25 turns, 500 runs.
    // The cells' runs vary by up to ±140 from one table to the next (4–6 pairs in each of ~35 blocks).
    const cellsRuns = starved.runs - (CALIBRATION_MIN_PAIRS / 8) * (16 + 4);
    const budget = cellsRuns + 300;
    const fitted = await table(budget);
    expect(fitted.anchor.pairs).toBeGreaterThan(CALIBRATION_MIN_PAIRS);
    expect(fitted.anchor.pairs).toBeLessThan(200);
    expect(fitted.anchor.stoppedBy).toBe('time');
    expect(fitted.runs).toBeLessThanOrEqual(budget);

    // Interrupted after 40 of its 112 cells and resumed in a new process (its clock starts again
    // at 0): the resumed table spends only what the first part left of the budget.
    const path = checkpointFile();
    const key = { model: 'yolov8n', budget };
    const request = requestFor(budget);
    reset();
    const first = await runProfile(request, { checkpoint: ProfileCheckpoint.open(path, key), stopAfter: 40 });
    expect(first.table).toBeUndefined();
    const firstRuns = now();
    const resumedCheckpoint = ProfileCheckpoint.open(path, key);
    expect(resumedCheckpoint.elapsedMs).toBe(firstRuns);
    reset();
    const resumed = await runProfile(request, { checkpoint: resumedCheckpoint });
    expect(resumed.calibration!.anchors[0]).toMatchObject({ stoppedBy: 'time' });
    expect(firstRuns + now()).toBeLessThanOrEqual(budget);
  });
});
