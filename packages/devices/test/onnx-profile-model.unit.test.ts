import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildGraph, builtinModelSpec, decodeOnnxModel, encodeOnnxModel, fullActivationRegistry, importOnnx } from '@actnas/core';
import { describe, expect, it } from 'vitest';
import { ORT_CPU_FUSION, XNNPACK_FUSION } from '../src/memory/fusion-rules.js';
import { memoryTable } from '../src/memory/memory-table.js';
import { memoryGraphOf, siteBlocks } from '../src/profile/graph-adapters.js';
import { OnnxProfileError, onnxProfileModel, onnxWithDynamicBatch } from '../src/profile/onnx-profile-model.js';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/models/yolov8n-pytorch-export-opset17.onnx', import.meta.url));
const imported = importOnnx(readFileSync(FIXTURE));
/** The fixture was exported from the pre-8.4 module layout (SiLU after SPPF.cv1): 57 sites. */
const builtin = buildGraph(builtinModelSpec('yolov8n', { layout: 'pre-8.4' }), { imgsz: 640, nc: 80 });
const registry = fullActivationRegistry();
const candidates = ['relu', 'silu', 'hardswish', 'relu6', 'leakyrelu'].map((id) => registry.resolve(id));

describe('a user ONNX file as a profiling subject', () => {
  it('micro blocks read from the imported graph are the built-in yolov8n blocks: real shapes, kernels, strides, groups', () => {
    const m = onnxProfileModel(imported, { metric: 'latency', mode: 'micro' });
    expect([m.sites.length, m.skipped, m.height, m.width, m.inputName]).toEqual([57, [], 640, 640, 'images']);
    const norm = (b: ReturnType<typeof siteBlocks>[number]) => ({ ...b, groups: b.groups ?? 1 });
    expect(siteBlocks(m).map(norm)).toEqual(siteBlocks(builtin).map(norm));
  });

  it('the arena planner over the imported graph gives the built-in yolov8n memory table, for each fusion rule set', () => {
    const m = onnxProfileModel(imported, { metric: 'memory', mode: 'micro' });
    for (const rules of [ORT_CPU_FUSION, XNNPACK_FUSION]) {
      const mine = memoryTable(memoryGraphOf(m), rules, registry.resolve('silu'), candidates);
      const theirs = memoryTable(memoryGraphOf(builtin), rules, registry.resolve('silu'), candidates);
      expect(mine.cells.map((c) => [c.site, c.activation, c.delta])).toEqual(theirs.cells.map((c) => [c.site, c.activation, c.delta]));
    }
  });

  it('full mode needs only named, shaped sites; a site the import cannot name is reported, not dropped silently', () => {
    const model = decodeOnnxModel(readFileSync(FIXTURE));
    for (const node of model.graph!.node!) if (/^\/model\.0\/act\//.test(node.name ?? '')) (node as { name?: string }).name = '';
    const m = onnxProfileModel(importOnnx(encodeOnnxModel(model)), { metric: 'latency', mode: 'full' });
    expect(m.sites).toHaveLength(56);
    expect(m.skipped).toEqual([{ site: expect.stringMatching(/^site\.0@/), reason: expect.stringContaining('could not name') }]);
  });

  it('NWOT runs the file cut after its last site, with a symbolic batch', () => {
    const m = onnxProfileModel(imported, { metric: 'accuracy', mode: 'micro' });
    const cut = onnxWithDynamicBatch(m);
    expect(cut.sites.map((s) => s.name)).toEqual(imported.sites.map((s) => s.name));
    expect(cut.inputs[0]!.shape).toEqual(['batch', 3, 640, 640]);
    expect(cut.outputs.map((o) => o.name)).toEqual(imported.sites.map((s) => s.outputTensor));
  });

  it('a file with two inputs is refused', () => {
    const model = decodeOnnxModel(readFileSync(FIXTURE));
    const g = model.graph as { input: unknown[] };
    g.input = [...g.input, { ...(g.input[0] as object), name: 'extra' }];
    expect(() => onnxProfileModel(importOnnx(encodeOnnxModel(model)), { metric: 'memory', mode: 'micro' })).toThrow(OnnxProfileError);
  });
});
