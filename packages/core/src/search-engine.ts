/**
 * @actnas/core/search — the search engine alone: activations, search space, cost tables and
 * strategies, without ONNX, YAML or the graph builder, so a process that only searches (the
 * `actnas search` command) loads a fraction of the package.
 */
export * from './activations/index.js';
export * from './search-space/index.js';
export * from './cost-table/index.js';
export * from './search/index.js';
