import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode, httpStatusOf } from '../errors.js';

// Codes whose HTTP status a client (or a proxy) acts on, with Retry-After when they say when.
const STATUS_CODES: ReadonlySet<string> = new Set([ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.TOO_MANY_REQUESTS]);

/** Errors one response lists; the rest are counted in a last error (e.g. 5,000 aliases each NOT_FOUND). */
export const MAX_LISTED_ERRORS = 100;

/** Keeps the first MAX_LISTED_ERRORS errors of a response and says how many more there were. */
export function errorListPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          if (!errors || errors.length <= MAX_LISTED_ERRORS) return;
          const more = errors.length - MAX_LISTED_ERRORS;
          response.body.singleResult.errors = [
            ...errors.slice(0, MAX_LISTED_ERRORS),
            { message: `… and ${more} more error${more === 1 ? '' : 's'}`, extensions: { code: 'TOO_MANY_ERRORS', errorCount: errors.length, listed: MAX_LISTED_ERRORS } },
          ];
        },
      };
    },
  };
}

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
