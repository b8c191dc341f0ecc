import { LRUCache } from 'lru-cache';
import type { Actor } from '../auth/actor.js';
import type { Authentication } from '../auth/authenticate.js';
import { FreshFlights } from './fresh-flights.js';
import type { Turn } from './fresh-flights.js';

/** Per request, shared by the middleware (which stores) and the Apollo plugin (which judges). */
export interface RequestCacheState {
  readonly actor: Actor;
  /** A successful query: its response may be stored. */
  cacheable: boolean;
}

/** What the cache needs of the change feed: the current epoch, and whether it can be trusted. */
export interface ChangeEpoch {
  readonly epoch: number;
  readonly live: boolean;
  bump(): void;
}

export interface ResponseCacheOptions {
  /** Upper bound on the bytes of cached response bodies in this process. */
  readonly maxBytes: number;
  /** A response larger than this is never cached. */
  readonly maxEntryBytes: number;
  /** Age limit of an entry even when nothing changed: fields derived from the clock stay fresh. */
  readonly ttlMs: number;
}

export const DEFAULT_RESPONSE_CACHE: ResponseCacheOptions = { maxBytes: 32 * 1_048_576, maxEntryBytes: 512 * 1024, ttlMs: 2_000 };

export interface CachedResponse {
  readonly epoch: number;
  readonly storedAt: number;
  readonly contentType: string;
  /** The body as sent (UTF-8), encoded once. */
  readonly bytes: Buffer;
}

interface CachedAuthentication extends Authentication {
  readonly epoch: number;
}

/** The part of the caller that decides what a query returns: one user sees the same data in every session. */
export function actorCacheKey(actor: Actor): string | undefined {
  switch (actor.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'user':
      return `user:${actor.userId}`;
    case 'token':
      return `token:${actor.tokenId}`;
    case 'invalid':
      return undefined;
  }
}

/**
 * Whole GraphQL query responses and authentications of this process, each valid only in the
 * change-feed epoch it was computed in: any committed write anywhere invalidates all of it.
 * Coarse on purpose: what a caller may see depends on other organizations' sharing, so no finer
 * key would be safe, and a dashboard is read far more often than anything is written.
 */
export class ResponseCache {
  readonly #responses: LRUCache<string, CachedResponse>;
  readonly #authentications = new LRUCache<string, CachedAuthentication>({ max: 10_000 });
  readonly #flights = new FreshFlights<CachedResponse>();
  readonly #authenticating = new FreshFlights<Authentication>();
  /** Cacheable requests answered from the cache (stored or in flight), and those that were not. */
  hits = 0;
  misses = 0;

  constructor(
    readonly feed: ChangeEpoch,
    private readonly options: ResponseCacheOptions = DEFAULT_RESPONSE_CACHE,
    /** False when the cache is switched off (GRAPHQL_RESPONSE_CACHE=false): every request is then computed for itself. */
    readonly switchedOn = true,
  ) {
    this.#responses = new LRUCache({ maxSize: options.maxBytes, sizeCalculation: (entry, key) => entry.bytes.length + key.length });
  }

  get enabled(): boolean {
    return this.feed.live;
  }

  response(key: string, now: number): CachedResponse | undefined {
    const entry = this.#responses.get(key);
    const fresh = entry !== undefined && this.feed.live && entry.epoch === this.feed.epoch && now - entry.storedAt < this.options.ttlMs;
    return fresh ? entry : undefined;
  }

  storeResponse(key: string, entry: CachedResponse): void {
    if (!this.feed.live || entry.epoch !== this.feed.epoch || entry.bytes.length > this.options.maxEntryBytes) return;
    this.#responses.set(key, entry);
  }

  /**
   * The answer a request already computing `key` in the same epoch will give: when an entry
   * expires or the epoch moves, a dashboard's hundreds of concurrent requests would otherwise all
   * miss at once and queue on the database. Undefined when nobody is computing it (or it failed),
   * or when the epoch moved meanwhile (it may predate a change).
   */
  async inFlight(key: string, epoch: number): Promise<CachedResponse | undefined> {
    const flight = this.#flights.running(key);
    if (!flight || flight.epoch !== epoch || !this.feed.live) return undefined;
    const answer = await flight.answer;
    return answer && answer.epoch === this.feed.epoch && this.feed.live ? answer : undefined;
  }

  /**
   * The caller's turn in the next computation of `key` that starts after it asked (see
   * FreshFlights): its answer needs no epoch to be current, so followers may use it while the
   * feed is down. A leader waits for `ready`, computes and settles once (undefined when the
   * answer may not be shared).
   */
  nextFlight(key: string, epoch: number): Turn<CachedResponse> {
    return this.#flights.join(key, epoch);
  }

  /** Authenticates once for concurrent requests with one secret (each joining a lookup that starts after it asked). */
  shareAuthentication(secretHash: string, authenticate: () => Promise<Authentication>): Promise<Authentication> {
    return this.#authenticating.share(secretHash, authenticate);
  }

  authentication(secretHash: string, now: Date): Authentication | undefined {
    const entry = this.#authentications.get(secretHash);
    if (!entry || !this.feed.live || entry.epoch !== this.feed.epoch) return undefined;
    if ((entry.expiresAt && entry.expiresAt <= now) || (entry.revalidateAt && entry.revalidateAt <= now)) return undefined;
    return entry;
  }

  storeAuthentication(epoch: number, authentication: Authentication): void {
    const { secretHash, actor } = authentication;
    if (secretHash === undefined || actor.kind === 'invalid' || !this.feed.live || epoch !== this.feed.epoch) return;
    this.#authentications.set(secretHash, { ...authentication, epoch });
  }
}
