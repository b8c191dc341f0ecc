import { describe, expect, it } from 'vitest';
import type { PairedOptions, TimedRun } from '../src/latency/paired-protocol.js';
import { PairedRun, measurePaired } from '../src/latency/paired-protocol.js';
import { halfWidth } from '../src/latency/statistics.js';
import { MIN_GRANT_MS, nextGrant, spendLeftover } from '../src/latency/time-budget.js';
import { createRng } from '../src/random/seeded-rng.js';

/** A block of `ms` a run whose candidate is `deltaMs` faster, with run-to-run noise `noise` × ms, on a clock that runs advance. */
function block(clock: { now: number }, seed: number, ms: number, deltaMs: number, noise: number): { ref: TimedRun; cand: TimedRun } {
  const rng = createRng(seed);
  const timed = (mean: number): TimedRun => () => {
    const t = mean * (1 + noise * rng.normal());
    clock.now += t;
    return Promise.resolve(t);
  };
  return { ref: timed(ms), cand: timed(ms - deltaMs) };
}

const options = (clock: { now: number }, seed: number, maxMs: number): PairedOptions => ({
  warmup: 0, order: 'abba', seed, clock: () => clock.now,
  stopping: { relative: 0.1, absolute: 0.01, minPairs: 10, maxPairs: 100_000, maxMs, checkEvery: 5 },
});

describe('a table time budget: leftover time to the cells still off target', () => {
  it('gives the next slice to the cell nearest its target, at least the minimum slice, never more than is left', () => {
    expect(nextGrant([9000, 1200, 4000], 60_000)).toEqual({ index: 1, ms: 1500 });
    expect(nextGrant([9000, 100], 60_000)).toEqual({ index: 1, ms: MIN_GRANT_MS });
    expect(nextGrant([9000, 4000], 3000)).toEqual({ index: 1, ms: 3000 });
  });

  it('gives nothing to cells on target (0) or that their pair cap stops first (Infinity), nor below the minimum slice', () => {
    expect(nextGrant([0, Number.POSITIVE_INFINITY], 60_000)).toBeUndefined();
    expect(nextGrant([0, Number.POSITIVE_INFINITY, 700], 60_000)?.index).toBe(2);
    expect(nextGrant([700], MIN_GRANT_MS - 1)).toBeUndefined();
  });

  it('a continued paired run is the same measurement as one run with the longer cap', async () => {
    const a = { now: 0 };
    const first = block(a, 4, 3, 0.05, 0.05);
    const continued = new PairedRun(first.ref, first.cand, options(a, 9, 400));
    await continued.advance(400);
    expect(continued.onTarget).toBe(false);
    const resumed = await continued.advance(1e9);
    const b = { now: 0 };
    const second = block(b, 4, 3, 0.05, 0.05);
    const once = await measurePaired(second.ref, second.cand, options(b, 9, 1e9));
    expect(resumed.pairs).toBe(once.pairs);
    expect(resumed.delta).toEqual(once.delta);
    expect(resumed.stoppedBy).toBe('target');
  });

  it('a heavy block stopped by its per-cell cap reaches its target on the leftover time, and the table ends within its budget', async () => {
    const clock = { now: 0 };
    // A 5 ms block with 6 % run-to-run noise needs far more than the 4 s per-cell cap for ±0.01 ms.
    const heavy = block(clock, 1, 5, 0.07, 0.06);
    const run = new PairedRun(heavy.ref, heavy.cand, options(clock, 2, 4000));
    const capped = await run.advance(4000);
    expect(capped.stoppedBy).toBe('time');
    expect(halfWidth(capped.delta)).toBeGreaterThan(0.01);
    const deadline = clock.now + 120_000;
    const [granted] = await spendLeftover([run], deadline, () => clock.now);
    const final = run.result();
    expect(final.stoppedBy).toBe('target');
    expect(halfWidth(final.delta)).toBeLessThanOrEqual(0.01);
    expect(granted).toBeGreaterThan(4000);
    // A slice can end at most one pair (two ~5 ms runs) past its allowance.
    expect(clock.now).toBeLessThanOrEqual(deadline + 20);
  });

  it('with too little time left, the cell nearest its target gets it first and the budget is not overrun', async () => {
    const clock = { now: 0 };
    const near = block(clock, 5, 1, 0.06, 0.04);
    const far = block(clock, 6, 6, 0.02, 0.08);
    const runs = [new PairedRun(far.ref, far.cand, options(clock, 7, 300)), new PairedRun(near.ref, near.cand, options(clock, 8, 300))];
    for (const r of runs) await r.advance(300);
    expect(runs.every((r) => !r.finished)).toBe(true);
    expect(runs[1]!.estimatedMsToTarget()).toBeLessThan(runs[0]!.estimatedMsToTarget());
    const deadline = clock.now + 2 * runs[1]!.estimatedMsToTarget() + MIN_GRANT_MS;
    const granted = await spendLeftover(runs, deadline, () => clock.now);
    expect(runs[1]!.onTarget).toBe(true);
    expect(granted[1]).toBeGreaterThan(0);
    expect(clock.now).toBeLessThanOrEqual(deadline + 2 * 6 * 1.5);
  });
});
