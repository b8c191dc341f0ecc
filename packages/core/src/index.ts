/**
 * @actnas/core — the public API. Pure TypeScript, no I/O.
 */
export * from './activations/index.js';
