import { setTimeout as sleep } from 'node:timers/promises';
import type { EventEmitter } from 'node:events';
import PgBoss from 'pg-boss';
import { keepPoolErrorsHandled } from '../database/pool-errors.js';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';

export const SEARCH_QUEUE = 'search';

export interface SearchJob {
  readonly searchRequestId: string;
  /** Absent only in jobs queued by versions before jobs carried their organization. */
  readonly organizationId?: string;
}

export interface JobQueueOptions {
  readonly url: string;
  /** Searches solved at once by this process; 0 starts no worker (API-only process). */
  readonly workers: number;
  readonly pollingIntervalSeconds?: number;
  readonly log?: (message: string) => void;
}

const MAX_BACKOFF_MS = 5_000;
const SETTLE_ATTEMPTS = 16;

/**
 * pg-boss on the application's own database: jobs are enqueued in the same transaction as the
 * row they concern, so a job never exists without its search request (or the reverse).
 *
 * The workers are our own loops over `fetch` / `complete` / `fail`, every call awaited: pg-boss's
 * `work()` completes and fails jobs without awaiting them, so a database that drops its
 * connections at that moment raised an unhandled rejection and took the process down.
 */
export class JobQueue {
  private readonly boss: PgBoss;
  private readonly log: (message: string) => void;
  private readonly loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();
  private stopping = false;

  constructor(private readonly options: JobQueueOptions) {
    this.log = options.log ?? ((message) => console.error(message));
    // The whole options object becomes pg.Pool's configuration: fail fast while PostgreSQL is away.
    const poolOptions = { connectionTimeoutMillis: 5_000 };
    this.boss = new PgBoss({ connectionString: options.url, max: Math.max(2, options.workers + 1), schema: 'pgboss', ...poolOptions });
    // Pool errors (a connection killed while idle) and maintenance failures arrive here; they are
    // logged, never thrown: pg-boss reconnects on its next query.
    this.boss.on('error', (error) => this.log(`[jobs] ${error.message}`));
  }

  async start(): Promise<void> {
    await this.boss.start();
    const pool = (this.boss.getDb() as { pool?: EventEmitter }).pool;
    if (pool) keepPoolErrorsHandled(pool);
    await this.boss.createQueue(SEARCH_QUEUE, { name: SEARCH_QUEUE, retryLimit: 2, retryDelay: 1, expireInSeconds: 15 * 60 });
  }

  /** Starts `workers` loops that run `handler` on each search job; a throw fails the job (pg-boss retries it). */
  async work(handler: (job: SearchJob) => Promise<void>): Promise<void> {
    for (let i = 0; i < this.options.workers; i++) this.loops.push(this.loop(handler));
  }

  private async loop(handler: (job: SearchJob) => Promise<void>): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        const [job] = await this.boss.fetch<SearchJob>(SEARCH_QUEUE, { batchSize: 1 });
        failures = 0;
        if (!job) {
          await this.idle((this.options.pollingIntervalSeconds ?? 0.5) * 1000);
          continue;
        }
        let failure: unknown;
        try {
          await handler(job.data);
        } catch (error) {
          failure = error;
        }
        const message = failure instanceof Error ? failure.message : String(failure);
        await this.settle(() => (failure === undefined ? this.boss.complete(SEARCH_QUEUE, job.id) : this.boss.fail(SEARCH_QUEUE, job.id, { message })));
      } catch (error) {
        // The database is away: back off and try again. A job whose completion was lost is
        // redelivered after it expires; the search runner makes a second run harmless.
        failures++;
        this.log(`[jobs] worker: ${(error as Error).message}`);
        await this.idle(Math.min(MAX_BACKOFF_MS, 100 * 2 ** failures));
      }
    }
  }

  /**
   * Completes or fails a job, retrying while the database is away (up to about a minute): a lost
   * completion would leave the job active until it expires, and its retry with it.
   */
  private async settle(call: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await call();
        return;
      } catch (error) {
        if (attempt >= SETTLE_ATTEMPTS || this.stopping) throw error;
        await this.idle(Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt));
      }
    }
  }

  private idle(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const controller = new AbortController();
    const wake = (): void => controller.abort();
    this.wakers.add(wake);
    return sleep(ms, undefined, { signal: controller.signal })
      .catch(() => undefined)
      .finally(() => this.wakers.delete(wake));
  }

  /** Enqueues within `manager`'s transaction. */
  async enqueueSearch(manager: EntityManager, job: SearchJob, singletonKey = job.searchRequestId): Promise<void> {
    const db = {
      executeSql: async (text: string, values: unknown[]) => ({ rows: await queryRows(manager, text, values) }),
    };
    await this.boss.send(SEARCH_QUEUE, { ...job }, { db, singletonKey });
  }

  /**
   * Which of these search requests have a job still to run: created, waiting for a retry, or active
   * since less than `staleActiveSeconds`. A job active for longer while its search is still queued
   * was fetched by a worker that died before it started the search (kill -9 between the two); it
   * would otherwise sit until pg-boss expires it (15 min).
   */
  async pendingSearches(searchRequestIds: readonly string[], staleActiveSeconds: number): Promise<Set<string>> {
    if (searchRequestIds.length === 0) return new Set();
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT DISTINCT data->>'searchRequestId' AS id FROM pgboss.job
       WHERE name = $1 AND data->>'searchRequestId' = ANY($2::text[])
         AND (state < 'active' OR (state = 'active' AND started_on > now() - make_interval(secs => $3)))`,
      [SEARCH_QUEUE, [...searchRequestIds], staleActiveSeconds],
    );
    return new Set((rows as { id: string }[]).map((row) => row.id));
  }

  /** Wakes this process's workers now instead of at their next poll (after a commit). */
  wake(): void {
    for (const wake of this.wakers) wake();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await Promise.all(this.loops);
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
