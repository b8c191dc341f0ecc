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
  // Connections opened before this call (start-up, migrations).
  for (const client of internalsOf(pool)._clients) attach(client);
}

const REFILL_ROUNDS = 5;
const FIRST_RETRY_MS = 10;

/** What `refillLostConnections` needs of a pg-pool Pool. */
export interface RefillablePool extends EventEmitter {
  readonly totalCount: number;
  readonly ending: boolean;
  readonly options: { readonly max: number };
  connect(): Promise<{ release(): void }>;
}

/**
 * What pg-pool (3.x) keeps of its connections, none of it public API: every connection
 * (`_clients`), the idle ones (`_idle`), and how one is dropped (`_remove`). Its public API has
 * no way to list connections opened before a call or to evict a given idle one.
 */
interface PoolInternals {
  readonly _clients: readonly EventEmitter[];
  readonly _idle: readonly { readonly client: EventEmitter }[];
  _remove(client: EventEmitter): void;
}

/** The pool's internals, checked: a pg-pool that renamed them fails here, not silently at the first outage. */
export function internalsOf(pool: object): PoolInternals {
  const internals = pool as Partial<PoolInternals>;
  const missing = [Array.isArray(internals._clients) ? '' : '_clients', Array.isArray(internals._idle) ? '' : '_idle', typeof internals._remove === 'function' ? '' : '_remove()'].filter(Boolean);
  if (missing.length) throw new Error(`the database pool has no ${missing.join(', ')}: pool-errors.ts was written against pg-pool 3.x internals`);
  return internals as PoolInternals;
}

const lossReporters = new WeakMap<object, () => void>();

/**
 * Tells the pool a statement failed because its connection died (the failed one is gone already):
 * the idle connections opened before are dropped too, as the same kill or restart ended them,
 * and the pool is refilled. Without this a retry would be handed one of them and fail again.
 */
export function connectionLost(pool: object): void {
  lossReporters.get(pool)?.();
}

/**
 * Brings the pool back, at once and in parallel, to as many connections as it had when one died
 * of a connection error (a terminated backend, a failover). When PostgreSQL drops every
 * connection, pg-pool evicts the dead idle ones as it reads each one's notice, and then each
 * statement after the outage opens its own connection on the request's critical path, and a
 * request's parallel statements pay for that in turn; opening the replacements while the first
 * requests still authenticate takes that off their path. A replacement can die as it connects,
 * or be handed an idle connection whose death was not read yet: the level is checked again a few
 * times, backing off, and then left to the next request (the database may be down).
 */
export function refillLostConnections(pool: RefillablePool): void {
  const internals = internalsOf(pool);
  const connectedAt = new WeakMap<EventEmitter, number>();
  let level = 0;
  let lossAt: number | undefined;
  const refill = (round: number): void => {
    const missing = Math.min(level, pool.options.max) - pool.totalCount;
    if (pool.ending || missing <= 0 || round > REFILL_ROUNDS) {
      lossAt = undefined;
      level = 0;
      return;
    }
    const opened = Array.from({ length: missing }, () => pool.connect().then((client) => client.release()));
    void Promise.allSettled(opened).then(() => setTimeout(() => refill(round + 1), FIRST_RETRY_MS * 2 ** round).unref());
  };
  const lost = (countingTheFailed: number): void => {
    level = Math.max(level, pool.totalCount + countingTheFailed);
    if (lossAt !== undefined) return;
    lossAt = performance.now();
    // Connections opened before the loss was seen; the refill's own come after.
    for (const { client } of [...internals._idle]) if ((connectedAt.get(client) ?? 0) < lossAt) internals._remove(client);
    // One refill for all the connections one kill ends: their errors arrive within a few reads.
    setImmediate(() => refill(1));
  };
  const watch = (client: EventEmitter): void => {
    connectedAt.set(client, performance.now());
    // Before pg-pool's own listener drops it: the count still includes this connection.
    client.on('error', () => lost(0));
  };
  pool.on('connect', watch);
  for (const client of internals._clients) watch(client);
  lossReporters.set(pool, () => lost(1));
}
