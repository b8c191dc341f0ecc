export * from './onnx-proto.js';
export * from './onnx-sites-metadata.js';
export type { ImportWarning, ImportWarningCode } from './onnx-site-patterns.js';
export type { Dim, Shape } from './onnx-shape-inference.js';
export { modulePathFromScope, siteNameFromNodeName } from './onnx-site-names.js';
export type { ImportOnnxOptions, ImportedModel, OnnxSite, OnnxTensorInfo, SiteNameSource } from './onnx-import.js';
export { importOnnx, siteRecords } from './onnx-import.js';
