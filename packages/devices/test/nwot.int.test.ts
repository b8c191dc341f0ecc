import { PAPER_ACTIVATIONS, SiLU, importOnnx } from '@actnas/core';
import { describe, expect, it } from 'vitest';
import { calibrationBatch } from '../src/accuracy/calibration-images.js';
import { dataDependentInit } from '../src/accuracy/data-dependent-init.js';
import { nwotCells, nwotModel, nwotOfModel } from '../src/accuracy/nwot-estimator.js';
import { nwotFromKernels } from '../src/accuracy/nwot-kernel.js';
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
});
