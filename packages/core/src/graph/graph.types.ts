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

/**
 * Which Ultralytics module layout a spec builds. `8.4` (the default) is the current one: SPPF.cv1
 * has no activation, and Detect runs every box branch (cv2.*) before every class branch (cv3.*).
 * `pre-8.4` is the layout of checkpoints trained before 8.4.0 (yolov8n.pt, yolo11n.pt, ...): SiLU
 * after SPPF.cv1, and Detect runs cv2.i then cv3.i level by level.
 */
export type ModuleLayout = '8.4' | 'pre-8.4';

/** What the model's last layer predicts; OBB, classification, RT-DETR and the rest are refused. */
export type ModelTask = 'detect' | 'segment' | 'pose';

export interface ModelSpec {
  readonly name: string;
  readonly nc: number;
  readonly depthMultiple: number;
  readonly widthMultiple: number;
  readonly maxChannels: number;
  /** Key of the YAML's `scales` table the multiples come from; absent when the YAML has none. */
  readonly scale?: string;
  /**
   * The scale string Ultralytics' parse_model compares against (`scale in "mlx"` for C3k2, `"lx"`
   * for A2C2f): the chosen scales key, else the letter guessed from the file name, else "".
   */
  readonly scaleLetter: string;
  /** Top-level `end2end:` (YOLO26): Detect gets the one-to-one branch and NMS-free output. */
  readonly endToEnd: boolean;
  /** Top-level `reg_max:` (DFL bins, 16 by default; 1 in YOLO26: no DFL). */
  readonly regMax: number;
  /** Top-level `kpt_shape:` of pose models, `[keypoints, dims]`. */
  readonly kptShape?: readonly [number, number];
  readonly task: ModelTask;
  readonly layout: ModuleLayout;
  /** Things the parser did on the user's behalf (e.g. which scale it assumed). */
  readonly warnings: readonly string[];
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
  /**
   * A parallel conv + BatchNorm on the same input, summed before the activation (RepConv's 1×1,
   * RepVGGDW's 3×3 depthwise). Deployed, it folds into this conv's kernel (zero-padded to k×k),
   * as Ultralytics' fuse() does; its weights are `ConvWeights.branch`.
   */
  readonly branch?: { readonly k: number; readonly p: number; readonly convName: string };
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
/** `F.avg_pool2d(x, k, s, 0)` (AConv, ADown). */
export interface AvgPoolOp extends OpBase { readonly kind: 'avgpool'; readonly k: number; readonly s: number }
/** `nn.ZeroPad2d([left, right, top, bottom])`. */
export interface PadOp extends OpBase { readonly kind: 'pad'; readonly pads: readonly [number, number, number, number] }
/** Nearest upsampling by an integer factor (`nn.Upsample`) or to a size (`F.interpolate(size=...)`). */
export interface UpsampleOp extends OpBase { readonly kind: 'upsample'; readonly scale: number; readonly mode: 'nearest' }
export interface ResizeOp extends OpBase { readonly kind: 'resize'; readonly size: readonly [number, number] }
/** `nn.Identity` as a layer (YOLOv9e's input tap). */
export interface IdentityOp extends OpBase { readonly kind: 'identity' }
/** Sum of same-shaped tensors (CBFuse: `torch.stack(...).sum(0)`). */
export interface SumOp extends OpBase { readonly kind: 'sum' }
/** `nn.ConvTranspose2d(cin, cout, k, s, p, bias=True)` (YOLOv6 upsampling, segmentation Proto). */
export interface ConvTransposeOp extends OpBase {
  readonly kind: 'convtranspose';
  readonly cin: number;
  readonly cout: number;
  readonly k: number;
  readonly s: number;
  readonly p: number;
  readonly bias: boolean;
  /** PyTorch path of the module, the weights key (`model.11`, `model.22.proto.upsample`). */
  readonly convName: string;
}
/** `x + gamma.view(1, C, 1, 1) * y` (A2C2f residual with a learnable per-channel gamma). */
export interface ScaledAddOp extends OpBase { readonly kind: 'scaled-add'; readonly channels: number; readonly paramName: string }

/**
 * The tensor algebra of one attention block between its qkv conv and its pe / proj convs.
 * Inputs `[qkv]`; outputs `[x, v]` as feature maps: the attention result and v reshaped back
 * to `[C, H, W]` (the pe conv's input). `psa` is Ultralytics' `Attention` (key dim may be
 * smaller than the head dim); `area` is YOLO12's `AAttn` over `area` horizontal strips.
 */
export interface AttentionOp extends OpBase {
  readonly kind: 'attention';
  readonly variant: 'psa' | 'area';
  readonly heads: number;
  readonly keyDim: number;
  readonly headDim: number;
  readonly area: number;
  readonly outputs: readonly TensorRef[];
}

/** Extra per-anchor outputs of a Segment or Pose head. */
export type DetectExtra =
  | { readonly kind: 'mask'; readonly nm: number; readonly inputs: readonly number[] }
  | { readonly kind: 'keypoints'; readonly kptShape: readonly [number, number]; readonly variant: 'v8' | '26'; readonly inputs: readonly number[] };

/**
 * Anchor-free YOLO head (v8, v9, v10, 11, 12, 26; Segment and Pose too). Inputs are the per-level
 * box logits (`4·reg_max` channels), then the class logits, then the extra branch. Decode: DFL
 * (reg_max > 1), dist2bbox × stride (xywh; xyxy when end-to-end), class sigmoid, then the extra
 * rows (mask coefficients; keypoints decoded to pixels). Output `[4 + nc + extra, A]`, or for an
 * end-to-end head the top `maxDet` anchors as `[maxDet, 6 + extra]` (xyxy, score, class, extra).
 */
export interface DetectOp extends OpBase {
  readonly kind: 'detect';
  readonly nc: number;
  readonly regMax: number;
  readonly strides: readonly number[];
  /** `[H, W]` per level. */
  readonly grids: readonly (readonly [number, number])[];
  readonly boxes: readonly number[];
  readonly scores: readonly number[];
  readonly extra?: DetectExtra;
  readonly endToEnd: boolean;
  readonly maxDet: number;
  /** Module paths of the branches whose last conv the head bias init touches (`model.23.cv2`, ...). */
  readonly boxBranch: string;
  readonly clsBranch: string;
}
/** Classic YOLOv5 anchor decode; output `[na × Σ H·W, 5 + nc]`. */
export interface DetectV5Op extends OpBase {
  readonly kind: 'detect-v5';
  readonly nc: number;
  readonly anchors: readonly (readonly number[])[];
  readonly strides: readonly number[];
  readonly grids: readonly (readonly [number, number])[];
}

export type GraphOp =
  | ConvOp | ConvTransposeOp | AddOp | ScaledAddOp | SumOp | ConcatOp | SplitOp | MaxPoolOp | AvgPoolOp | PadOp | UpsampleOp
  | ResizeOp | IdentityOp | AttentionOp | DetectOp | DetectV5Op;

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
  /** All graph outputs: `output0` (= `output`), then `output1` (segmentation protos). */
  readonly outputs: readonly TensorRef[];
  readonly layers: readonly GraphLayer[];
  readonly sites: readonly SiteInfo[];
  /**
   * Parameters as Ultralytics' `model.info()` counts them (BatchNorm γ, β included), including
   * modules that only train: the one-to-many branch of an end-to-end head, Proto26's semantic
   * head, Pose26's sigma convs and flow model. `ops` holds only what runs deployed.
   */
  readonly params: number;
  /**
   * Parameters after BatchNorm folding (what the emitted ONNX holds). Ultralytics' docs tables
   * round this one: yolov5su 9.1M, yolov8s 11.2M.
   */
  readonly fusedParams: number;
  /** FLOPs of the fused model (conv MACs × 2, BN folded), as Ultralytics reports GFLOPs. */
  readonly flops: number;
  readonly task: ModelTask;
  readonly endToEnd: boolean;
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
  /** The parallel branch of a RepConv / RepVGGDW conv (`ConvOp.branch`), folded in at emit. */
  readonly branch?: { readonly weight: Float32Array; readonly bn: BatchNormStats };
}

/**
 * Weights by the PyTorch path of the conv (`model.2.cv1.conv`, `model.22.cv2.0.2`), and of other
 * parameter tensors (A2C2f's `model.6.gamma`, as `weight`).
 */
export type ModelWeights = ReadonlyMap<string, ConvWeights>;
