import { describe, expect, it } from 'vitest';
import { processCpuTimed, resolveTiming } from '../src/latency/cell-protocol.js';
import type { CellProtocol } from '../src/latency/cell-protocol.js';
import { measureMean, measurePaired, measurePairedArms, unpairedDelta } from '../src/latency/paired-protocol.js';
import type { TimedRun } from '../src/latency/paired-protocol.js';
import { bootstrapCi, excludesZero, halfWidth, median, trimmedMean } from '../src/latency/statistics.js';
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

describe('paired arms: several candidates against one reference', () => {
  /** Shared drift and noise for the reference and each candidate, `deltas[j]` ms slower. */
  function syntheticArms(seed: number, deltas: readonly number[]): { ref: TimedRun; cands: TimedRun[]; refCalls: () => number } {
    const rng = createRng(seed);
    let t = 0;
    let refCalls = 0;
    const at = (delta: number): number => 80 + delta + 5 * Math.sin(t++ / 40) + 0.3 * rng.normal() + (rng.float() < 0.05 ? 8 * rng.float() : 0);
    return {
      ref: () => (refCalls++, Promise.resolve(at(0))),
      cands: deltas.map((d) => () => Promise.resolve(at(d))),
      refCalls: () => refCalls,
    };
  }

  it('runs the reference once per round for every candidate, and each arm stops on its own target', async () => {
    const { ref, cands, refCalls } = syntheticArms(7, [2, 0.8, 0]);
    const [big, small, zero] = await measurePairedArms(ref, cands, {
      warmup: 1, order: 'abba', seed: 5,
      stopping: { relative: 0.1, minPairs: 10, maxPairs: 300, checkEvery: 5 },
    });
    expect(big!.stoppedBy).toBe('target');
    expect(small!.stoppedBy).toBe('target');
    expect(zero!.stoppedBy).toBe('cap');
    expect(big!.pairs).toBeLessThan(small!.pairs);
    expect(zero!.pairs).toBe(300);
    // One warm-up run, then one reference run per round: as many as the longest arm's pairs.
    expect(refCalls()).toBe(1 + 300);
    for (const [m, delta] of [[big!, 2], [small!, 0.8]] as const) {
      expect(m.delta.low).toBeLessThanOrEqual(delta);
      expect(m.delta.high).toBeGreaterThanOrEqual(delta);
    }
  });

  it('with one candidate is the single paired protocol, run for run', async () => {
    const stopping = { relative: 0.1, minPairs: 10, maxPairs: 400, checkEvery: 5 };
    const a = syntheticArms(13, [0.5]);
    const b = syntheticArms(13, [0.5]);
    const single = await measurePaired(a.ref, a.cands[0]!, { warmup: 2, order: 'random', seed: 9, stopping });
    const [arm] = await measurePairedArms(b.ref, b.cands, { warmup: 2, order: 'random', seed: 9, stopping });
    expect(arm).toEqual(single);
  });

  it('pools the time cap over a block: an arm that stops early leaves its time to a noisy sibling', async () => {
    let now = 0;
    const timed = (run: TimedRun): TimedRun => async () => {
      const ms = await run();
      now += ms;
      return ms;
    };
    const { ref, cands } = syntheticArms(21, [3, 0]);
    const [quickArm, noisy] = await measurePairedArms(timed(ref), cands.map(timed), {
      warmup: 1, order: 'abba', seed: 3, clock: () => now,
      stopping: { relative: 0.1, minPairs: 10, maxPairs: 10_000, maxMs: 1600, checkEvery: 5 },
    });
    expect(quickArm!.stoppedBy).toBe('target');
    expect(noisy!.stoppedBy).toBe('time');
    // Alone, 1600 ms buys ~10 pairs of ~80 ms runs; with the quick arm's unused share, more.
    expect(noisy!.pairs).toBeGreaterThan(12);
    expect(now).toBeLessThan(2 * 1600 + 4 * 90 + 3 * 90);
  });

  it('publishes no cell without an estimate: the time cap waits for one ABBA block (two pairs)', async () => {
    let now = 0;
    const slow = (ms: number): TimedRun => () => {
      now += ms;
      return Promise.resolve(ms);
    };
    const [m] = await measurePairedArms(slow(900), [slow(800)], {
      warmup: 0, order: 'abba', seed: 1, clock: () => now,
      stopping: { absolute: 1e-6, minPairs: 4, maxPairs: 4, maxMs: 1000, checkEvery: 2 },
    });
    expect(m!.stoppedBy).toBe('time');
    expect(m!.pairs).toBe(2);
    expect(m!.delta.estimate).toBeCloseTo(-100, 9);
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
    expect(await waiting()).toBeLessThan(20);
    const computing = processCpuTimed(() => {
      const start = process.cpuUsage();
      let x = 0;
      while (process.cpuUsage(start).user < 25_000) x += Math.sqrt(x + 1);
      return Promise.resolve(x);
    });
    expect(await computing()).toBeGreaterThanOrEqual(25);
  });
});

