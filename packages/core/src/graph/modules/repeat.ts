import type { TensorRef } from '../graph.types.js';
import type { Scope } from '../graph-scope.js';
import { subScope } from '../graph-scope.js';
import type { LayerInput } from './module.types.js';

/**
 * Ultralytics wraps a module repeated n > 1 times (other than C3/C2f, which take n inside) in
 * an `nn.Sequential`, so its children are `model.<i>.0`, `model.<i>.1`, ...
 */
export function repeatModule(input: LayerInput, x: TensorRef, one: (scope: Scope, x: TensorRef) => TensorRef): TensorRef {
  if (input.n === 1) return one(input.scope, x);
  const seq: Scope = { ...input.scope, container: true };
  let y = x;
  for (let j = 0; j < input.n; j++) y = one(subScope(seq, String(j)), y);
  return y;
}
