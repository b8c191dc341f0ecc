import { PAPER_ACTIVATIONS, ReLU, SiLU, buildGraph, builtinModelSpec, emitOnnx, importOnnx, rewriteOnnx } from '@actnas/core';
import { describe, expect, it } from 'vitest';
import { calibrationBatch } from '../src/accuracy/calibration-images.js';
import { dataDependentInit } from '../src/accuracy/data-dependent-init.js';
import { nwotCells, nwotModel, nwotOfModel } from '../src/accuracy/nwot-estimator.js';
import { nwotFromKernels, packCodes, siteKernel } from '../src/accuracy/nwot-kernel.js';
import { withPreactOutputs } from '../src/accuracy/preact-model.js';
import type { ProfileCell } from '../src/profile/profile-cell.js';
import { createOrtRuntime } from '../src/runtimes/ort.runtime.js';
import { tinyConvNet } from './helpers/tiny-model.js';

describe('NWOT on onnxruntime-node', () => {
  const size = 32;
  // Small weights: activations shrink layer by layer until deep codes are just the bias signs.
  const model = importOnnx(tinyConvNet({ channels: 8, size, depth: 8, weightScale: 0.15, seed: 4 }));
  const batch = calibrationBatch({ kind: 'synthetic', seed: 1 }, 8, size);

  it('without data-dependent init deep sites are input-independent; with it every site contributes', async () => {
    const rt = await createOrtRuntime({ runtime: 'ort', threads: 1 });
    const plain = await nwotOfModel(rt, nwotModel(model), batch);
    expect(plain.result.sites.at(-1)!.codeDiversity).toBe(0);

    const init = await dataDependentInit(model, { runtime: rt, batch: calibrationBatch({ kind: 'synthetic', seed: 2 }, 8, size) });
    expect(init.passes).toBe(8); // a chain: one run per site
    const scored = await nwotOfModel(rt, nwotModel(init.model), batch);
    for (const site of scored.result.sites) {
      expect(site.codeDiversity).toBeGreaterThan(0.1);
      expect(site.leaveOneOut).toBeGreaterThan(0);
    }
    expect(scored.result.score).toBeCloseTo(nwotFromKernels(scored.kernels, 8).score, 10);
  });

  it('Gram matrices computed in the graph give the same kernels as codes packed from fetched pre-activations', async () => {
    const rt = await createOrtRuntime({ runtime: 'ort', threads: 1 });
    const m = nwotModel(model);
    expect([...m.outputs.values()].every((o) => o.gramLength === 8 * size * size)).toBe(true);
    const viaGram = (await nwotOfModel(rt, m, batch)).kernels;
    const session = await rt.load(withPreactOutputs(model));
    const outs = await session.run({ images: batch }, model.sites.map((s) => s.preactTensor));
    for (const s of model.sites) expect([...viaGram.get(s.name)!]).toEqual([...siteKernel(packCodes(outs[s.preactTensor]!.data, 8))]);
    await session.dispose();
  });

  it('yields one NWOT delta per single swap; reference swaps are exactly zero; the last site never changes codes', async () => {
    const rt = await createOrtRuntime({ runtime: 'ort', threads: 1 });
    const init = await dataDependentInit(model, { runtime: rt, batch });
    const cells: ProfileCell[] = [];
    for await (const c of nwotCells(nwotModel(init.model), { runtime: rt, batch, reference: SiLU, candidates: PAPER_ACTIVATIONS })) cells.push(c);
    expect(cells).toHaveLength(8 * 5);
    expect(cells.filter((c) => c.activation === 'silu').every((c) => c.delta === 0)).toBe(true);
    expect(cells.filter((c) => c.site === 'model.7.act').every((c) => c.delta === 0)).toBe(true);
    expect(cells.filter((c) => c.site === 'model.0.act' && c.activation === 'relu')[0]!.delta).not.toBe(0);
  });

  it('the frontier-cut sweep equals scoring each full single-swap model (yolov5nu with skips and concats)', async () => {
    const rt = await createOrtRuntime({ runtime: 'ort', threads: 1 });
    const yolo = importOnnx(emitOnnx(buildGraph(builtinModelSpec('yolov5nu'), { imgsz: 64 }), { dynamicBatch: true, seed: 2 }));
    const small = calibrationBatch({ kind: 'synthetic', seed: 5 }, 4, 64);
    const init = await dataDependentInit(yolo, { runtime: rt, batch: small });
    const m = nwotModel(init.model);
    const picked = new Set(['model.2.cv2.act', 'model.9.cv2.act', 'model.17.cv1.act']);
    const cells: ProfileCell[] = [];
    for await (const c of nwotCells(m, { runtime: rt, batch: small, reference: SiLU, candidates: [SiLU, ReLU], skip: (s) => !picked.has(s) })) cells.push(c);
    expect(cells).toHaveLength(6);
    const ref = (await nwotOfModel(rt, m, small)).result.score;
    for (const c of cells.filter((x) => x.activation === 'relu')) {
      const full = nwotModel(importOnnx(rewriteOnnx(init.model, { [c.site]: ReLU })));
      const score = (await nwotOfModel(rt, full, small)).result.score;
      expect(c.delta).toBeCloseTo(score - ref, 6);
    }
  });
});
