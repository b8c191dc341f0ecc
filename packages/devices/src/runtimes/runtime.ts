import type { ActivationFamily } from '@actnas/core';
import type { TimedRun } from '../latency/paired-protocol.js';

/** A dense float32 tensor in row-major order. */
export interface TensorData {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export type Feeds = Readonly<Record<string, TensorData>>;

/**
 * What a device profile says about its runtime. Extra keys are for custom runtimes (an NPU
 * vendor's compiler flags); built-in runtimes ignore what they do not know.
 */
export interface RuntimeProfile {
  /** Runtime id: `ort`, `tfjs`, or one registered with `registerRuntime`. */
  readonly runtime: string;
  readonly threads: number;
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  readonly executionMode?: 'sequential' | 'parallel';
  /** Overrides the runtime's own fusion rules (the families it fuses into a preceding conv). */
  readonly fusedActivations?: readonly ActivationFamily[];
  readonly options?: Readonly<Record<string, string | number | boolean>>;
}

/** Who measured: goes into every table's provenance. */
export interface RuntimeProvenance {
  readonly runtime: string;
  readonly version: string;
  /** e.g. `cpu` for ORT, `wasm` or `tensorflow` (tfjs-node) for tfjs. */
  readonly backend: string;
  readonly threads: number;
  readonly graphOptimizationLevel?: string;
  readonly executionMode?: string;
}

/** A model loaded into a runtime, ready to run. */
export interface LoadedModel {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model; `outputs` restricts what is fetched (defaults to every graph output). */
  run(feeds: Feeds, outputs?: readonly string[]): Promise<Readonly<Record<string, TensorData>>>;
  /** A timer over one run with `feeds` bound once, so input conversion is not timed. */
  timer(feeds: Feeds): TimedRun;
  dispose(): Promise<void>;
}

/**
 * A runtime: loads ONNX models and says which activation families its compiler fuses into a
 * preceding convolution. Implement this (and register a factory) to profile a new device.
 */
export interface Runtime {
  readonly provenance: RuntimeProvenance;
  readonly fusedActivations: ReadonlySet<ActivationFamily>;
  load(onnx: Uint8Array): Promise<LoadedModel>;
}

export type RuntimeFactory = (profile: RuntimeProfile) => Promise<Runtime>;

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
