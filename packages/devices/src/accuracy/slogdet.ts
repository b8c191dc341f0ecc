export interface SignedLogDet {
  /** +1, −1, or 0 for a singular matrix. */
  readonly sign: number;
  /** log|det|; −Infinity when singular. */
  readonly logAbsDet: number;
}

/** sign and log|det| of a square matrix (row-major, n×n) by LU with partial pivoting, in float64. */
export function slogdet(matrix: ArrayLike<number>, n: number): SignedLogDet {
  const a = Float64Array.from(matrix);
  if (a.length !== n * n) throw new RangeError(`slogdet: expected ${n * n} values, got ${a.length}`);
  let sign = 1;
  let logAbsDet = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]!) > Math.abs(a[p * n + k]!)) p = i;
    const pivot = a[p * n + k]!;
    if (pivot === 0) return { sign: 0, logAbsDet: -Infinity };
    if (p !== k) {
      for (let j = 0; j < n; j++) [a[k * n + j], a[p * n + j]] = [a[p * n + j]!, a[k * n + j]!];
      sign = -sign;
    }
    if (pivot < 0) sign = -sign;
    logAbsDet += Math.log(Math.abs(pivot));
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k]! / pivot;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) a[i * n + j]! -= f * a[k * n + j]!;
    }
  }
  return { sign, logAbsDet };
}
