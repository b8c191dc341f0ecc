/**
 * Activation patterns in an ONNX graph, as exporters lower them: Sigmoid+Mul (SiLU), HardSwish or
 * HardSigmoid+Mul (Hardswish), Relu, Clip(0, 6) (ReLU6), LeakyRelu, Gelu or Div+Erf+Add+Mul+Mul,
 * Mish or Softplus+Tanh+Mul, HardSigmoid. What looks like an activation but is not one becomes a warning.
 */
import type { ActivationKind } from '../activations/index.js';
import { GELU, HardSigmoid, Hardswish, Mish, ReLU, ReLU6, SiLU, leakyReLU } from '../activations/index.js';
import type { OnnxGraphIndex } from './onnx-graph-index.js';
import type { OnnxNode } from './onnx-proto.js';
import { attributeFloat, attributeString, getAttribute } from './onnx-proto.js';

/** An activation found in the graph, before it gets a name. */
export interface SiteMatch {
  readonly kind: ActivationKind;
  /** Indices into graph.node, ascending. */
  readonly nodeIndices: readonly number[];
  readonly preact: string;
  readonly output: string;
}

export type ImportWarningCode =
  | 'SIGMOID_NOT_SILU'
  | 'SIGMOID_GATE'
  | 'SHARED_INTERMEDIATE'
  | 'HARDSIGMOID_PARAMS'
  | 'CLIP_NON_CONSTANT'
  | 'CLIP_RANGE'
  | 'LEAKYRELU_ALPHA'
  | 'GELU_APPROXIMATE'
  | 'METADATA_INVALID'
  | 'METADATA_MISMATCH'
  | 'DUPLICATE_SITE_NAME'
  | 'SITES_UNNAMED'
  | 'SITES_UNSHAPED';

/** Something the importer saw but could not use as a site. */
export interface ImportWarning {
  readonly code: ImportWarningCode;
  readonly message: string;
  /** Names (or `#index` when unnamed) of the nodes concerned. */
  readonly nodes: readonly string[];
}

export interface PatternResult {
  readonly matches: readonly SiteMatch[];
  readonly warnings: readonly ImportWarning[];
}

type Outcome = SiteMatch | ImportWarning | undefined;
type Matcher = (g: OnnxGraphIndex, k: number) => Outcome;

const HARDSWISH_ALPHA = 1 / 6;
const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

export function nodeLabel(g: OnnxGraphIndex, k: number): string {
  return g.node(k).name || `#${k}`;
}

const isDefaultDomain = (node: OnnxNode): boolean => !node.domain || node.domain === 'ai.onnx';
const in0 = (node: OnnxNode): string => node.input?.[0] ?? '';
const out0 = (node: OnnxNode): string => node.output?.[0] ?? '';

function site(kind: ActivationKind, nodeIndices: readonly number[], preact: string, output: string): SiteMatch {
  return { kind, nodeIndices: [...nodeIndices].sort((a, b) => a - b), preact, output };
}

function warn(g: OnnxGraphIndex, code: ImportWarningCode, nodes: readonly number[], message: string): ImportWarning {
  return { code, message, nodes: nodes.map((k) => nodeLabel(g, k)) };
}

/** The Mul consuming `gate` whose other input is `x`, if any. */
function gatingMul(g: OnnxGraphIndex, gate: string, x: string): number | undefined {
  return g.consumers(gate).find((m) => {
    const node = g.node(m);
    const ins = node.input ?? [];
    return node.opType === 'Mul' && isDefaultDomain(node) && ins.length === 2 && ((ins[0] === x && ins[1] === gate) || (ins[0] === gate && ins[1] === x));
  });
}

/** An intermediate tensor must feed only the next node of the pattern, or a rewrite would break others. */
function privateTensor(g: OnnxGraphIndex, tensor: string): boolean {
  return g.consumers(tensor).length === 1 && !g.isGraphOutput(tensor);
}

/** `x * f(x)` where `f` is node k: Sigmoid (SiLU) or HardSigmoid (Hardswish). */
function gated(g: OnnxGraphIndex, k: number, kind: ActivationKind, what: string): Outcome {
  const node = g.node(k);
  const x = in0(node);
  const gate = out0(node);
  const m = gatingMul(g, gate, x);
  if (m === undefined) return undefined;
  if (!privateTensor(g, gate)) {
    return warn(g, 'SHARED_INTERMEDIATE', [k, m], `${what} output "${gate}" is also used outside x * ${what}(x): not rewritable as one site`);
  }
  return site(kind, [k, m], x, out0(g.node(m)));
}

const sigmoid: Matcher = (g, k) => {
  const found = gated(g, k, SiLU, 'Sigmoid');
  if (found) return found;
  const muls = g.consumers(out0(g.node(k))).filter((m) => g.node(m).opType === 'Mul');
  if (muls.length > 0) {
    return warn(g, 'SIGMOID_GATE', [k, ...muls], 'Sigmoid output is multiplied by another tensor than its input (a gate, not SiLU)');
  }
  return warn(g, 'SIGMOID_NOT_SILU', [k], 'Sigmoid is not multiplied by its input: not an activation site');
};

const hardSigmoid: Matcher = (g, k) => {
  const node = g.node(k);
  const alpha = attributeFloat(node, 'alpha', 0.2);
  const beta = attributeFloat(node, 'beta', 0.5);
  if (!near(alpha, HARDSWISH_ALPHA) || !near(beta, 0.5)) {
    return warn(g, 'HARDSIGMOID_PARAMS', [k], `HardSigmoid(alpha=${alpha}, beta=${beta}) is neither Hardsigmoid nor part of Hardswish`);
  }
  return gated(g, k, Hardswish, 'HardSigmoid') ?? site(HardSigmoid, [k], in0(node), out0(node));
};

const unary = (kind: ActivationKind): Matcher => (g, k) => site(kind, [k], in0(g.node(k)), out0(g.node(k)));

const leakyRelu: Matcher = (g, k) => {
  const node = g.node(k);
  // The attribute is float32: 0.1 arrives as 0.10000000149011612.
  const alpha = Number(attributeFloat(node, 'alpha', 0.01).toPrecision(7));
  try {
    return site(leakyReLU(alpha), [k], in0(node), out0(node));
  } catch {
    return warn(g, 'LEAKYRELU_ALPHA', [k], `LeakyRelu alpha ${alpha} is outside [0, 1)`);
  }
};

const gelu: Matcher = (g, k) => {
  const node = g.node(k);
  const approximate = attributeString(node, 'approximate') ?? 'none';
  if (approximate !== 'none') return warn(g, 'GELU_APPROXIMATE', [k], `Gelu(approximate="${approximate}") is not the exact GELU`);
  return site(GELU, [k], in0(node), out0(node));
};

/** Softplus → Tanh → Mul(x, ·): Mish as exporters lower it before opset 18. */
const softplus: Matcher = (g, k) => {
  const node = g.node(k);
  const x = in0(node);
  const sp = out0(node);
  const [t] = g.consumers(sp);
  if (t === undefined || g.node(t).opType !== 'Tanh' || !privateTensor(g, sp)) return undefined;
  const tanhOut = out0(g.node(t));
  const m = gatingMul(g, tanhOut, x);
  if (m === undefined || !privateTensor(g, tanhOut)) return undefined;
  return site(Mish, [k, t, m], x, out0(g.node(m)));
};

/** A bound's value, and the Constant node producing it when only this Clip uses that node. */
/** The one consumer of `tensor` if it is a private `opType` node, else undefined. */
function soleConsumer(g: OnnxGraphIndex, tensor: string, opType: string): number | undefined {
  const [k] = g.consumers(tensor);
  return k !== undefined && privateTensor(g, tensor) && g.node(k).opType === opType ? k : undefined;
}

/** For a binary node reading `tensor` and a scalar constant ≈ `value`: the Constant node if private, or -1. */
function scalarOperand(g: OnnxGraphIndex, k: number, tensor: string, value: number): number | undefined {
  const other = (g.node(k).input ?? []).find((t) => t !== tensor);
  const values = other === undefined ? undefined : g.constantValues(other);
  if (!values || values.length !== 1 || !near(values[0]!, value)) return undefined;
  const producer = g.producer(other!);
  return producer !== undefined && privateTensor(g, other!) ? producer : -1;
}

/** x / √2 → Erf → + 1 → x · → · 0.5: exact GELU as exporters lower it before opset 20. */
const erfGelu: Matcher = (g, k) => {
  const divIndex = g.producer(in0(g.node(k)));
  const div = divIndex === undefined ? undefined : g.node(divIndex);
  if (divIndex === undefined || div?.opType !== 'Div' || !privateTensor(g, out0(div))) return undefined;
  const x = in0(div);
  const scale = div.input?.[1] === x ? undefined : scalarOperand(g, divIndex, x, Math.SQRT2);
  const add = soleConsumer(g, out0(g.node(k)), 'Add');
  const one = add === undefined ? undefined : scalarOperand(g, add, out0(g.node(k)), 1);
  const gate = add === undefined ? undefined : gatingMul(g, out0(g.node(add)), x);
  const half = gate === undefined || !privateTensor(g, out0(g.node(add!))) ? undefined : soleConsumer(g, out0(g.node(gate)), 'Mul');
  const halfConst = half === undefined ? undefined : scalarOperand(g, half, out0(g.node(gate!)), 0.5);
  if (scale === undefined || one === undefined || halfConst === undefined) return undefined;
  const constants = [scale, one, halfConst].filter((c) => c >= 0);
  return site(GELU, [...constants, divIndex, k, add!, gate!, half!], x, out0(g.node(half!)));
};

type Bound = { readonly value: number; readonly constantNode?: number } | 'non-constant';

/** A Clip bound from its attribute (opset < 11) or its constant input (opset ≥ 11). */
function clipBound(g: OnnxGraphIndex, k: number, which: 'min' | 'max'): Bound {
  const node = g.node(k);
  const unbounded = which === 'min' ? -Infinity : Infinity;
  if (getAttribute(node, which)) return { value: attributeFloat(node, which, unbounded) };
  const name = node.input?.[which === 'min' ? 1 : 2] ?? '';
  if (!name) return { value: unbounded };
  const values = g.constantValues(name);
  if (!values || values.length !== 1) return 'non-constant';
  const producer = g.producer(name);
  const own = producer !== undefined && privateTensor(g, name);
  return own ? { value: values[0]!, constantNode: producer } : { value: values[0]! };
}

const clip: Matcher = (g, k) => {
  const lo = clipBound(g, k, 'min');
  const hi = clipBound(g, k, 'max');
  if (lo === 'non-constant' || hi === 'non-constant') {
    return warn(g, 'CLIP_NON_CONSTANT', [k], 'Clip bounds are not constants: cannot tell which activation it is');
  }
  if (lo.value !== 0 || hi.value !== 6) {
    return warn(g, 'CLIP_RANGE', [k], `Clip(${lo.value}, ${hi.value}) is not ReLU6 (Clip 0..6)`);
  }
  const constants = [lo, hi].flatMap((b) => (b.constantNode !== undefined ? [b.constantNode] : []));
  const node = g.node(k);
  return site(ReLU6, [...new Set([...constants, k])], in0(node), out0(node));
};

const MATCHERS: Readonly<Record<string, Matcher>> = {
  Sigmoid: sigmoid,
  HardSigmoid: hardSigmoid,
  HardSwish: unary(Hardswish),
  Relu: unary(ReLU),
  LeakyRelu: leakyRelu,
  Clip: clip,
  Gelu: gelu,
  Mish: unary(Mish),
  Softplus: softplus,
  Erf: erfGelu,
};

/** Finds activation sites in graph order (by each site's first node). */
export function matchActivationSites(g: OnnxGraphIndex): PatternResult {
  const claimed = new Set<number>();
  const matches: SiteMatch[] = [];
  const warnings: ImportWarning[] = [];
  g.nodes.forEach((node, k) => {
    const matcher = isDefaultDomain(node) ? MATCHERS[node.opType ?? ''] : undefined;
    if (!matcher || claimed.has(k)) return;
    const outcome = matcher(g, k);
    if (!outcome) return;
    if ('code' in outcome) {
      warnings.push(outcome);
      return;
    }
    if (outcome.nodeIndices.some((n) => claimed.has(n))) return;
    outcome.nodeIndices.forEach((n) => claimed.add(n));
    matches.push(outcome);
  });
  matches.sort((a, b) => a.nodeIndices[0]! - b.nodeIndices[0]!);
  return { matches, warnings };
}
