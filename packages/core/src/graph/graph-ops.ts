import type { GraphOp, ModuleLayout, TensorRef } from './graph.types.js';

export const MODULE_LAYOUTS: readonly ModuleLayout[] = Object.freeze(['8.4', 'pre-8.4']);

/** The output tensors of an op (split and attention have several). */
export function opOutputs(op: GraphOp): readonly TensorRef[] {
  return op.kind === 'split' || op.kind === 'attention' ? op.outputs : [op.output];
}
