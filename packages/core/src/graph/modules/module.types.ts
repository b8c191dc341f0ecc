import type { GraphContext } from '../graph-context.js';
import type { LayerSpec, ModelSpec, TensorRef, YamlArg } from '../graph.types.js';
import type { Scope } from '../graph-scope.js';

export interface LayerInput {
  readonly ctx: GraphContext;
  readonly spec: ModelSpec;
  readonly layer: LayerSpec;
  readonly scope: Scope;
  readonly inputs: readonly TensorRef[];
  /** Repeats after the depth multiple. */
  readonly n: number;
  readonly nc: number;
  readonly imgsz: number;
}

export interface LayerResult {
  readonly output: TensorRef;
  /** Constructor arguments as Ultralytics' summary prints them (`[c1, c2, ...]`). */
  readonly args: readonly YamlArg[];
}

export type ModuleBuilder = (input: LayerInput) => LayerResult;
