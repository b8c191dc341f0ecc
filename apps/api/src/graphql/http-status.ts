import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode, httpStatusOf } from '../errors.js';

// Codes whose HTTP status a client (or a proxy) acts on, with Retry-After when they say when.
const STATUS_CODES: ReadonlySet<string> = new Set([ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.TOO_MANY_REQUESTS]);

/** Answers 503 / 429 (with Retry-After) when an operation failed for one of those reasons. */
export function httpStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const error = response.body.singleResult.errors?.find((e) => STATUS_CODES.has(String(e.extensions?.['code'])));
          if (!error) return;
          response.http.status = httpStatusOf(error.extensions?.['code']);
          const retryAfter = error.extensions?.['retryAfterSeconds'];
          if (typeof retryAfter === 'number') response.http.headers.set('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
        },
      };
    },
  };
}
