import { slogdet } from './slogdet.js';

/** The binary codes c = (x > 0) of one site for a batch, packed 32 per word per sample. */
export interface PackedCodes {
  readonly batch: number;
  /** Code length per sample (elements of the pre-activation per sample). */
  readonly length: number;
  readonly words: Uint32Array;
}

/** Packs the sign pattern of a [batch, ...] pre-activation tensor. */
export function packCodes(preact: Float32Array, batch: number): PackedCodes {
  const length = preact.length / batch;
  if (!Number.isInteger(length)) throw new RangeError(`packCodes: ${preact.length} values do not split into ${batch} samples`);
  const perSample = Math.ceil(length / 32);
  const words = new Uint32Array(batch * perSample);
  for (let b = 0; b < batch; b++) {
    const src = b * length;
    const dst = b * perSample;
    for (let i = 0; i < length; i++) if (preact[src + i]! > 0) words[dst + (i >>> 5)]! |= 1 << (i & 31);
  }
  return { batch, length, words };
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/**
 * One site's kernel K_s = c cᵀ + (1−c)(1−c)ᵀ, i.e. the number of positions where two samples'
 * codes agree. Exact integer counts held in float64 (float32 loses them above 2^24).
 */
export function siteKernel(codes: PackedCodes): Float64Array {
  const { batch, length, words } = codes;
  const perSample = words.length / batch;
  const k = new Float64Array(batch * batch);
  for (let i = 0; i < batch; i++) {
    k[i * batch + i] = length;
    for (let j = i + 1; j < batch; j++) {
      let hamming = 0;
      for (let w = 0; w < perSample; w++) hamming += popcount(words[i * perSample + w]! ^ words[j * perSample + w]!);
      k[i * batch + j] = k[j * batch + i] = length - hamming;
    }
  }
  return k;
}

/** K_s from the Gram matrix G = c cᵀ of 0/1 codes: K_ij = N − G_ii − G_jj + 2 G_ij. */
export function kernelFromGram(gram: ArrayLike<number>, batch: number, length: number): Float64Array {
  const k = new Float64Array(batch * batch);
  for (let i = 0; i < batch; i++) {
    for (let j = 0; j < batch; j++) k[i * batch + j] = length - gram[i * batch + i]! - gram[j * batch + j]! + 2 * gram[i * batch + j]!;
  }
  return k;
}

export function addInto(target: Float64Array, k: Float64Array): void {
  for (let i = 0; i < target.length; i++) target[i]! += k[i]!;
}

/** NWOT score: log|det K| (sign dropped, as in the original code). */
export function nwotScore(k: Float64Array, batch: number): number {
  return slogdet(k, batch).logAbsDet;
}

export interface SiteContribution {
  readonly site: string;
  /** Mean fraction of code positions where two samples differ: 0 means input-independent codes. */
  readonly codeDiversity: number;
  /** Score with every site minus score without this site. */
  readonly leaveOneOut: number;
}

export interface NwotResult {
  readonly score: number;
  readonly sites: readonly SiteContribution[];
}

/** Total score and per-site contributions from per-site kernels. */
export function nwotFromKernels(kernels: ReadonlyMap<string, Float64Array>, batch: number): NwotResult {
  const total = new Float64Array(batch * batch);
  for (const k of kernels.values()) addInto(total, k);
  const score = nwotScore(total, batch);
  const sites = [...kernels].map(([site, k]): SiteContribution => {
    const without = total.map((v, i) => v - k[i]!);
    let diff = 0;
    for (let i = 0; i < batch; i++) for (let j = i + 1; j < batch; j++) diff += 1 - k[i * batch + j]! / k[i * batch + i]!;
    return { site, codeDiversity: batch > 1 ? diff / ((batch * (batch - 1)) / 2) : 0, leaveOneOut: score - nwotScore(without, batch) };
  });
  return { score, sites };
}
