import { randomUUID } from 'node:crypto';
import { CHANGE_CHANNEL } from '@actnas/migrations';
import pg from 'pg';

const PROBE_TIMEOUT_MS = 2_000;
// The cache is off while the feed is down: come back at once, then back off while the database is away.
const FIRST_RECONNECT_MS = 20;
const MAX_RECONNECT_MS = 1_000;

/**
 * Counts committed database changes, as PostgreSQL reports them through LISTEN on the channel
 * the migrations' triggers notify. A cache entry is valid only for the epoch it was computed in,
 * and nothing is valid while the feed is not live (a notification could have been missed).
 */
export class ChangeFeed {
  #epoch = 0;
  #live = false;
  #closed = false;
  #client: pg.Client | undefined;
  #retry: NodeJS.Timeout | undefined;
  readonly #probes = new Map<string, () => void>();

  constructor(
    private readonly url: string,
    private readonly log: (message: string) => void = () => {},
  ) {}

  get epoch(): number {
    return this.#epoch;
  }

  get live(): boolean {
    return this.#live;
  }

  /** This process committed a change: invalidate now rather than when its own NOTIFY arrives. */
  bump(): void {
    this.#epoch++;
  }

  /** Listens and proves it with a round trip; false when notifications do not arrive (then caches stay off). */
  async start(): Promise<boolean> {
    try {
      await this.#connect();
      return true;
    } catch (error) {
      this.log(`change feed: not listening (${(error as Error).message}); response cache off`);
      await this.#drop();
      return false;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.#drop();
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    this.#client = client;
    client.on('notification', (message) => {
      this.#epoch++;
      if (message.payload) this.#probes.get(message.payload)?.();
    });
    client.on('error', () => this.#lost());
    client.on('end', () => this.#lost());
    await client.connect();
    await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    await this.#probe();
    this.#epoch++;
    this.#live = true;
  }

  async #probe(): Promise<void> {
    const payload = `probe:${randomUUID()}`;
    const arrived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no NOTIFY within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      this.#probes.set(payload, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    // Sent from another connection, as every real change is: a server that only echoes a
    // session's own notifications back to it would pass a probe sent on the listening one.
    const sender = new pg.Client({ connectionString: this.url });
    sender.on('error', () => undefined); // a connection killed mid-probe fails the probe, not the process
    try {
      await sender.connect();
      await sender.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, payload]);
      await arrived;
    } finally {
      this.#probes.delete(payload);
      await sender.end().catch(() => {});
    }
  }

  #lost(): void {
    if (!this.#live && this.#client === undefined) return;
    this.#live = false;
    this.#epoch++;
    void this.#drop();
    if (this.#closed) return;
    this.log('change feed: connection lost; response cache off until it is back');
    this.#retry = setTimeout(() => void this.#reconnect(FIRST_RECONNECT_MS), FIRST_RECONNECT_MS);
    this.#retry.unref();
  }

  async #reconnect(waited: number): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#connect();
      this.log('change feed: listening again');
    } catch {
      await this.#drop();
      const wait = Math.min(MAX_RECONNECT_MS, waited * 2);
      this.#retry = setTimeout(() => void this.#reconnect(wait), wait);
      this.#retry.unref();
    }
  }

  async #drop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#live = false;
    if (client) await client.end().catch(() => {});
  }
}
