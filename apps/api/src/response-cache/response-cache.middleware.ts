import type { ApolloServerPlugin } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import type { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import type { Authentication } from '../auth/authenticate.js';
import { authenticateWithValidity, bearerHash } from '../auth/authenticate.js';
import type { Context } from '../graphql/context.js';
import type { ResponseCache } from './response-cache.js';
import { actorCacheKey } from './response-cache.js';
import type { CachedResponse, RequestCacheState } from './response-cache.js';

export type { RequestCacheState } from './response-cache.js';

export const CACHE_HEADER = 'x-actnas-cache';
/** Requests whose key (variables and query) is longer are answered without the cache. */
const MAX_KEY_CHARS = 64 * 1024;


interface GraphQLBody {
  readonly query?: unknown;
  readonly operationName?: unknown;
  readonly variables?: unknown;
  readonly extensions?: unknown;
}

function cacheKey(req: Request, actor: Actor): string | undefined {
  const body = req.body as GraphQLBody | undefined;
  if (req.method !== 'POST' || typeof body?.query !== 'string' || body.extensions !== undefined) return undefined;
  const caller = actorCacheKey(actor);
  if (caller === undefined) return undefined;
  // The Accept header picks Apollo's response content type, so it is part of the response.
  const key = `${caller}\n${req.headers.accept ?? ''}\n${JSON.stringify([body.operationName ?? null, body.variables ?? null])}\n${body.query}`;
  // A request this large (a file checked by costTableCheck) is unlikely to repeat, and its key
  // would be held in memory besides the response the cache budgets for.
  return key.length > MAX_KEY_CHARS ? undefined : key;
}

async function authenticateThroughCache(cache: ResponseCache, dataSource: DataSource, authorization: string | undefined, now: Date, epoch: number): Promise<Authentication> {
  const hash = bearerHash(authorization);
  const cached = hash === undefined ? undefined : cache.authentication(hash, now);
  if (cached) return cached;
  const authenticate = () => authenticateWithValidity(dataSource, authorization, now);
  const fresh = hash !== undefined && cache.switchedOn ? await cache.shareAuthentication(hash, authenticate) : await authenticate();
  cache.storeAuthentication(epoch, fresh);
  return fresh;
}

export interface ResponseCacheDeps {
  readonly cache: ResponseCache;
  readonly dataSource: DataSource;
  readonly clock: () => Date;
}

/** Straight to Node's response: Express's send would hash the body for an ETag on every hit. */
function sendCached(res: Response, answer: CachedResponse, how: 'hit' | 'shared'): void {
  res.writeHead(200, { 'content-type': answer.contentType, 'content-length': answer.bytes.length, [CACHE_HEADER]: how }).end(answer.bytes);
}

/**
 * In front of Apollo: authenticates (through the cache), answers a repeated query from the cache
 * without parsing or executing it, and otherwise lets Apollo answer and keeps the response when
 * the plugin found it cacheable. The epoch is read before anything touches the database, so a
 * response is never filed under an epoch newer than the data it was built from. A request that
 * finds nothing usable shares the next computation of its key that starts after it arrived
 * (answered `shared`), also while the change feed is down and nothing may be cached.
 */
export function responseCacheMiddleware({ cache, dataSource, clock }: ResponseCacheDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      const epoch = cache.feed.epoch;
      const now = clock();
      const { actor } = await authenticateThroughCache(cache, dataSource, req.headers.authorization, now, epoch);
      const state: RequestCacheState = { actor, cacheable: false };
      res.locals['responseCache'] = state;
      const key = cache.switchedOn ? cacheKey(req, actor) : undefined;
      if (key === undefined) {
        next();
        return;
      }
      const hit = cache.response(key, now.getTime()) ?? (await cache.inFlight(key, epoch));
      if (hit) {
        cache.hits++;
        sendCached(res, hit, 'hit');
        return;
      }
      await computeOrShare(cache, key, epoch, now, state, res, next);
    } catch (error) {
      next(error);
    }
  };
}

async function computeOrShare(cache: ResponseCache, key: string, epoch: number, now: Date, state: RequestCacheState, res: Response, next: () => void): Promise<void> {
  const turn = cache.nextFlight(key, epoch);
  if (!turn.lead) {
    const shared = await turn.answer;
    if (shared) {
      cache.hits++;
      sendCached(res, shared, 'shared');
      return;
    }
  } else {
    await turn.ready;
    res.once('close', () => turn.settle(undefined));
    keepOnSend(res, (body) => {
      const contentType = res.getHeader('content-type');
      const entry = state.cacheable && res.statusCode === 200 && typeof contentType === 'string' ? { epoch, storedAt: now.getTime(), contentType, bytes: Buffer.from(body) } : undefined;
      if (entry) cache.storeResponse(key, entry);
      turn.settle(entry);
    });
  }
  // A follower whose leader's answer may not be shared (an error, a mutation) computes its own.
  cache.misses++;
  res.setHeader(CACHE_HEADER, 'miss');
  next();
}

function keepOnSend(res: Response, keep: (body: string) => void): void {
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    if (typeof body === 'string') keep(body);
    return send(body);
  };
}

/** The request's state, when the cache middleware ran. */
export function requestCacheState(res: Response): RequestCacheState | undefined {
  return res.locals['responseCache'] as RequestCacheState | undefined;
}

/** Marks successful queries cacheable; a mutation invalidates this process's cache before it answers. */
export function responseCachePlugin(cache: ResponseCache): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operation, response }) {
          if (operation?.operation === 'mutation') {
            cache.feed.bump();
            return;
          }
          const state = contextValue.responseCache;
          if (!state) return;
          state.cacheable = operation?.operation === 'query' && response.body.kind === 'single' && !response.body.singleResult.errors?.length;
        },
      };
    },
  };
}
