/**
 * @actnas/core — the public API. Pure TypeScript, no I/O.
 */
export * from './activations/index.js';
export * from './onnx/index.js';
export * from './search-space/index.js';
export * from './cost-table/index.js';
export * from './graph/index.js';
export * from './search/index.js';
export * from './onnx/emit/index.js';
