export { buildOnnxModel, emitOnnx, EmitOnnxError, MAX_EMIT_OPSET, MIN_EMIT_OPSET, ONNX_INPUT_NAME, ONNX_OUTPUT_NAME } from './onnx-emit.js';
export type { EmitOnnxOptions } from './onnx-emit.js';
export { MissingWeightsError } from './emit-ops.js';
