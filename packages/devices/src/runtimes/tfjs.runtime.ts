import type { ActivationFamily } from '@actnas/core';
import type * as tfjs from '@tensorflow/tfjs';
import type { Feeds, LoadedModel, Runtime, RuntimeProfile, TensorData } from './runtime.js';
import type { TfjsBackendName } from './tfjs-backend.detect.js';
import { chooseTfjsBackend } from './tfjs-backend.detect.js';
import { TfjsOnnxProgram } from './tfjs-onnx.interpreter.js';

/** XNNPACK (TFLite, tfjs wasm) fuses only ReLU and ReLU6 into a conv. */
export const XNNPACK_FUSED: readonly ActivationFamily[] = ['relu', 'relu6'];

async function loadTf(backend: TfjsBackendName): Promise<typeof tfjs> {
  if (backend === 'tensorflow') {
    const name = '@tensorflow/tfjs-node';
    const tf = (await import(name)) as typeof tfjs;
    await tf.setBackend('tensorflow');
    return tf;
  }
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend failed to initialise');
  await tf.ready();
  return tf;
}

class TfjsModel implements LoadedModel {
  constructor(private readonly tf: typeof tfjs, private readonly program: TfjsOnnxProgram) {}

  get inputNames(): readonly string[] {
    return this.program.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.program.outputNames;
  }

  #feeds(feeds: Feeds): Map<string, tfjs.Tensor> {
    return new Map(Object.entries(feeds).map(([k, v]) => [k, this.tf.tensor(v.data, [...v.dims])]));
  }

  async run(feeds: Feeds, outputs?: readonly string[]): Promise<Readonly<Record<string, TensorData>>> {
    const inputs = this.#feeds(feeds);
    try {
      const result = this.program.run(inputs, outputs);
      const out: Record<string, TensorData> = {};
      for (const [k, t] of result) {
        out[k] = { dims: t.shape, data: (await t.data()) as Float32Array };
        t.dispose();
      }
      return out;
    } finally {
      for (const t of inputs.values()) t.dispose();
    }
  }

  timer(feeds: Feeds): () => Promise<number> {
    const inputs = this.#feeds(feeds);
    return async () => {
      const t0 = process.hrtime.bigint();
      const result = this.program.run(inputs);
      for (const t of result.values()) {
        await t.data();
        t.dispose();
      }
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
  }

  dispose(): Promise<void> {
    this.program.dispose();
    return Promise.resolve();
  }
}

/**
 * TensorFlow.js as a TFLite-like CPU runtime: tfjs-node when installed, else the wasm backend
 * (XNNPACK kernels, one thread in Node). Runs the same ONNX graph the other runtimes get.
 */
export async function createTfjsRuntime(profile: RuntimeProfile): Promise<Runtime> {
  const requested = profile.options?.['backend'];
  const backend = chooseTfjsBackend(undefined, requested === 'wasm' || requested === 'tensorflow' ? requested : undefined);
  const tf = await loadTf(backend);
  return {
    provenance: { runtime: 'tfjs', version: tf.version.tfjs, backend, threads: backend === 'wasm' ? 1 : profile.threads },
    fusedActivations: new Set(profile.fusedActivations ?? XNNPACK_FUSED),
    load: (onnx) => Promise.resolve(new TfjsModel(tf, new TfjsOnnxProgram(tf, onnx))),
  };
}
