import { describe, expect, it } from 'vitest';
import { measureInterleaved } from '../src/latency/interleaved-protocol.js';
import type { TimedRun } from '../src/latency/paired-protocol.js';
import { measurePaired } from '../src/latency/paired-protocol.js';
import { createRng } from '../src/random/seeded-rng.js';

/** Runs of a fake device: each takes 1 ms on `clock`, and returns 80 ms + delta + normal noise of the given sd (the reference's: 1). */
function device(seed: number) {
  const rng = createRng(seed);
  let now = 0;
  const run = (delta: number, sd: number): TimedRun => () => {
    now += 1;
    return Promise.resolve(80 + delta + sd * rng.normal());
  };
  return { clock: () => now, reference: run(0, 1), run };
}

// ±0.3 ms, or ±5 % of |Δ|: a 20 ms delta meets it in the first turn, a 1 ms one needs ~80 pairs at sd 1.
const stopping = { absolute: 0.3, relative: 0.05, minPairs: 10, maxPairs: 1000, checkEvery: 5 };

describe('interleaved paired protocol', () => {
  it('stops the narrow models early and gives the budget to the wide one, which a per-model time cap of an equal share leaves off target', async () => {
    const d = device(3);
    const models = [d.run(20, 1), d.run(-1, 1), d.run(-20, 1)];
    const done: number[] = [];
    // 3 models × 160 ms of pair time (80 pairs each at 2 ms a pair).
    const m = await measureInterleaved(d.reference, models, { warmup: 1, order: 'abba', stopping, seeds: [1, 2, 3], budgetMs: 480, clock: d.clock, onDone: (i) => done.push(i) });
    expect(m.map((x) => x.stoppedBy)).toEqual(['target', 'target', 'target']);
    expect(m[0]!.pairs).toBeLessThanOrEqual(40);
    expect(m[2]!.pairs).toBeLessThanOrEqual(40);
    expect(m[1]!.pairs).toBeGreaterThan(60);
    // The two narrow models leave the rotation (in either order) before the wide one.
    expect(done.slice(0, 2).sort()).toEqual([0, 2]);
    expect(done[2]).toBe(1);
    [20, -1, -20].forEach((truth, i) => {
      expect(m[i]!.delta.low).toBeLessThanOrEqual(truth);
      expect(m[i]!.delta.high).toBeGreaterThanOrEqual(truth);
    });
    // The same wide model with its equal share as its own time cap stops off target.
    const e = device(3);
    const alone = await measurePaired(e.reference, e.run(-1, 1), { warmup: 1, order: 'abba', seed: 2, stopping: { ...stopping, maxMs: 160 }, clock: e.clock });
    expect(alone.stoppedBy).toBe('time');
    expect((alone.delta.high - alone.delta.low) / 2).toBeGreaterThan(0.3);
  });

  it('ends every model still off target when the budget is spent, each with a CI, and says time', async () => {
    const d = device(5);
    const m = await measureInterleaved(d.reference, [d.run(-1, 1), d.run(1, 1)], { warmup: 0, order: 'abba', stopping, seeds: [1, 2], budgetMs: 60, clock: d.clock });
    expect(m.map((x) => x.stoppedBy)).toEqual(['time', 'time']);
    // Turns of 4 pairs (8 ms): the budget overshoots by less than one round of turns.
    expect(2 * (m[0]!.pairs + m[1]!.pairs)).toBeLessThanOrEqual(60 + 16);
    for (const x of m) expect(Number.isFinite(x.delta.low) && Number.isFinite(x.delta.high)).toBe(true);
  });

  it('stops a candidate with a lower cap of its own there, leaving the others the budget', async () => {
    const d = device(9);
    const progress: number[] = [];
    const m = await measureInterleaved(d.reference, [d.run(0, 1), d.run(-1, 1)], { warmup: 0, order: 'abba', stopping, seeds: [1, 2], budgetMs: Infinity, pairCaps: [20], clock: d.clock, onProgress: (f) => progress.push(f) });
    expect(m[0]).toMatchObject({ stoppedBy: 'cap', pairs: 20 });
    expect(m[1]!.stoppedBy).toBe('target');
    // A model leaving at its target early takes its remaining pairs out of the work: progress only grows, and ends at 1.
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(progress.at(-1)).toBe(1);
  });

  it('stops a model at its pair cap', async () => {
    const d = device(7);
    const [m] = await measureInterleaved(d.reference, [d.run(-1, 1)], { warmup: 0, order: 'abba', stopping: { ...stopping, maxPairs: 24 }, seeds: [1], budgetMs: Infinity, clock: d.clock });
    expect(m).toMatchObject({ stoppedBy: 'cap', pairs: 24 });
  });

  it('estimates with the statistic it is given, as measurePaired does: block means follow a candidate whose runs spread more, block minima do not', async () => {
    // Same mean as the reference, 4× its spread: block minima read it as faster, block means as equal.
    const estimate = async (statistic: 'block-min' | 'block-mean') => {
      const d = device(11);
      const [m] = await measureInterleaved(d.reference, [d.run(0, 4)], { warmup: 0, order: 'abba', stopping: { ...stopping, maxPairs: 400 }, seeds: [1], budgetMs: Infinity, clock: d.clock, statistic });
      return (m!.delta.low + m!.delta.high) / 2;
    };
    expect(await estimate('block-min')).toBeLessThan(-1);
    expect(Math.abs(await estimate('block-mean'))).toBeLessThan(0.5);
  });
  it('calls beforeTurn before every turn, outside the budget, with the turn number, and every turn is a whole number of ABBA units', async () => {
    const d = device(9);
    const turns: [number, number, number][] = [];
    const pairsSoFar = [0, 0];
    const models = [d.run(-2, 1), d.run(-1, 1)].map((run, i): TimedRun => () => {
      pairsSoFar[i]! += 1;
      return run();
    });
    // A target no CI reaches: both run to their 40 pairs in turns of 8.
    const fixed = { ...stopping, relative: 1e-9, absolute: 1e-9, maxPairs: 40 };
    const beforeTurn = async (candidate: number, round: number): Promise<void> => {
      turns.push([candidate, round, pairsSoFar[candidate]!]);
      await Promise.resolve();
    };
    // 10 ms of budget would end everything after the first round if the hook's time counted; it takes none on the device's clock.
    const progress: number[] = [];
    const m = await measureInterleaved(d.reference, models, { warmup: 0, order: 'abba', stopping: fixed, seeds: [1, 2], budgetMs: 1000, turnPairs: 8, clock: d.clock, beforeTurn, onProgress: (f) => progress.push(f) });
    expect(turns).toEqual([0, 1, 2, 3, 4].flatMap((round) => [[0, round, 8 * round], [1, round, 8 * round]]));
    expect(m.map((x) => x.pairs)).toEqual([40, 40]);
    // After every turn, the pairs measured over the 80 the two can take.
    expect(progress).toEqual(Array.from({ length: 10 }, (_, i) => (8 * (i + 1)) / 80));
  });

  it('under a deadline, starts a round only if it ends in time, counting the turns\' own set-up, and keeps every model to its minimum pairs', async () => {
    const d = device(13);
    // A target no CI reaches and a cap far away: only the deadline ends the models.
    const fixed = { ...stopping, relative: 1e-9, absolute: 1e-9, maxPairs: 1000 };
    // Each turn's set-up (loading fresh sessions) takes 4 ms on the device's clock, outside the pair budget.
    const beforeTurn = (): Promise<void> => {
      for (let i = 0; i < 4; i++) void d.reference();
      return Promise.resolve();
    };
    const progress: number[] = [];
    const run = (at: number, minPairs: number) =>
      measureInterleaved(d.reference, [d.run(-1, 1), d.run(-2, 1)], { warmup: 0, order: 'abba', stopping: fixed, seeds: [1, 2], budgetMs: Infinity, turnPairs: 8, clock: d.clock, beforeTurn, deadline: { at, minPairs }, onProgress: (f) => progress.push(f) });
    // A round: two turns of 8 pairs (16 ms) plus 4 ms of set-up each, 40 ms. By 200 ms five rounds fit, a sixth would not.
    const start = d.clock();
    const m = await run(start + 200, 8);
    expect(m.map((x) => x.stoppedBy)).toEqual(['time', 'time']);
    expect(m.map((x) => x.pairs)).toEqual([40, 40]);
    expect(d.clock() - start).toBeLessThanOrEqual(200);
    // Progress follows the time towards the deadline (the pairs are far from their caps), only grows, and ends at 1.
    expect(progress[1]).toBeCloseTo(40 / 200, 9);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(progress.at(-1)).toBe(1);
    // A deadline that came before the models had their minimum: they go on to it, and no further.
    const late = await run(d.clock() + 10, 24);
    expect(late.map((x) => [x.stoppedBy, x.pairs])).toEqual([['time', 24], ['time', 24]]);
  });
});
