import type { EventEmitter } from 'node:events';

/**
 * Gives every connection of a `pg` pool an 'error' listener for its whole life.
 *
 * A connection terminated right after it starts (ReadyForQuery and the FATAL 57P01 in one TCP
 * read) emits 'error' after pg-pool took its idle listener off and before the borrower (TypeORM
 * attaches its own in a promise callback) put one on: an EventEmitter 'error' with no listener
 * is an uncaught exception, and the process dies. With this listener the error only marks the
 * connection dead; whoever holds it gets a connection error (SERVICE_UNAVAILABLE) and the pool
 * drops it.
 */
export function keepPoolErrorsHandled(pool: EventEmitter, log: (message: string) => void = () => undefined): void {
  const attach = (client: EventEmitter): void => void client.on('error', (error: Error) => log(`[db] connection lost: ${error.message}`));
  pool.on('connect', attach);
  // Connections opened before this call (start-up, migrations): pg-pool keeps them in _clients.
  for (const client of (pool as unknown as { _clients?: EventEmitter[] })._clients ?? []) attach(client);
}
