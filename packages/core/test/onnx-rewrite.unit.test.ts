import { describe, expect, it } from 'vitest';
import type { OnnxModel, OnnxNode } from '@actnas/core';
import {
  ACTNAS_SITES_METADATA_KEY,
  GELU,
  HardSigmoid,
  Hardswish,
  Identity,
  Mish,
  LeakyReLU,
  OnnxRewriteError,
  PAPER_ACTIVATIONS,
  ReLU,
  ReLU6,
  SiLU,
  decodeOnnxModel,
  importOnnx,
  leakyReLU,
  parseSitesMetadata,
  rewriteOnnx,
  tensorToNumbers,
} from '@actnas/core';
import { fixtureBytes, tinyConvBytes } from './onnx-test-models.js';

const fixture = fixtureBytes();
const imported = importOnnx(fixture);
const allSilu = Object.fromEntries(imported.sites.map((s) => [s.name, SiLU]));

const nodesOf = (model: OnnxModel): readonly OnnxNode[] => model.graph!.node!;
const byName = (model: OnnxModel): Map<string, OnnxNode> => new Map(nodesOf(model).map((n) => [n.name ?? '', n]));
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('rewriteOnnx: lossless where nothing changes', () => {
  it('the reference assignment without metadata gives the same bytes', () => {
    const out = rewriteOnnx(imported, allSilu, { metadata: false });
    expect(Buffer.compare(Buffer.from(out), Buffer.from(fixture))).toBe(0);
  });

  it('with metadata: node for node and initializer for initializer identical, plus the site table', () => {
    const out = decodeOnnxModel(rewriteOnnx(imported, allSilu));
    expect(nodesOf(out).map(plain)).toEqual(nodesOf(imported.model).map(plain));
    expect(out.graph!.initializer!.length).toBe(imported.model.graph!.initializer!.length);
    const table = parseSitesMetadata(out.metadataProps!.find((e) => e.key === ACTNAS_SITES_METADATA_KEY)!.value!);
    expect(table.ok && table.metadata.sites.map((s) => s.name)).toEqual(imported.sites.map((s) => s.name));
  });
});

describe('rewriteOnnx: one site to ReLU', () => {
  const out = decodeOnnxModel(rewriteOnnx(imported, { 'model.0.act': ReLU }));
  const site = imported.sites[0]!;

  it('replaces only the site nodes, keeping the output tensor and torch-style names', () => {
    const nodes = byName(out);
    expect(nodesOf(out).length).toBe(nodesOf(imported.model).length - 1);
    expect(plain(nodes.get('/model.0/act/Relu'))).toEqual({ name: '/model.0/act/Relu', opType: 'Relu', input: [site.preactTensor], output: [site.outputTensor] });
    for (const node of nodesOf(imported.model)) {
      if (site.nodes.includes(node.name ?? '')) expect(nodes.has(node.name ?? '')).toBe(false);
      else expect(plain(nodes.get(node.name ?? ''))).toEqual(plain(node));
    }
  });

  it('keeps initializers, inputs, outputs, producer and opset', () => {
    const before = imported.model;
    expect(out.graph!.initializer!.map((t) => t.name)).toEqual(before.graph!.initializer!.map((t) => t.name));
    const first = (m: OnnxModel) => tensorToNumbers(m.graph!.initializer![0]!).slice(0, 16);
    expect(first(out)).toEqual(first(before));
    expect(plain(out.graph!.input)).toEqual(plain(before.graph!.input));
    expect(plain(out.graph!.output)).toEqual(plain(before.graph!.output));
    expect([out.producerName, plain(out.opsetImport)]).toEqual([before.producerName, plain(before.opsetImport)]);
  });

  it('re-imports with the same site names (from the metadata) and the new activation', () => {
    const again = importOnnx(rewriteOnnx(imported, { 'model.0.act': ReLU, 'model.22.cv3.2.1.act': LeakyReLU }));
    expect(again.sites.map((s) => s.name)).toEqual(imported.sites.map((s) => s.name));
    expect(again.sites.every((s) => s.nameSource === 'metadata')).toBe(true);
    expect(again.sites.map((s) => s.activation.id).filter((id) => id !== 'silu')).toEqual(['relu', 'leakyrelu']);
    expect(again.warnings).toEqual([]);
  });

  it('back to SiLU gives the original graph node for node', () => {
    const relu = importOnnx(rewriteOnnx(imported, { 'model.0.act': ReLU }));
    const back = decodeOnnxModel(rewriteOnnx(relu, { 'model.0.act': SiLU }));
    expect(nodesOf(back).map(plain)).toEqual(nodesOf(imported.model).map(plain));
  });
});

describe('rewriteOnnx: every site, every kind', () => {
  const kinds = [...PAPER_ACTIVATIONS, GELU, Mish, HardSigmoid];
  it.each(kinds.map((k) => [k.id, k] as const))('all sites to %s re-import as that kind, by pattern alone', (_id, kind) => {
    const assignment = Object.fromEntries(imported.sites.map((s) => [s.name, kind]));
    const again = importOnnx(rewriteOnnx(imported, assignment, { metadata: false }));
    expect(again.sites.map((s) => s.name)).toEqual(imported.sites.map((s) => s.name));
    expect(again.sites.map((s) => s.activation.id)).toEqual(imported.sites.map(() => kind.id));
    expect(again.warnings).toEqual([]);
  });
});

describe('opset-aware lowering', () => {
  const opTypes = (opset: number, kind = Hardswish) => {
    const out = decodeOnnxModel(rewriteOnnx(importOnnx(tinyConvBytes({ opset })), { 'model.0.act': kind }));
    return nodesOf(out).slice(1).map((n) => n.opType);
  };

  it('Hardswish: HardSwish from opset 14, HardSigmoid + Mul before', () => {
    expect(opTypes(17)).toEqual(['HardSwish']);
    expect(opTypes(13)).toEqual(['HardSigmoid', 'Mul']);
  });

  it('ReLU6: Clip with constant inputs from opset 11, attributes before', () => {
    expect(opTypes(13, ReLU6)).toEqual(['Constant', 'Constant', 'Clip']);
    expect(opTypes(9, ReLU6)).toEqual(['Clip']);
  });

  it('LeakyReLU keeps its alpha; names are torch style', () => {
    const out = decodeOnnxModel(rewriteOnnx(tinyConvBytes(), { 'model.0.act': leakyReLU(0.2) }));
    const node = nodesOf(out)[1]!;
    expect([node.name, node.attribute![0]!.name, Math.fround(node.attribute![0]!.f!)]).toEqual(['/model.0/act/LeakyRelu', 'alpha', Math.fround(0.2)]);
  });
});

describe('sites the metadata declares', () => {
  it('an Identity site stays a site, and can be rewritten again', () => {
    const identity = importOnnx(rewriteOnnx(imported, { 'model.2.cv1.act': Identity }));
    expect(identity.sites.map((s) => s.name)).toEqual(imported.sites.map((s) => s.name));
    expect(identity.sites[2]!.activation.id).toBe('identity');
    const back = decodeOnnxModel(rewriteOnnx(identity, { 'model.2.cv1.act': SiLU }));
    expect(nodesOf(back).map(plain)).toEqual(nodesOf(imported.model).map(plain));
  });
});

describe('rewriteOnnx into a reused buffer', () => {
  it('gives the same bytes as a view of the buffer, and never writes over the source', () => {
    const buffer = new Uint8Array(fixture.length + 100_000);
    const out = rewriteOnnx(imported, { 'model.1.act': ReLU }, { into: buffer });
    expect(out.buffer).toBe(buffer.buffer);
    expect(Buffer.compare(Buffer.from(out), Buffer.from(rewriteOnnx(imported, { 'model.1.act': ReLU })))).toBe(0);
    const own = importOnnx(tinyConvBytes());
    expect(rewriteOnnx(own, { 'model.0.act': ReLU }, { into: own.bytes }).buffer).not.toBe(own.bytes.buffer);
  });
});

describe('rewriteOnnx errors', () => {
  it('an unknown site', () => {
    expect(() => rewriteOnnx(imported, new Map([['model.99.act', ReLU]]))).toThrow(OnnxRewriteError);
    try {
      rewriteOnnx(imported, { nope: ReLU });
    } catch (err) {
      expect((err as OnnxRewriteError).code).toBe('UNKNOWN_SITE');
    }
  });
});
