/**
 * Shape inference for exported CNN graphs, so that activation sites get their feature-map shapes
 * even when the file carries no value_info. Besides shapes it evaluates the small integer tensors
 * that exporters compute shapes with (Shape → Gather → Div → Concat → Reshape, Slice bounds,
 * ConstantOfShape, Range), with symbolic dims such as a dynamic `batch` carried through.
 * Unknown ops leave their outputs unknown; a dim the file declares as a number always wins.
 */
import type { OnnxGraphIndex } from './onnx-graph-index.js';
import { valueInfoShape } from './onnx-proto.js';
import type { Dim, Shape } from './onnx-symbolic-dim.js';
import { isKnown } from './onnx-symbolic-dim.js';
import { INFER_RULES } from './onnx-shape-rules.js';
import type { TensorFacts } from './onnx-tensor-facts.js';
import { tensorFacts } from './onnx-tensor-facts.js';

export type { Dim, Shape } from './onnx-symbolic-dim.js';

export interface InferShapesOptions {
  /** Shapes to use for graph inputs instead of the declared ones (dynamic dims bound to sizes). */
  readonly inputShapes?: ReadonlyMap<string, Shape>;
  /** The model's ai.onnx opset (default 17): a few ops read their arguments differently before 10/11. */
  readonly opset?: number;
}

/** Shapes of every tensor it can work out. */
export function inferShapes(g: OnnxGraphIndex, options: InferShapesOptions = {}): ReadonlyMap<string, Shape> {
  const facts = inferTensorFacts(g, options);
  const shapes = new Map<string, Shape>();
  for (const [name, f] of facts) if (f.shape) shapes.set(name, f.shape);
  return shapes;
}

/** Shapes, element types and (for small tensors) values of every tensor it can work out. */
export function inferTensorFacts(g: OnnxGraphIndex, options: InferShapesOptions = {}): ReadonlyMap<string, TensorFacts> {
  const facts = new Map<string, TensorFacts>();
  const declared = declaredShapes(g);
  const opset = options.opset ?? 17;
  for (const t of g.graph.initializer ?? []) facts.set(t.name ?? '', tensorFacts(t));
  for (const v of g.graph.input ?? []) {
    const name = v.name ?? '';
    if (facts.has(name)) continue;
    const shape = options.inputShapes?.get(name) ?? declared.get(name);
    const elem = v.type?.tensorType?.elemType ?? undefined;
    facts.set(name, { ...(shape ? { shape } : {}), ...(elem ? { elem } : {}) });
  }
  for (const node of g.nodes) {
    const ins = (node.input ?? []).map((name) => (name ? facts.get(name) : undefined) ?? NOTHING);
    const rule = !node.domain || node.domain === 'ai.onnx' ? INFER_RULES[node.opType ?? ''] : undefined;
    let outs: readonly TensorFacts[] = [];
    if (rule) {
      try {
        outs = rule(node, ins, opset);
      } catch {
        outs = []; // a malformed node leaves its outputs unknown rather than failing the import
      }
    }
    (node.output ?? []).forEach((name, k) => {
      if (!name) return;
      const inferred = outs[k] ?? NOTHING;
      const shape = mergeShapes(declared.get(name), inferred.shape);
      facts.set(name, { ...inferred, ...(shape ? { shape } : {}) });
    });
  }
  return facts;
}

const NOTHING: TensorFacts = {};

function declaredShapes(g: OnnxGraphIndex): Map<string, Shape> {
  const declared = new Map<string, Shape>();
  for (const v of [...(g.graph.input ?? []), ...(g.graph.valueInfo ?? []), ...(g.graph.output ?? [])]) {
    const shape = valueInfoShape(v);
    if (shape) declared.set(v.name ?? '', shape);
  }
  return declared;
}

/**
 * Declared and inferred shapes together: a declared number wins, then an inferred dim, then a
 * declared symbol (exporters name output dims after nodes, `Concatoutput0_dim_1`, where the
 * inference knows the number).
 */
function mergeShapes(declared: Shape | undefined, inferred: Shape | undefined): Shape | undefined {
  if (!declared) return inferred;
  if (!inferred || inferred.length !== declared.length) return declared;
  return declared.map((d, i): Dim => (typeof d === 'number' ? d : isKnown(inferred[i]) ? inferred[i] : d));
}
