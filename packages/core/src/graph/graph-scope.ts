/**
 * Module scopes: the Ultralytics module path (`model.22.cv2.0.0`) and the scope segments
 * torch.onnx.export puts in node names (`/model.22/cv2.0/cv2.0.0/...`). torch names a submodule
 * relative to its nearest non-container ancestor, and a ModuleList is never called, so it adds
 * no segment of its own.
 */
export interface Scope {
  readonly module: string;
  readonly segs: readonly string[];
  readonly rel: string;
  readonly container: boolean;
}

export type ScopeKind = 'module' | 'sequential' | 'modulelist';

export const ROOT_SCOPE: Scope = Object.freeze({ module: '', segs: [], rel: '', container: false });

/** The scope of `model.<index>`. */
export function layerScope(index: number, kind: ScopeKind = 'module'): Scope {
  return subScope(subScope(ROOT_SCOPE, 'model', 'modulelist'), String(index), kind);
}

export function subScope(parent: Scope, attr: string, kind: ScopeKind = 'module'): Scope {
  const rel = parent.container ? `${parent.rel}.${attr}` : attr;
  return Object.freeze({
    module: parent.module ? `${parent.module}.${attr}` : attr,
    segs: kind === 'modulelist' ? parent.segs : Object.freeze([...parent.segs, rel]),
    rel,
    container: kind !== 'module',
  });
}

/** A repeated call of the same module (SPPF's max-pool): torch suffixes the scope `_1`, `_2`. */
export function repeatedCall(scope: Scope, call: number): Scope {
  if (call === 0) return scope;
  const segs = [...scope.segs];
  segs[segs.length - 1] = `${segs[segs.length - 1]}_${call}`;
  return Object.freeze({ ...scope, segs: Object.freeze(segs) });
}
