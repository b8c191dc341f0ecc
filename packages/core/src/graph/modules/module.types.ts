import type { GraphContext } from '../graph-context.js';
import type { LayerSpec, ModelSpec, TensorRef, YamlArg } from '../graph.types.js';
import type { Scope } from '../graph-scope.js';

export interface LayerInput {
  readonly ctx: GraphContext;
  readonly spec: ModelSpec;
  readonly layer: LayerSpec;
  readonly scope: Scope;
  readonly inputs: readonly TensorRef[];
  /** For each input, all parts when its layer returns a list (CBLinear). */
  readonly lists: readonly (readonly TensorRef[] | undefined)[];
  /** Repeats after the depth multiple. */
  readonly n: number;
  readonly nc: number;
  readonly imgsz: number;
  /**
   * Ultralytics' `legacy` flag for the head: true unless an earlier layer is C3k2, A2C2f or
   * C2fCIB (YOLO11, 12, 26, v10), whose Detect class branch uses depthwise convs.
   */
  readonly legacy: boolean;
}

export interface LayerResult {
  readonly output: TensorRef;
  /** Constructor arguments as Ultralytics' summary prints them (`[c1, c2, ...]`). */
  readonly args: readonly YamlArg[];
  /** Every part when the layer returns a list (CBLinear); `output` is the first. */
  readonly list?: readonly TensorRef[];
  /** Further graph outputs of a head (Segment's mask prototypes, `output1`). */
  readonly extraOutputs?: readonly TensorRef[];
}

export type ModuleBuilder = (input: LayerInput) => LayerResult;
