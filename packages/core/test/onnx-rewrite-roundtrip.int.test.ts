import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import type { ActivationKind, OnnxModel } from '@actnas/core';
import {
  PAPER_ACTIVATIONS,
  ReLU,
  SiLU,
  buildGraph,
  builtinModelSpec,
  decodeOnnxModel,
  emitOnnx,
  importOnnx,
  readSitesMetadata,
  rewriteOnnx,
} from '@actnas/core';

const IMGSZ = 160;
const graph = buildGraph(builtinModelSpec('yolov5nu'), { imgsz: IMGSZ });
const image = new ort.Tensor('float32', Float32Array.from({ length: 3 * IMGSZ * IMGSZ }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.61)), [1, 3, IMGSZ, IMGSZ]);

async function run(bytes: Uint8Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2, interOpNumThreads: 1 });
  try {
    const out = await session.run({ [session.inputNames[0]!]: image });
    return out[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** Mixed assignment over every site, cycling through the paper's kinds. */
const mixed = (names: readonly string[]): Record<string, ActivationKind> =>
  Object.fromEntries(names.map((name, k) => [name, PAPER_ACTIVATIONS[k % PAPER_ACTIVATIONS.length]!]));

describe('rewrite of a built model equals building with the assignment', () => {
  const reference = emitOnnx(graph, { opset: 17 });
  const imported = importOnnx(reference);
  const sites = graph.sites.map((s) => s.name);

  it('import finds the built sites: names, activations, channels, shapes', () => {
    expect(imported.sites.map((s) => s.name)).toEqual(sites);
    expect(imported.sites.every((s) => s.activation.id === 'silu' && s.nameSource === 'metadata')).toBe(true);
    expect(imported.sites.map((s) => s.shape)).toEqual(graph.sites.map((s) => [1, s.channels, s.height, s.width]));
    // The head's class Sigmoid is reported, not taken for an activation site.
    expect(imported.warnings.every((w) => w.code === 'SIGMOID_NOT_SILU')).toBe(true);
  });

  it.each([0, 30, 67])('site %i to ReLU: same outputs (1e-4) as built with ReLU there', async (k) => {
    const assignment = { [sites[k]!]: ReLU };
    const rewritten = await run(rewriteOnnx(imported, assignment));
    const built = await run(emitOnnx(graph, { opset: 17, assignment }));
    expect(maxAbsDiff(rewritten, built)).toBeLessThanOrEqual(1e-4);
  });

  it('every site, mixed kinds, at opset 13: same outputs (1e-4) as built', async () => {
    const assignment = mixed(sites);
    const source = importOnnx(emitOnnx(graph, { opset: 13 }));
    const rewritten = await run(rewriteOnnx(source, assignment));
    const built = await run(emitOnnx(graph, { opset: 13, assignment }));
    expect(maxAbsDiff(rewritten, built)).toBeLessThanOrEqual(1e-4);
  });

  it('node for node the built model, up to the names of the sites\' output tensors', () => {
    const assignment = mixed(sites);
    const rewritten = decodeOnnxModel(rewriteOnnx(imported, assignment));
    const built = decodeOnnxModel(emitOnnx(graph, { opset: 17, assignment }));
    const rename = outputRenames(rewritten, built);
    const renameAll = (tensors: readonly string[] | null | undefined) => (tensors?.length ? { input: tensors.map((t) => rename.get(t) ?? t) } : {});
    const renamed = rewritten.graph!.node!.map((n) => {
      const output = n.output!.map((t) => rename.get(t) ?? t);
      return { ...plain(n), ...renameAll(n.input), output };
    });
    expect(renamed).toEqual(built.graph!.node!.map(plain));
    expect(rewritten.graph!.initializer!.map((t) => t.name)).toEqual(built.graph!.initializer!.map((t) => t.name));
  });
});

describe('import → rewrite → export is lossless', () => {
  it('an empty rewrite gives the built bytes back', () => {
    const built = emitOnnx(graph, { opset: 17, assignment: { [graph.sites[3]!.name]: ReLU } });
    expect(same(rewriteOnnx(importOnnx(built), {}), built)).toBe(true);
  });

  it('rewriting to other kinds and back gives the built bytes back', () => {
    const names = graph.sites.map((s) => s.name);
    const assignment = mixed(names);
    const built = emitOnnx(graph, { opset: 13, assignment });
    const swapped = importOnnx(rewriteOnnx(importOnnx(built), Object.fromEntries(names.map((n) => [n, assignment[n]!.id === 'silu' ? ReLU : SiLU]))));
    expect(swapped.sites.map((s) => s.name)).toEqual(names);
    expect(same(rewriteOnnx(swapped, assignment), built)).toBe(true);
  });
});

function plain(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** Rewritten site output tensor → the name the emitter gave it, from both site tables. */
function outputRenames(rewritten: OnnxModel, built: OnnxModel): Map<string, string> {
  const a = readSitesMetadata(rewritten);
  const b = readSitesMetadata(built);
  if (!a?.ok || !b?.ok) throw new Error('both models carry a site table');
  return new Map(a.metadata.sites.map((s, k) => [s.output, b.metadata.sites[k]!.output]));
}
