import { describe, expect, it } from 'vitest';
import { FreshFlights } from '../src/response-cache/fresh-flights.js';

/** A computation the test finishes by hand, recording what the "database" held when it started. */
function controlled(database: { value: string }) {
  const started: string[] = [];
  const finishers: ((value: string) => void)[] = [];
  const compute = (): Promise<string> => {
    started.push(database.value);
    return new Promise<string>((resolve) => finishers.push(resolve));
  };
  const finish = async (index: number): Promise<void> => {
    await until(() => finishers.length > index);
    finishers[index]!(`computed from ${started[index]}`);
  };
  return { compute, started, finish };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error('condition never held');
}

describe('FreshFlights', () => {
  it('never hands a caller the answer of a computation that started before it asked; latecomers share the next one', async () => {
    const flights = new FreshFlights<string>();
    const database = { value: 'v1' };
    const { compute, started, finish } = controlled(database);
    const first = flights.share('k', compute);
    await until(() => started.length === 1);
    database.value = 'v2'; // committed after the first computation read, before the others asked
    const second = flights.share('k', compute);
    const third = flights.share('k', compute);
    // The next computation waits for the running one: at most one per key at a time.
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['v1']);
    await finish(0);
    expect(await first).toBe('computed from v1');
    await finish(1);
    expect([await second, await third]).toEqual(['computed from v2', 'computed from v2']);
    expect(started).toEqual(['v1', 'v2']);
  });

  it('a failed computation fails only its leader; those who waited for it compute their own', async () => {
    const flights = new FreshFlights<string>();
    let calls = 0;
    const failing = flights.share('k', async () => {
      calls++;
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('connection terminated');
    });
    const follower = flights.share('k', async () => {
      calls++;
      return 'own';
    });
    await expect(failing).rejects.toThrow('connection terminated');
    // The follower queued for the next computation and led it: its own answer, not the failure.
    expect(await follower).toBe('own');
    expect(calls).toBe(2);
  });

  it('a turn given up before it started leaves nothing behind for the key', async () => {
    const flights = new FreshFlights<string>();
    const running = flights.join('k', 0);
    const waiting = flights.join('k', 0);
    if (!running.lead || !waiting.lead) throw new Error('both should lead: nothing ran, then one queued');
    const joiner = flights.join('k', 0);
    expect(joiner.lead).toBe(false);
    waiting.settle(undefined); // its caller went away while it queued
    if (!joiner.lead) expect(await joiner.answer).toBeUndefined();
    running.settle('done');
    await waiting.ready;
    expect(flights.running('k')).toBeUndefined();
    const next = flights.join('k', 0);
    expect(next.lead).toBe(true);
  });

  it('keeps keys apart', async () => {
    const flights = new FreshFlights<string>();
    const a = flights.join('a', 0);
    const b = flights.join('b', 0);
    expect([a.lead, b.lead]).toEqual([true, true]);
  });
});
