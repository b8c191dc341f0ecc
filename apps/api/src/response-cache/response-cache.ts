import { LRUCache } from 'lru-cache';
import type { Actor } from '../auth/actor.js';
import type { Authentication } from '../auth/authenticate.js';

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
  readonly #inFlight = new Map<string, { readonly epoch: number; readonly answer: Promise<CachedResponse | undefined> }>();
  /** Cacheable requests answered from the cache (stored or in flight), and those that were not. */
  hits = 0;
  misses = 0;

  constructor(
    readonly feed: ChangeEpoch,
    private readonly options: ResponseCacheOptions = DEFAULT_RESPONSE_CACHE,
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
   * miss at once and queue on the database. Undefined when nobody is computing it (or it failed).
   */
  async inFlight(key: string, epoch: number): Promise<CachedResponse | undefined> {
    const flight = this.#inFlight.get(key);
    if (!flight || flight.epoch !== epoch) return undefined;
    const answer = await flight.answer;
    return answer && answer.epoch === this.feed.epoch && this.feed.live ? answer : undefined;
  }

  /** Registers this request as computing `key`; call the result once with its answer (or undefined). */
  lead(key: string, epoch: number): (answer: CachedResponse | undefined) => void {
    let settle!: (answer: CachedResponse | undefined) => void;
    const answer = new Promise<CachedResponse | undefined>((resolve) => (settle = resolve));
    const flight = { epoch, answer };
    this.#inFlight.set(key, flight);
    let settled = false;
    return (value) => {
      if (settled) return;
      settled = true;
      if (this.#inFlight.get(key) === flight) this.#inFlight.delete(key);
      settle(value);
    };
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
