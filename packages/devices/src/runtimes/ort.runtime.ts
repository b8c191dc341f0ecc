import type { ActivationFamily } from '@actnas/core';
import ort from 'onnxruntime-node';
import { createRequire } from 'node:module';
import type { Feeds, LoadedModel, Runtime, RuntimeProfile, TensorData } from './runtime.js';

/** ORT CPU at level "extended" and above fuses these into the preceding Conv (single consumer). */
export const ORT_CPU_FUSED: readonly ActivationFamily[] = ['relu', 'leakyrelu', 'relu6', 'hardsigmoid'];

export function ortVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('onnxruntime-node/package.json') as { version: string }).version;
}

function toOrt(t: TensorData): ort.Tensor {
  return new ort.Tensor('float32', t.data, [...t.dims]);
}

function fromOrt(t: ort.Tensor): TensorData {
  return { dims: t.dims.map(Number), data: t.data as Float32Array };
}

function sessionOptions(profile: RuntimeProfile): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: profile.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: profile.graphOptimizationLevel ?? 'all',
    executionMode: profile.executionMode ?? 'sequential',
    logSeverityLevel: 3,
  };
}

class OrtModel implements LoadedModel {
  constructor(private readonly session: ort.InferenceSession) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  async run(feeds: Feeds, outputs?: readonly string[]): Promise<Readonly<Record<string, TensorData>>> {
    const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, toOrt(v)]));
    const result = outputs ? await this.session.run(ortFeeds, [...outputs]) : await this.session.run(ortFeeds);
    return Object.fromEntries(Object.entries(result).map(([k, v]) => [k, fromOrt(v)]));
  }

  timer(feeds: Feeds): () => Promise<number> {
    const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, toOrt(v)]));
    return async () => {
      const t0 = process.hrtime.bigint();
      await this.session.run(ortFeeds);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
  }

  dispose(): Promise<void> {
    return this.session.release();
  }
}

/** onnxruntime-node, CPU execution provider. */
export async function createOrtRuntime(profile: RuntimeProfile): Promise<Runtime> {
  const options = sessionOptions(profile);
  const fused = profile.fusedActivations ?? (options.graphOptimizationLevel === 'basic' || options.graphOptimizationLevel === 'disabled' ? [] : ORT_CPU_FUSED);
  return {
    provenance: {
      runtime: 'ort',
      version: ortVersion(),
      backend: 'cpu',
      threads: profile.threads,
      graphOptimizationLevel: options.graphOptimizationLevel,
      executionMode: options.executionMode,
    },
    fusedActivations: new Set(fused),
    load: async (onnx) => new OrtModel(await ort.InferenceSession.create(onnx, options)),
  };
}
