import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  EmitOnnxError, Hardswish, PAPER_ACTIVATIONS, importOnnx, LeakyReLU, ReLU, ReLU6, buildGraph, builtinModelSpec, decodeOnnxModel, emitOnnx,
  leakyReLU, readSitesMetadata, toNumber, valueInfoShape,
} from '@actnas/core';
import type { OnnxModel, OnnxNode } from '@actnas/core';

interface FixtureSite {
  readonly name: string;
  readonly onnx_nodes: readonly string[];
  readonly onnx_conv_node: string;
  readonly onnx_preact_tensor: string;
  readonly onnx_output_tensor: string;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/yolov8n-pytorch-export-opset17.sites.json', import.meta.url), 'utf8'),
) as { sites: FixtureSite[]; op_counts: Record<string, number> };

const yolov5nu160 = buildGraph(builtinModelSpec('yolov5nu'), { imgsz: 160 });
const emitted = (options: Parameters<typeof emitOnnx>[1] = {}): OnnxModel => decodeOnnxModel(emitOnnx(yolov5nu160, options));
const nodesOf = (m: OnnxModel, prefix: string): readonly OnnxNode[] => (m.graph?.node ?? []).filter((n) => n.name?.startsWith(prefix));

describe('ONNX emit', () => {
  it('names nodes and tensors as torch.onnx.export does (yolov8n in the pre-8.4 layout against the PyTorch fixture)', () => {
    const model = decodeOnnxModel(emitOnnx(buildGraph(builtinModelSpec('yolov8n', { layout: 'pre-8.4' }), { imgsz: 640 }), { opset: 17, dynamicBatch: true }));
    const meta = readSitesMetadata(model);
    expect(meta?.ok).toBe(true);
    const sites = meta?.ok ? meta.metadata.sites : [];
    expect(sites.map((s) => [s.name, s.nodes, s.conv, s.preact, s.output])).toEqual(
      fixture.sites.map((s) => [s.name, s.onnx_nodes, s.onnx_conv_node, s.onnx_preact_tensor, s.onnx_output_tensor]),
    );
    const count = (op: string): number => (model.graph?.node ?? []).filter((n) => n.opType === op).length;
    expect(count('Sigmoid')).toBe(57 + 1);
    expect(count('Conv')).toBe(fixture.op_counts['Conv']! + 1);
    expect(count('MaxPool')).toBe(3);
    expect(count('Resize')).toBe(2);
  });

  it('declares opset, IR version, input and output (static and dynamic batch)', () => {
    const m13 = emitted({ opset: 13 });
    expect(m13.opsetImport?.map((o) => toNumber(o.version))).toEqual([13]);
    expect(toNumber(m13.irVersion)).toBe(7);
    expect(valueInfoShape(m13.graph!.input![0]!)).toEqual([1, 3, 160, 160]);
    expect(valueInfoShape(m13.graph!.output![0]!)).toEqual([1, 84, 525]);
    const dyn = emitted({ opset: 17, dynamicBatch: true });
    expect(toNumber(dyn.irVersion)).toBe(8);
    expect(valueInfoShape(dyn.graph!.input![0]!)).toEqual(['batch', 3, 160, 160]);
  });

  it('stores BN-folded weights as raw float32 initializers named after the torch modules', () => {
    const m = emitted();
    const inits = new Map((m.graph?.initializer ?? []).map((t) => [t.name, t]));
    const w = inits.get('model.0.conv.weight')!;
    expect(w.dims?.map(toNumber)).toEqual([16, 3, 6, 6]);
    expect(w.rawData?.byteLength).toBe(16 * 3 * 6 * 6 * 4);
    expect(inits.get('model.0.conv.bias')?.dims?.map(toNumber)).toEqual([16]);
    expect(inits.get('model.24.dfl.conv.weight')?.dims?.map(toNumber)).toEqual([1, 16, 1, 1]);
    const params = [...inits.values()].filter((t) => t.name?.startsWith('model.')).reduce((s, t) => s + (t.rawData?.byteLength ?? 0) / 4, 0);
    expect(params).toBe(yolov5nu160.fusedParams);
  });

  it.each([
    [13, Hardswish, ['HardSigmoid', 'Mul']],
    [17, Hardswish, ['HardSwish']],
    [13, ReLU, ['Relu']],
    [13, ReLU6, ['Constant', 'Constant', 'Clip']],
    [17, LeakyReLU, ['LeakyRelu']],
  ])('lowers at opset %i %s', (opset, kind, ops) => {
    const m = emitted({ opset, assignment: new Map([['model.2.m.0.cv1.act', kind]]) });
    const act = nodesOf(m, '/model.2/m/m.0/cv1/act/');
    expect(act.map((n) => n.opType)).toEqual(ops);
    const consumer = nodesOf(m, '/model.2/m/m.0/cv2/conv/Conv')[0]!;
    expect(consumer.input?.[0]).toBe(act[act.length - 1]!.output?.[0]);
    expect(act[act.length - 1]!.output?.[0]).toBe(`${act[act.length - 1]!.name}_output_0`);
  });

  it('keeps the LeakyReLU slope and records the assignment in the site table', () => {
    const m = emitted({ assignment: { 'model.0.act': leakyReLU(0.2), 'model.24.cv3.2.1.act': ReLU } });
    const alpha = nodesOf(m, '/model.0/act/')[0]!.attribute?.find((a) => a.name === 'alpha')?.f;
    expect(alpha).toBeCloseTo(0.2, 6);
    const meta = readSitesMetadata(m);
    const sites = meta?.ok ? meta.metadata.sites : [];
    expect(sites).toHaveLength(68);
    expect(sites.filter((s) => s.activation !== 'silu').map((s) => [s.name, s.activation])).toEqual([
      ['model.0.act', 'leakyrelu(0.2)'],
      ['model.24.cv3.2.1.act', 'relu'],
    ]);
    expect(sites[0]).toMatchObject({ channels: 16, shape: [1, 16, 80, 80], conv: '/model.0/conv/Conv' });
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = emitOnnx(yolov5nu160, { seed: 3 });
    expect(Buffer.from(emitOnnx(yolov5nu160, { seed: 3 })).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(emitOnnx(yolov5nu160, { seed: 4 })).equals(Buffer.from(a))).toBe(false);
  });

  it('reads back through the importer: same sites, same activations (opset 13 and 17)', () => {
    const assignment = new Map(yolov5nu160.sites.map((s, i) => [s.name, PAPER_ACTIVATIONS[i % 5]!] as const));
    for (const opset of [13, 17]) {
      const imported = importOnnx(emitOnnx(yolov5nu160, { opset, assignment }));
      expect(imported.sites.map((s) => `${s.name}:${s.activation.id}`)).toEqual(yolov5nu160.sites.map((s) => `${s.name}:${assignment.get(s.name)!.id}`));
    }
  });

  it('rejects unknown sites and unsupported opsets', () => {
    expect(() => emitOnnx(yolov5nu160, { assignment: { 'model.99.act': ReLU } })).toThrow(EmitOnnxError);
    expect(() => emitOnnx(yolov5nu160, { assignment: { 'model.99.act': ReLU } })).toThrow(/unknown activation site model\.99\.act/);
    expect(() => emitOnnx(yolov5nu160, { opset: 11 })).toThrow(/opset 11/);
  });
});
