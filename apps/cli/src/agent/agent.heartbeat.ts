import { ApiError } from '../graphql/graphql.client.js';

export interface HeartbeatOptions {
  readonly intervalMs: number;
  /** Lease length: when no beat has succeeded for this long, the lease is gone even if the API never said so. */
  readonly leaseMs: number;
  /** Reports progress; resolving extends the lease. */
  readonly beat: () => Promise<void>;
  /** The API says the lease is gone (expired and leased again): stop measuring, store nothing. */
  readonly onLost: (message: string) => void;
  readonly onError: (message: string) => void;
}

export interface Heartbeat {
  stop(): void;
}

/** Lease codes that mean another agent owns the job now; anything else is retried next beat. */
const LOST = new Set(['CONFLICT', 'NOT_FOUND']);

/** Beats every `intervalMs` (well inside the lease) until stopped or the lease is lost. */
export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  let inFlight = false;
  let stopped = false;
  let renewed = Date.now();
  const lose = (message: string): void => {
    stopped = true;
    clearInterval(timer);
    options.onLost(message);
  };
  const tick = async (): Promise<void> => {
    if (inFlight || stopped) return;
    inFlight = true;
    try {
      await options.beat();
      renewed = Date.now();
    } catch (err) {
      if (stopped) return;
      if (err instanceof ApiError && LOST.has(err.code)) lose(err.message);
      // Completing after the lease ran out is refused anyway: stop measuring rather than waste the work.
      else if (Date.now() - renewed >= options.leaseMs) lose('the lease ran out while progress reports failed');
      else options.onError(err instanceof Error ? err.message : String(err));
    } finally {
      inFlight = false;
    }
  };
  const timer = setInterval(() => void tick(), options.intervalMs);
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/** A beat every quarter lease: three can be missed (a slow network, a busy host) before it lapses. */
export function heartbeatIntervalMs(leaseSeconds: number): number {
  return Math.min(30_000, Math.max(1_000, (leaseSeconds * 1000) / 4));
}
