export type {
  ActivationAssignment, AddOp, AttentionOp, AvgPoolOp, BatchNormStats, ConcatOp, ConvOp, ConvTransposeOp, ConvWeights, DetectExtra,
  DetectOp, DetectV5Op, GraphLayer, GraphOp, IdentityOp, LayerSpec, MaxPoolOp, ModelGraph, ModelSpec, ModelTask, ModelWeights,
  ModuleLayout, PadOp, ResizeOp, ScaledAddOp, SiteInfo, SplitOp, SumOp, TensorRef, TensorShape, UpsampleOp, YamlArg,
} from './graph.types.js';
export { MODULE_LAYOUTS, opOutputs } from './graph-ops.js';
export { ModelSpecError, UnsupportedTaskError } from './model-spec.error.js';
export { guessModelScale, LAYOUT_KEY, parseModelYaml, SITE_ACTIVATIONS_KEY } from './yaml-spec.parser.js';
export { SUPPORTED_MODULES } from './modules/module-registry.js';
export type { ParseModelYamlOptions } from './yaml-spec.parser.js';
export {
  BUILTIN_MODEL_NAMES, BUILTIN_MODEL_SPECS, builtinModelSpec, isBuiltinModel,
  YOLO11_YAML, YOLO12_YAML, YOLO26_YAML, YOLOV10N_YAML, YOLOV5N_CLASSIC_YAML, YOLOV5U_YAML, YOLOV8_YAML, YOLOV9T_YAML,
} from './builtin-specs.js';
export type { BuiltinModelOptions } from './builtin-specs.js';
export { buildGraph } from './graph.builder.js';
export type { BuildGraphOptions } from './graph.builder.js';
export { opFlops, opFusedParams, opParams } from './graph-metrics.js';
export { ULTRALYTICS_BN_EPS, defaultBatchNorm, foldBatchNorm, initWeights } from './weights.init.js';
export type { InitWeightsOptions } from './weights.init.js';
export { AssignmentParseError, parseActivationAssignment } from './activation-assignment.js';
export { toUltralyticsYaml } from './ultralytics-yaml.writer.js';
