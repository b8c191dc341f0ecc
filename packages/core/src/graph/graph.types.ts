/**
 * The graph IR: a model spec (what the YAML says) and a built graph (ops in forward order with
 * shapes, parameters and FLOPs). Everything is readonly data; weights live outside the graph,
 * keyed by convolution module path, so they can come from a seed or from an uploaded ONNX.
 */
import type { ActivationKind } from '../activations/index.js';

/** One `[from, repeats, module, args]` row of an Ultralytics YAML, already validated. */
export interface LayerSpec {
  readonly index: number;
  readonly from: number | readonly number[];
  readonly repeats: number;
  readonly module: string;
  readonly args: readonly YamlArg[];
  /** `backbone` or `head`, for error messages and the YAML writer. */
  readonly section: 'backbone' | 'head';
}

export type YamlArg = number | string | boolean | null | readonly YamlArg[];

export interface ModelSpec {
  readonly name: string;
  readonly nc: number;
  readonly depthMultiple: number;
  readonly widthMultiple: number;
  readonly maxChannels: number;
  /** The YAML's `scales` table, kept for the writer; the chosen scale is folded into the multiples. */
  readonly scale?: string;
  /** Top-level `activation:` (e.g. `nn.ReLU()`), default SiLU. */
  readonly activation: ActivationKind;
  /** Classic YOLOv5 anchors (pixels, per level `[w0, h0, w1, h1, ...]`), when the YAML has them. */
  readonly anchors?: readonly (readonly number[])[];
  /**
   * Per-site activations beyond the top-level one (`actnas_activations:` in YAML this project
   * writes: site path → torch module), so a written YAML builds back to the same assignment.
   */
  readonly siteActivations?: ReadonlyMap<string, ActivationKind>;
  readonly layers: readonly LayerSpec[];
}

/** Activation per site name; sites not listed keep the spec's activation. */
export type ActivationAssignment = ReadonlyMap<string, ActivationKind> | Readonly<Record<string, ActivationKind>>;

/** Shape of one image's tensor (batch excluded): `[C, H, W]` for feature maps. */
export type TensorShape = readonly number[];

export interface TensorRef {
  readonly id: number;
  readonly shape: TensorShape;
}

interface OpBase {
  /** Ultralytics module path of the module the op belongs to, e.g. `model.2.m.0.cv1`. */
  readonly module: string;
  /** torch.onnx.export scope segments, e.g. `['model.2', 'm.0', 'cv1']`. */
  readonly scope: readonly string[];
  /** Top-level layer index (`model.<layer>`). */
  readonly layer: number;
  readonly inputs: readonly number[];
  readonly output: TensorRef;
}

/**
 * A convolution. `bn` marks an Ultralytics `Conv` (conv without bias + BatchNorm + activation
 * site); otherwise it is a plain `nn.Conv2d` with bias and no activation (head outputs, DFL).
 */
export interface ConvOp extends OpBase {
  readonly kind: 'conv';
  readonly cin: number;
  readonly cout: number;
  readonly k: number;
  readonly s: number;
  readonly p: number;
  readonly g: number;
  readonly d: number;
  readonly bias: boolean;
  readonly bn: boolean;
  /** PyTorch path of the `nn.Conv2d` (`model.2.cv1.conv`, `model.22.cv2.0.2`): the weights key. */
  readonly convName: string;
  /** Activation site name (`<module>.act`), present on every `Conv` with an activation. */
  readonly site?: string;
  /** Activation the spec gives this site (YAML `act` argument or top-level `activation:`). */
  readonly defaultActivation?: ActivationKind;
}
export interface AddOp extends OpBase { readonly kind: 'add' }
export interface ConcatOp extends OpBase { readonly kind: 'concat' }
export interface SplitOp extends OpBase {
  readonly kind: 'split';
  readonly sizes: readonly number[];
  /** One per split part; `output` is the first. */
  readonly outputs: readonly TensorRef[];
}
export interface MaxPoolOp extends OpBase { readonly kind: 'maxpool'; readonly k: number; readonly s: number; readonly p: number }
export interface UpsampleOp extends OpBase { readonly kind: 'upsample'; readonly scale: number; readonly mode: 'nearest' }

/** YOLOv8 anchor-free decode: DFL, dist2bbox × stride, class sigmoid; output `[4 + nc, A]`. */
export interface DetectV8Op extends OpBase {
  readonly kind: 'detect-v8';
  readonly nc: number;
  readonly regMax: number;
  readonly strides: readonly number[];
  /** `[H, W]` per level. */
  readonly grids: readonly (readonly [number, number])[];
}
/** Classic YOLOv5 anchor decode; output `[na × Σ H·W, 5 + nc]`. */
export interface DetectV5Op extends OpBase {
  readonly kind: 'detect-v5';
  readonly nc: number;
  readonly anchors: readonly (readonly number[])[];
  readonly strides: readonly number[];
  readonly grids: readonly (readonly [number, number])[];
}

export type GraphOp = ConvOp | AddOp | ConcatOp | SplitOp | MaxPoolOp | UpsampleOp | DetectV8Op | DetectV5Op;

/** One activation site: a `Conv`'s activation, in forward order. */
export interface SiteInfo {
  /** Ultralytics module path, e.g. `model.2.m.0.cv1.act`. */
  readonly name: string;
  /** Position in forward order. */
  readonly index: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  /** The `nn.Conv2d` feeding it (its weights key), e.g. `model.2.m.0.cv1.conv`. */
  readonly convName: string;
  readonly layer: number;
  readonly defaultActivation: ActivationKind;
}

export interface GraphLayer {
  readonly index: number;
  readonly from: number | readonly number[];
  /** Repeats after the depth multiple. */
  readonly repeats: number;
  readonly module: string;
  /** Constructor arguments after width scaling, as Ultralytics' summary prints them. */
  readonly args: readonly YamlArg[];
  readonly params: number;
  /** FLOPs (2 × multiply-accumulates) of the layer. */
  readonly flops: number;
  readonly sites: readonly string[];
  readonly output: TensorShape;
}

export interface ModelGraph {
  readonly spec: ModelSpec;
  readonly imgsz: number;
  readonly nc: number;
  readonly input: TensorRef;
  readonly output: TensorRef;
  readonly ops: readonly GraphOp[];
  readonly layers: readonly GraphLayer[];
  readonly sites: readonly SiteInfo[];
  /** Trainable parameters counted as Ultralytics' `model.info()` does (BatchNorm γ, β included). */
  readonly params: number;
  /**
   * Parameters after BatchNorm folding (what the emitted ONNX holds). Ultralytics' docs tables
   * round this one: yolov5su 9.1M, yolov8s 11.2M.
   */
  readonly fusedParams: number;
  /** FLOPs of the fused model (conv MACs × 2, BN folded), as Ultralytics reports GFLOPs. */
  readonly flops: number;
}

/** Batch-norm statistics of one Conv. */
export interface BatchNormStats {
  readonly gamma: Float32Array;
  readonly beta: Float32Array;
  readonly mean: Float32Array;
  readonly variance: Float32Array;
  readonly eps: number;
}

/** Weights of one convolution: `[cout, cin/g, k, k]` row-major, optional bias, optional BN to fold. */
export interface ConvWeights {
  readonly weight: Float32Array;
  readonly bias?: Float32Array;
  readonly bn?: BatchNormStats;
}

/** Weights by convolution module path (`model.2.cv1`, `model.22.cv2.0.2`, `model.22.dfl`). */
export type ModelWeights = ReadonlyMap<string, ConvWeights>;
