import PgBoss from 'pg-boss';
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
}

/**
 * pg-boss on the application's own database: jobs are enqueued in the same transaction as the
 * row they concern, so a job never exists without its search request (or the reverse).
 */
export class JobQueue {
  private readonly boss: PgBoss;
  private readonly workerIds: string[] = [];

  constructor(private readonly options: JobQueueOptions) {
    this.boss = new PgBoss({ connectionString: options.url, max: Math.max(2, options.workers + 1), schema: 'pgboss' });
    this.boss.on('error', (error) => console.error('[jobs]', error));
  }

  async start(): Promise<void> {
    await this.boss.start();
    await this.boss.createQueue(SEARCH_QUEUE, { name: SEARCH_QUEUE, retryLimit: 2, retryDelay: 1, expireInSeconds: 15 * 60 });
  }

  async work(handler: (job: SearchJob) => Promise<void>): Promise<void> {
    for (let i = 0; i < this.options.workers; i++) {
      const id = await this.boss.work<SearchJob>(
        SEARCH_QUEUE,
        { pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 0.5, batchSize: 1 },
        async ([job]) => {
          if (job) await handler(job.data);
        },
      );
      this.workerIds.push(id);
    }
  }

  /** Enqueues within `manager`'s transaction. */
  async enqueueSearch(manager: EntityManager, job: SearchJob): Promise<void> {
    const db = {
      executeSql: async (text: string, values: unknown[]) => ({ rows: await queryRows(manager, text, values) }),
    };
    await this.boss.send(SEARCH_QUEUE, { ...job }, { db, singletonKey: job.searchRequestId });
  }

  /** Wakes this process's workers now instead of at their next poll (after a commit). */
  wake(): void {
    for (const id of this.workerIds) this.boss.notifyWorker(id);
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
