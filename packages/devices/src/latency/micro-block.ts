import type { ActivationKind, OnnxNode } from '@actnas/core';
import { OnnxDataType, createNamer, encodeOnnxModel, float32Tensor, intAttribute, intsAttribute, lowerActivation, tensorValueInfo } from '@actnas/core';
import { createRng } from '../random/seeded-rng.js';

/** The conv feeding an activation site, at the site's real shape. */
export interface SiteBlockSpec {
  readonly site: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
  readonly groups?: number;
  readonly inHeight: number;
  readonly inWidth: number;
}

export const MICRO_OPSET = 17;

/**
 * What makes two sites' micro blocks the same model (apart from node names): the conv's shape and
 * parameters. The activation, dtype (float32), runtime and threads are the same for a table's
 * blocks, and the weights come from the table's seed.
 */
export function microBlockKey(spec: SiteBlockSpec): string {
  const s = spec;
  return `${s.inChannels}x${s.inHeight}x${s.inWidth}>${s.outChannels} k${s.kernel} s${s.stride} p${s.pad} g${s.groups ?? 1}`;
}

/** Sites whose micro blocks are the same model, measured once for all of them. */
export interface MicroBlockGroup {
  readonly key: string;
  /** The first site's block; its site names the measurement. */
  readonly block: SiteBlockSpec;
  readonly sites: readonly string[];
}

/** Blocks grouped by `microBlockKey`, in order of their first site. */
export function groupMicroBlocks(blocks: readonly SiteBlockSpec[]): MicroBlockGroup[] {
  const groups = new Map<string, { key: string; block: SiteBlockSpec; sites: string[] }>();
  for (const block of blocks) {
    const key = microBlockKey(block);
    const g = groups.get(key);
    if (g) g.sites.push(block.site);
    else groups.set(key, { key, block, sites: [block.site] });
  }
  return [...groups.values()];
}

export function blockOutputSize(spec: SiteBlockSpec): { readonly height: number; readonly width: number } {
  const pad = spec.pad;
  return {
    height: Math.floor((spec.inHeight + 2 * pad - spec.kernel) / spec.stride) + 1,
    width: Math.floor((spec.inWidth + 2 * pad - spec.kernel) / spec.stride) + 1,
  };
}

/**
 * A one-block ONNX model: Conv → activation → GlobalAveragePool. The pool gives the
 * activation a consumer (as in the full model) while keeping the fetched output tiny; the conv
 * has a single consumer, so the runtime applies the same fusions as in the full model. The batch
 * dimension is symbolic; profiling feeds batch 1, as the full model runs.
 */
export function microBlockOnnx(spec: SiteBlockSpec, activation: ActivationKind, seed = 0): Uint8Array {
  const groups = spec.groups ?? 1;
  const cinPerGroup = spec.inChannels / groups;
  const rng = createRng(seed);
  const fanIn = cinPerGroup * spec.kernel * spec.kernel;
  const w = new Float32Array(spec.outChannels * fanIn);
  const scale = Math.sqrt(2 / fanIn);
  for (let i = 0; i < w.length; i++) w[i] = rng.normal() * scale;
  const b = new Float32Array(spec.outChannels);
  const pad = spec.pad;
  const conv: OnnxNode = {
    name: `${spec.site}/conv/Conv`, opType: 'Conv', input: ['images', 'w', 'b'], output: ['preact'],
    attribute: [
      intsAttribute('kernel_shape', [spec.kernel, spec.kernel]),
      intsAttribute('strides', [spec.stride, spec.stride]),
      intsAttribute('pads', [pad, pad, pad, pad]),
      intAttribute('group', groups),
    ],
  };
  const scope = `/${spec.site.replace(/\.act$/, '')}/act`;
  const act = lowerActivation(activation, { opset: MICRO_OPSET, scope, input: 'preact', output: 'act', namer: createNamer(new Set(), new Set(['images', 'w', 'b', 'preact', 'act', 'pooled'])) });
  const pool: OnnxNode = { name: 'pool', opType: 'GlobalAveragePool', input: ['act'], output: ['pooled'] };
  return encodeOnnxModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: MICRO_OPSET }],
    producerName: 'actnas-devices-micro',
    graph: {
      name: `micro ${spec.site} ${activation.id}`,
      node: [conv, ...act, pool],
      initializer: [float32Tensor('w', [spec.outChannels, cinPerGroup, spec.kernel, spec.kernel], w), float32Tensor('b', [spec.outChannels], b)],
      input: [tensorValueInfo('images', OnnxDataType.FLOAT, ['batch', spec.inChannels, spec.inHeight, spec.inWidth])],
      output: [tensorValueInfo('pooled', OnnxDataType.FLOAT, ['batch', spec.outChannels, 1, 1])],
    },
  });
}
