export type {
  ActivationAssignment, AddOp, BatchNormStats, ConcatOp, ConvOp, ConvWeights, DetectV5Op, DetectV8Op, GraphLayer, GraphOp, LayerSpec,
  MaxPoolOp, ModelGraph, ModelSpec, ModelWeights, SiteInfo, SplitOp, TensorRef, TensorShape, UpsampleOp, YamlArg,
} from './graph.types.js';
export { ModelSpecError } from './model-spec.error.js';
export { parseModelYaml, SITE_ACTIVATIONS_KEY, SUPPORTED_MODULES } from './yaml-spec.parser.js';
export type { ParseModelYamlOptions } from './yaml-spec.parser.js';
export {
  BUILTIN_MODEL_NAMES, BUILTIN_MODEL_SPECS, builtinModelSpec, isBuiltinModel,
  YOLOV5N_CLASSIC_YAML, YOLOV5U_YAML, YOLOV8_YAML,
} from './builtin-specs.js';
export { buildGraph } from './graph.builder.js';
export type { BuildGraphOptions } from './graph.builder.js';
export { opFlops, opFusedParams, opParams } from './graph-metrics.js';
export { ULTRALYTICS_BN_EPS, defaultBatchNorm, foldBatchNorm, initWeights } from './weights.init.js';
export type { InitWeightsOptions } from './weights.init.js';
export { AssignmentParseError, parseActivationAssignment } from './activation-assignment.js';
export { toUltralyticsYaml } from './ultralytics-yaml.writer.js';
