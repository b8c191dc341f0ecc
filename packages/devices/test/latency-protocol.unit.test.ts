import { describe, expect, it } from 'vitest';
import { defaultStatistic, processCpuTimed, resolveTiming, withStatistic } from '../src/latency/cell-protocol.js';
import type { CellProtocol } from '../src/latency/cell-protocol.js';
import { abbaReferenceFirst, measureMean, measurePaired, unpairedDelta } from '../src/latency/paired-protocol.js';
import type { TimedRun } from '../src/latency/paired-protocol.js';
import { blockMeanDeltas, blockMinDeltas, bootstrapCi, excludesZero, halfWidth, median, smallSampleWidening, studentT, trimmedMean } from '../src/latency/statistics.js';
import { createRng } from '../src/random/seeded-rng.js';

/** A model whose run time drifts slowly and has heavy-tailed noise, like a shared CPU. */
function syntheticPair(seed: number, deltaMs: number): { ref: TimedRun; cand: TimedRun } {
  const rng = createRng(seed);
  let t = 0;
  const drift = (): number => 5 * Math.sin(t++ / 40);
  const noise = (): number => 0.3 * rng.normal() + (rng.float() < 0.05 ? 8 * rng.float() : 0);
  return {
    ref: () => Promise.resolve(80 + drift() + noise()),
    cand: () => Promise.resolve(80 + deltaMs + drift() + noise()),
  };
}

describe('statistics', () => {
  it('median and trimmed mean resist outliers', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 1000];
    expect(median(xs)).toBe(5.5);
    expect(trimmedMean(xs, 0.1)).toBe(5.5);
  });

  it('bootstrap CI is reproducible for a seed and covers a known mean', () => {
    const rng = createRng(8);
    const xs = Array.from({ length: 200 }, () => 2 + rng.normal());
    const a = bootstrapCi(xs, { seed: 1, statistic: 'mean' });
    expect(bootstrapCi(xs, { seed: 1, statistic: 'mean' })).toEqual(a);
    expect(a.low).toBeLessThan(2);
    expect(a.high).toBeGreaterThan(2);
    expect(halfWidth(a)).toBeLessThan(0.3);
  });

  it('95% bootstrap intervals cover the true delta in about 95% of seeded experiments', () => {
    let covered = 0;
    const trials = 200;
    for (let s = 0; s < trials; s++) {
      const rng = createRng(1000 + s);
      const xs = Array.from({ length: 40 }, () => 0.5 + rng.normal());
      const ci = bootstrapCi(xs, { seed: s, statistic: 'mean', resamples: 500 });
      if (ci.low <= 0.5 && ci.high >= 0.5) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThanOrEqual(1);
  });

  it('over a handful of samples the interval is widened to Student t, so it still covers about 95 %', () => {
    const coverage = (n: number): number => {
      let covered = 0;
      for (let s = 0; s < 400; s++) {
        const rng = createRng(5000 + s);
        const xs = Array.from({ length: n }, () => rng.normal());
        const ci = bootstrapCi(xs, { seed: s, statistic: 'mean', resamples: 400 });
        if (ci.low <= 0 && ci.high >= 0) covered++;
      }
      return covered / 400;
    };
    // The bare percentile interval covers ~75 % at n = 4 and ~86 % at n = 8.
    expect(coverage(4)).toBeGreaterThan(0.9);
    expect(coverage(8)).toBeGreaterThan(0.9);
    expect(smallSampleWidening(4, 0.95)).toBeCloseTo(1.86, 1);
    expect(smallSampleWidening(200, 0.95)).toBeLessThan(1.01);
    expect(studentT(0.975, 1)).toBeCloseTo(12.706, 2);
    expect(studentT(0.975, 9)).toBeCloseTo(2.262, 1);
  });
});

describe('paired protocol', () => {
  it('covers a known delta despite drift much larger than the delta', async () => {
    const { ref, cand } = syntheticPair(3, 0.4);
    const m = await measurePaired(ref, cand, {
      warmup: 2, order: 'abba', seed: 11,
      stopping: { relative: 0.1, minPairs: 20, maxPairs: 400, checkEvery: 10 },
    });
    expect(m.delta.low).toBeLessThanOrEqual(0.4);
    expect(m.delta.high).toBeGreaterThanOrEqual(0.4);
    expect(excludesZero(m.delta)).toBe(true);
  });

  it('stops adaptively once the half-width reaches the target', async () => {
    const { ref, cand } = syntheticPair(5, 1);
    const m = await measurePaired(ref, cand, {
      warmup: 0, order: 'random', seed: 2,
      stopping: { relative: 0.1, minPairs: 10, maxPairs: 1000, checkEvery: 5 },
    });
    expect(m.stoppedBy).toBe('target');
    expect(m.pairs).toBeLessThan(1000);
    expect(halfWidth(m.delta)).toBeLessThanOrEqual(0.1 * Math.abs(m.delta.estimate));
  });

  it('hits the run cap when the target is out of reach and says so', async () => {
    const { ref, cand } = syntheticPair(9, 0);
    const m = await measurePaired(ref, cand, {
      warmup: 0, order: 'abba', seed: 4,
      stopping: { absolute: 1e-6, minPairs: 10, maxPairs: 30, checkEvery: 10 },
    });
    expect(m.stoppedBy).toBe('cap');
    expect(m.pairs).toBe(30);
  });

  it('never stops on the target with a published CI that misses it', async () => {
    for (let seed = 0; seed < 30; seed++) {
      const { ref, cand } = syntheticPair(100 + seed, 0.3);
      const stopping = { absolute: 0.15, minPairs: 10, maxPairs: 600, checkEvery: 5 };
      const m = await measurePaired(ref, cand, { warmup: 0, order: 'abba', seed, stopping });
      if (m.stoppedBy === 'target') expect(halfWidth(m.delta)).toBeLessThanOrEqual(stopping.absolute);
    }
  });

  it('stops at the time cap, measured on the injected clock, and says so', async () => {
    let now = 0;
    const { ref, cand } = syntheticPair(21, 0);
    // Each run advances the clock by its own duration, as a wall clock would.
    const timed = (run: TimedRun): TimedRun => async () => {
      const ms = await run();
      now += ms;
      return ms;
    };
    const m = await measurePaired(timed(ref), timed(cand), {
      warmup: 1, order: 'abba', seed: 3, clock: () => now,
      stopping: { absolute: 1e-6, minPairs: 10, maxPairs: 10_000, maxMs: 1600, checkEvery: 10 },
    });
    expect(m.stoppedBy).toBe('time');
    // About 160 ms per pair of ~80 ms runs; warm-up time does not count.
    expect(m.pairs).toBeGreaterThanOrEqual(9);
    expect(m.pairs).toBeLessThanOrEqual(11);
  });

  it('a pair slower than the time cap still leaves a finite estimate with a CI: the cap stops a cell only after 4 pairs', async () => {
    let now = 0;
    const { ref, cand } = syntheticPair(22, 0);
    const timed = (run: TimedRun): TimedRun => async () => {
      const ms = await run();
      now += ms;
      return ms;
    };
    const m = await measurePaired(timed(ref), timed(cand), {
      warmup: 1, order: 'abba', seed: 3, clock: () => now,
      stopping: { absolute: 1e-6, minPairs: 10, maxPairs: 10_000, maxMs: 50, checkEvery: 10 },
    });
    expect(m.stoppedBy).toBe('time');
    expect(m.pairs).toBe(4);
    expect(Number.isFinite(m.delta.estimate)).toBe(true);
    expect(m.delta.high).toBeGreaterThan(m.delta.low);
  });

  it('gives each model every position of a block equally often (ABBA then BAAB), so a slow position biases neither', async () => {
    // Identical models on a host where every 4th run (the last of a block, after a pair boundary) is 1 ms slower.
    const host = { runs: 0 };
    const run: TimedRun = () => Promise.resolve(80 + (++host.runs % 4 === 0 ? 1 : 0));
    for (const statistic of ['block-mean', 'block-min'] as const) {
      host.runs = 0;
      const m = await measurePaired(run, run, { warmup: 0, order: 'abba', seed: 1, statistic, stopping: { minPairs: 40, maxPairs: 40, checkEvery: 40 } });
      // ABBA alone put the slow run on the reference in every block: −0.5 ms with block means.
      expect(Math.abs(m.delta.estimate)).toBeLessThan(0.05);
      expect(m.reference.mean).toBeCloseTo(m.candidate.mean, 6);
    }
    expect(abbaReferenceFirst(0)).toBe(true);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(abbaReferenceFirst)).toEqual([true, false, false, true, true, false, false, true]);
  });

  it('paper mode (unpaired means) is much wider than paired on drifting runs', async () => {
    const { ref, cand } = syntheticPair(13, 0.4);
    const r = await measureMean(ref, { warmup: 0, runs: 50 });
    const c = await measureMean(cand, { warmup: 0, runs: 50 });
    const unpaired = unpairedDelta(r, c);
    const { ref: ref2, cand: cand2 } = syntheticPair(13, 0.4);
    const paired = await measurePaired(ref2, cand2, {
      warmup: 0, order: 'abba', seed: 1, stopping: { minPairs: 50, maxPairs: 50, checkEvery: 10 },
    });
    expect(halfWidth(paired.delta)).toBeLessThan(halfWidth(unpaired));
  });
});


describe('timing of paired runs', () => {
  const paired = (timing?: 'wall' | 'process-cpu' | 'auto'): CellProtocol => ({ kind: 'paired', options: { warmup: 0, order: 'abba', stopping: { minPairs: 2, maxPairs: 2, checkEvery: 2 } }, ...(timing ? { timing } : {}) });
  const ort = (threads: number) => ({ runtime: 'ort', version: '1', backend: 'cpu', threads });

  it('auto is process CPU time for a 1-thread onnxruntime session only; the paper protocol is wall time', () => {
    expect(resolveTiming(paired('auto'), ort(1))).toBe('process-cpu');
    expect(resolveTiming(paired('auto'), ort(2))).toBe('wall');
    expect(resolveTiming(paired('auto'), { ...ort(1), runtime: 'tfjs', backend: 'wasm' })).toBe('wall');
    expect(resolveTiming(paired(), ort(1))).toBe('wall');
    expect(resolveTiming(paired('process-cpu'), ort(4))).toBe('process-cpu');
    expect(resolveTiming({ kind: 'paper', options: { warmup: 0, runs: 2 } }, ort(1))).toBe('wall');
  });

  it('process CPU time leaves out time spent waiting and counts time spent computing', async () => {
    const waiting = processCpuTimed(async () => {
      await new Promise((r) => setTimeout(r, 60));
      return 60;
    });
    expect(await waiting()).toBeLessThan(40);
    const computing = processCpuTimed(() => {
      const start = process.cpuUsage();
      let x = 0;
      while (process.cpuUsage(start).user < 25_000) x += Math.sqrt(x + 1);
      return Promise.resolve(x);
    });
    expect(await computing()).toBeGreaterThanOrEqual(25);
  });
});

describe('block statistics on process CPU time', () => {
  /** Runs with the same mean time: the reference spreads more (a memory-bound SiLU), the candidate less, plus linear drift. */
  function spreadPair(seed: number): { ref: TimedRun; cand: TimedRun } {
    const rng = createRng(seed);
    let t = 0;
    const drift = (): number => 0.002 * t++;
    return {
      ref: () => Promise.resolve(3 + drift() + 0.3 * rng.normal()),
      cand: () => Promise.resolve(3 + drift() + 0.03 * rng.normal()),
    };
  }

  it('block means estimate the difference of mean run times where block minima do not (variants that spread differently)', () => {
    const rng = createRng(31);
    const refs = Array.from({ length: 4000 }, () => 3 + 0.3 * rng.normal());
    const cands = Array.from({ length: 4000 }, () => 3 + 0.03 * rng.normal());
    expect(Math.abs(trimmedMean(blockMeanDeltas(refs, cands), 0.2))).toBeLessThan(0.02);
    // min of two N(0, 0.3²) runs lies ~0.17 below the mean: block minima call the candidate slower.
    expect(trimmedMean(blockMinDeltas(refs, cands), 0.2)).toBeGreaterThan(0.1);
  });

  it('block means cancel linear drift within an ABBA block exactly', () => {
    const refs = [1, 4, 5, 8];
    const cands = [2, 3, 6, 7];
    expect([...blockMeanDeltas(refs, cands)]).toEqual([0, 0]);
  });

  it('paired runs on process CPU time use block means unless the options name a statistic; wall time keeps block minima', async () => {
    expect(defaultStatistic('process-cpu')).toBe('block-mean');
    expect(defaultStatistic('wall')).toBe('block-min');
    const stopping = { minPairs: 400, maxPairs: 400, checkEvery: 10 };
    expect(withStatistic({ warmup: 0, order: 'abba' as const, stopping, statistic: 'median' as const }, 'process-cpu').statistic).toBe('median');
    const { ref, cand } = spreadPair(5);
    const m = await measurePaired(ref, cand, { ...withStatistic({ warmup: 0, order: 'abba' as const, stopping }, 'process-cpu'), seed: 1 });
    expect(m.delta.low).toBeLessThanOrEqual(0);
    expect(m.delta.high).toBeGreaterThanOrEqual(0);
  });
});

