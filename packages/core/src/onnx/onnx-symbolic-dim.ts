/**
 * Arithmetic on tensor dimensions that may be symbolic. A symbolic dimension is a monomial: an
 * integer coefficient times named symbols, written `batch`, `2*batch` or `batch*height`. That is
 * all shape subgraphs of exported CNNs need (a dynamic batch multiplied, divided and cancelled
 * out again by a Reshape's -1); anything else (a sum of two symbols) becomes unknown.
 */

/** A dimension: a number, a symbolic monomial (`batch`, `2*batch`), or undefined when unknown. */
export type Dim = number | string | undefined;
export type Shape = readonly Dim[];

interface Monomial {
  readonly coef: number;
  /** Symbol names, sorted; repeated for powers. */
  readonly syms: readonly string[];
}

function toMonomial(d: number | string): Monomial {
  if (typeof d === 'number') return { coef: d, syms: [] };
  let coef = 1;
  const syms: string[] = [];
  for (const part of d.split('*')) {
    const n = Number(part);
    if (part !== '' && Number.isFinite(n)) coef *= n;
    else syms.push(part);
  }
  return { coef, syms: syms.sort() };
}

function fromMonomial(m: Monomial): number | string {
  if (m.syms.length === 0 || m.coef === 0) return m.coef;
  return m.coef === 1 ? m.syms.join('*') : `${m.coef}*${m.syms.join('*')}`;
}

/** Symbols of `a` left after removing those of `b`, or undefined when `b` has one `a` lacks. */
function withoutSymbols(a: readonly string[], b: readonly string[]): string[] | undefined {
  const rest = [...a];
  for (const s of b) {
    const k = rest.indexOf(s);
    if (k < 0) return undefined;
    rest.splice(k, 1);
  }
  return rest;
}

export const isKnown = (d: Dim): d is number | string => d !== undefined;

export function mulDim(a: Dim, b: Dim): Dim {
  if (a === undefined || b === undefined) return a === 0 || b === 0 ? 0 : undefined;
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  const x = toMonomial(a);
  const y = toMonomial(b);
  return fromMonomial({ coef: x.coef * y.coef, syms: [...x.syms, ...y.syms].sort() });
}

/** a / b; `integer` truncates towards zero as ONNX integer Div does. Undefined when not exact symbolically. */
export function divDim(a: Dim, b: Dim, integer: boolean): Dim {
  if (a === undefined || b === undefined) return undefined;
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) return undefined;
    return integer ? Math.trunc(a / b) : a / b;
  }
  const x = toMonomial(a);
  const y = toMonomial(b);
  const syms = withoutSymbols(x.syms, y.syms);
  if (!syms || y.coef === 0 || x.coef % y.coef !== 0) return undefined;
  return fromMonomial({ coef: x.coef / y.coef, syms });
}

export function addDim(a: Dim, b: Dim): Dim {
  if (a === undefined || b === undefined) return undefined;
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a === 0) return b;
  if (b === 0) return a;
  const x = toMonomial(a);
  const y = toMonomial(b);
  return x.syms.join('*') === y.syms.join('*') ? fromMonomial({ coef: x.coef + y.coef, syms: x.syms }) : undefined;
}

export function subDim(a: Dim, b: Dim): Dim {
  return addDim(a, mulDim(b, -1));
}

/** The product of dims (1 for none). */
export function productOf(dims: readonly Dim[]): Dim {
  return dims.reduce<Dim>((p, d) => mulDim(p, d), 1);
}

/** Whether two dims are certainly equal. */
export function sameDim(a: Dim, b: Dim): boolean {
  return a !== undefined && b !== undefined && (a === b || (typeof a === 'string' && typeof b === 'string' && fromMonomial(toMonomial(a)) === fromMonomial(toMonomial(b))));
}

/** A shape whose every dim is known. */
export function isComplete(shape: Shape | undefined): shape is readonly (number | string)[] {
  return shape !== undefined && shape.every(isKnown);
}
