import { describe, expect, it } from 'vitest';
import { nwotFromKernels, packCodes, siteKernel } from '../src/accuracy/nwot-kernel.js';
import { slogdet } from '../src/accuracy/slogdet.js';
import { createRng } from '../src/random/seeded-rng.js';

describe('slogdet', () => {
  it('matches a hand-computed determinant with its sign', () => {
    // det [[0,2,1],[3,1,0],[1,1,1]] = 0(1−0) − 2(3−0) + 1(3−1) = −4
    const r = slogdet([0, 2, 1, 3, 1, 0, 1, 1, 1], 3);
    expect(r.sign).toBe(-1);
    expect(r.logAbsDet).toBeCloseTo(Math.log(4), 12);
  });

  it('reports singular matrices', () => {
    expect(slogdet([1, 2, 2, 4], 2)).toEqual({ sign: 0, logAbsDet: -Infinity });
  });

  it('stays finite where the plain determinant overflows float64', () => {
    const n = 40;
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) m[i * n + i] = 1e10;
    const r = slogdet(m, n);
    expect(r.sign).toBe(1);
    expect(r.logAbsDet).toBeCloseTo(n * Math.log(1e10), 8);
  });
});

describe('NWOT kernel', () => {
  it('counts agreements of binary codes exactly', () => {
    // Samples: [+,+,−,−], [+,−,−,+]: agree at positions 0 and 2.
    const codes = packCodes(Float32Array.of(1, 2, -1, 0, 3, -2, -1, 5), 2);
    expect([...siteKernel(codes)]).toEqual([4, 2, 2, 4]);
  });

  it('accumulates counts beyond 2^24 exactly (float32 would not)', () => {
    const length = (1 << 24) + 2;
    const preact = new Float32Array(2 * length).fill(1);
    preact[length] = -1; // sample 1 differs from sample 0 in one position
    const k = siteKernel(packCodes(preact, 2));
    expect(k[0]).toBe(length);
    expect(k[1]).toBe(length - 1);
    expect(Math.fround(length - 1)).not.toBe(length - 1);
  });

  it('gives zero contribution and diversity to input-independent codes', () => {
    const batch = 4;
    const rng = createRng(3);
    const informative = Float32Array.from({ length: batch * 64 }, () => rng.normal());
    const constant = new Float32Array(batch * 64).fill(1);
    const r = nwotFromKernels(new Map([['a', siteKernel(packCodes(informative, batch))], ['b', siteKernel(packCodes(constant, batch))]]), batch);
    const [a, b] = r.sites;
    expect(a!.codeDiversity).toBeGreaterThan(0.3);
    expect(b!.codeDiversity).toBe(0);
    expect(a!.leaveOneOut).toBeGreaterThan(1);
    expect(Number.isFinite(r.score)).toBe(true);
  });
});
