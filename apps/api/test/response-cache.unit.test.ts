import { describe, expect, it } from 'vitest';
import type { CachedResponse, ChangeEpoch } from '../src/response-cache/response-cache.js';
import { ResponseCache } from '../src/response-cache/response-cache.js';

class FakeFeed implements ChangeEpoch {
  epoch = 1;
  live = true;
  bump(): void {
    this.epoch++;
  }
}

const entry = (epoch: number, storedAt = 0, body = '{"data":{}}'): CachedResponse => ({ epoch, storedAt, contentType: 'application/json', bytes: Buffer.from(body) });
const options = { maxBytes: 1_000_000, maxEntryBytes: 100, ttlMs: 2_000 };

/** Takes the lead of the next computation of `key` (nothing else runs it) and returns its settle. */
function lead(cache: ResponseCache, key: string, epoch: number): (answer: CachedResponse | undefined) => void {
  const turn = cache.nextFlight(key, epoch);
  if (!turn.lead) throw new Error(`${key} is already being computed`);
  return turn.settle;
}

describe('ResponseCache', () => {
  it('serves an entry only in the epoch it was computed in, within its age limit, while the feed is live', () => {
    const feed = new FakeFeed();
    const cache = new ResponseCache(feed, options);
    cache.storeResponse('k', entry(1, 1_000));
    expect(cache.response('k', 2_999)).toBeDefined();
    expect(cache.response('k', 3_000)).toBeUndefined();
    feed.live = false;
    expect(cache.response('k', 1_500)).toBeUndefined();
    feed.live = true;
    feed.bump();
    expect(cache.response('k', 1_500)).toBeUndefined();
  });

  it('refuses entries of an older epoch and bodies over the size limit', () => {
    const feed = new FakeFeed();
    const cache = new ResponseCache(feed, options);
    feed.bump();
    cache.storeResponse('old', entry(1));
    cache.storeResponse('big', entry(2, 0, 'x'.repeat(101)));
    expect(cache.response('old', 0)).toBeUndefined();
    expect(cache.response('big', 0)).toBeUndefined();
  });

  it('hands a request computing the same key in the same epoch to concurrent callers, never across epochs', async () => {
    const feed = new FakeFeed();
    const cache = new ResponseCache(feed, options);
    expect(await cache.inFlight('k', 1)).toBeUndefined();
    const settle = lead(cache, 'k', 1);
    const waiter = cache.inFlight('k', 1);
    const laterEpoch = cache.inFlight('k', 2);
    settle(entry(1));
    expect((await waiter)?.bytes.toString()).toBe('{"data":{}}');
    expect(await laterEpoch).toBeUndefined();

    const again = lead(cache, 'k', 1);
    const waiting = cache.inFlight('k', 1);
    feed.bump(); // a change committed while the leader was computing: its answer may predate it
    again(entry(1));
    expect(await waiting).toBeUndefined();
    expect(await cache.inFlight('k', 2)).toBeUndefined();
  });

  it('a failed leader leaves its waiters to compute for themselves', async () => {
    const cache = new ResponseCache(new FakeFeed(), options);
    const settle = lead(cache, 'k', 1);
    const waiter = cache.inFlight('k', 1);
    settle(undefined);
    settle(entry(1)); // only the first answer counts
    expect(await waiter).toBeUndefined();
  });

  it('while the feed is down nothing cached or in flight is served, but callers that queued share the next computation', async () => {
    const feed = new FakeFeed();
    const cache = new ResponseCache(feed, options);
    const settleRunning = lead(cache, 'k', 1);
    feed.live = false;
    feed.bump();
    cache.storeResponse('k', entry(2));
    expect(cache.response('k', 0)).toBeUndefined();
    expect(await cache.inFlight('k', 1)).toBeUndefined(); // started before the caller asked: it may predate a missed change
    const next = cache.nextFlight('k', 2);
    const follower = cache.nextFlight('k', 2);
    if (!next.lead || follower.lead) throw new Error('the first caller should lead the next computation and the second follow it');
    settleRunning(entry(1));
    await next.ready;
    next.settle(entry(2, 0, '{"data":{"fresh":true}}'));
    expect((await follower.answer)?.bytes.toString()).toBe('{"data":{"fresh":true}}');
  });
});
