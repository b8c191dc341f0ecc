export * from './onnx-proto.js';
