import { setTimeout as sleepFor } from 'node:timers/promises';
import { CliUsageError } from '../shared/cli-error.js';
import type { GraphQLClient } from '../graphql/graphql.client.js';
import { ApiError, TransportError } from '../graphql/graphql.client.js';
import { heartbeatIntervalMs, startHeartbeat } from './agent.heartbeat.js';
import type { Completion, JobKind, LeaseContext, LeasedJob, MeasureProfiling, MeasureVerification } from './agent.jobs.js';
import { JOB_KINDS, leaseAny } from './agent.jobs.js';
import type { AgentSettings } from './agent.profiler.js';
import { AgentJobError, discardJobWork } from './agent.profiler.js';
import { AgentOrganizationsDocument } from '../graphql/generated.js';

export interface AgentLoopOptions {
  readonly client: GraphQLClient;
  readonly settings: AgentSettings;
  /** Organization slug; needed only when the token (a user session) sees several. */
  readonly organization?: string;
  /** The kinds of job to lease, asked in this order after each job; default both. */
  readonly jobs?: readonly JobKind[];
  readonly leaseSeconds: number;
  /** Progress reports (each renews the lease); default a quarter of the lease. */
  readonly heartbeatMs?: number;
  readonly pollSeconds: number;
  /** Handle at most one job, then exit (at once when the queue is empty). */
  readonly once: boolean;
  /** Aborted on SIGINT/SIGTERM; the reason names the signal. */
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  readonly measure?: MeasureProfiling;
  readonly verify?: MeasureVerification;
}

type JobOutcome = 'succeeded' | 'failed' | 'stopped';

/** Leases jobs and measures them until stopped; returns the exit code (0, or 1 when `once` ran a job that failed). */
export async function runAgent(o: AgentLoopOptions): Promise<number> {
  const organizationId = await resolveOrganization(o.client, o.organization);
  const context: LeaseContext = {
    client: o.client, settings: o.settings, organizationId, leaseSeconds: o.leaseSeconds,
    ...(o.measure ? { measure: o.measure } : {}), ...(o.verify ? { verify: o.verify } : {}),
  };
  let kinds = o.jobs ?? JOB_KINDS;
  const wanted = kinds.join(' and ');
  o.log(`agent "${o.settings.name}" polling ${o.client.url} for ${wanted} jobs (runtime ${o.settings.runtime})`);
  let backoff = o.pollSeconds;
  while (!o.signal.aborted) {
    let lease: LeasedJob | null;
    try {
      lease = await leaseAny(context, kinds);
      backoff = o.pollSeconds;
    } catch (err) {
      if (o.once || !transient(err)) throw err;
      o.log(`warning: ${err.message}; retrying in ${backoff} s`);
      await sleep(backoff, o.signal);
      backoff = Math.min(60, backoff * 2);
      continue;
    }
    if (!lease) {
      if (o.once) {
        o.log(`no queued ${kinds.join(' or ')} job`);
        return 0;
      }
      await sleep(o.pollSeconds, o.signal);
      continue;
    }
    // The other kinds are asked first next time, so a long queue of one kind does not starve the other.
    kinds = [...kinds.filter((k) => k !== lease.kind), lease.kind];
    const outcome = await runJob(o, lease);
    if (o.once || outcome === 'stopped') return outcome === 'failed' ? 1 : 0;
  }
  return 0;
}

/** Worth retrying in a long-running agent: the network, or a server error; not a bad token or request. */
function transient(err: unknown): err is Error {
  return err instanceof TransportError || (err instanceof ApiError && (err.code === 'INTERNAL_SERVER_ERROR' || err.code === 'UNKNOWN'));
}

async function resolveOrganization(client: GraphQLClient, slug: string | undefined): Promise<string> {
  const { organizations } = await client.request(AgentOrganizationsDocument, {});
  const nodes = organizations.nodes;
  if (slug !== undefined) {
    const match = nodes.find((n) => n.slug === slug);
    if (!match) throw new CliUsageError(`--org ${slug}: the token cannot see that organization`);
    return match.id;
  }
  if (nodes.length === 1) return nodes[0]!.id;
  if (nodes.length === 0) throw new CliUsageError('the token belongs to no organization');
  throw new CliUsageError(`the token sees ${nodes.length} organizations (${nodes.map((n) => n.slug).join(', ')}); choose one with --org`);
}

/** Measures one leased job under a heartbeat; completes it, gives it back, or drops it when the lease is lost. */
async function runJob(o: AgentLoopOptions, job: LeasedJob): Promise<JobOutcome> {
  const id = job.held.jobId;
  o.log(`job ${id}: leased (${job.summary})`);
  const lost = new AbortController();
  const stop = AbortSignal.any([o.signal, lost.signal]);
  let progress = 0;
  let logged = 0;
  const logProgress = (): void => {
    if (progress - logged < 0.1) return;
    logged = progress;
    o.log(`job ${id}: ${Math.round(100 * progress)}%`);
  };
  const heartbeat = startHeartbeat({
    intervalMs: o.heartbeatMs ?? heartbeatIntervalMs(o.leaseSeconds),
    leaseMs: o.leaseSeconds * 1000,
    beat: async () => {
      await job.report(progress);
      logProgress();
    },
    onLost: (message) => lost.abort(message),
    onError: (message) => o.log(`warning: job ${id}: progress report failed (${message}); retrying`),
  });
  const measuring = job.measure({
    onProgress: (fraction) => {
      progress = fraction;
    },
    onCell: () => stop.throwIfAborted(),
    onMetric: (metric, cells, resumed) => o.log(`job ${id}: ${metric}: ${cells} cells${resumed > 0 ? `, ${resumed} resumed from the checkpoint` : ''}`),
  });
  const result = await settleOrAbort(measuring, stop);
  heartbeat.stop();
  if (result.kind === 'done') return complete(o, job, result.complete);
  if (o.signal.aborted) return giveBack(o, job, `agent "${o.settings.name}" stopped (${String(o.signal.reason)}) before finishing`);
  if (lost.signal.aborted) {
    await measuring.catch(() => undefined);
    o.log(`job ${id}: lease lost (${String(lost.signal.reason)}); stopped measuring, nothing stored`);
    return 'failed';
  }
  const error = result.kind === 'error' ? result.error : undefined;
  if (error instanceof AgentJobError) discardJobWork(o.settings, id);
  return giveBack(o, job, error instanceof Error ? error.message : String(error));
}

type Settled = { readonly kind: 'done'; readonly complete: Completion } | { readonly kind: 'error'; readonly error: unknown } | { readonly kind: 'aborted' };

/** The measurement's result, or 'aborted' as soon as `signal` fires (a cell may still be running). */
function settleOrAbort(measuring: Promise<Completion>, signal: AbortSignal): Promise<Settled> {
  if (signal.aborted) return Promise.resolve({ kind: 'aborted' });
  return new Promise((resolve) => {
    const onAbort = (): void => resolve({ kind: 'aborted' });
    signal.addEventListener('abort', onAbort, { once: true });
    measuring.then(
      (complete) => resolve(signal.aborted ? { kind: 'aborted' } : { kind: 'done', complete }),
      (error: unknown) => resolve(signal.aborted ? { kind: 'aborted' } : { kind: 'error', error }),
    ).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function complete(o: AgentLoopOptions, job: LeasedJob, send: Completion): Promise<JobOutcome> {
  const id = job.held.jobId;
  try {
    const stored = await withRetries(send, o.signal);
    o.log(`job ${id}: ${stored}`);
    discardJobWork(o.settings, id);
    return 'succeeded';
  } catch (err) {
    if (err instanceof ApiError && err.code === 'CONFLICT') {
      o.log(`job ${id}: the lease is no longer held (${err.message}); this agent stored nothing`);
      return 'failed';
    }
    if (err instanceof ApiError && err.code === 'BAD_USER_INPUT') return giveBack(o, job, `the API rejected the ${job.kind === 'profiling' ? 'table' : 'measurements'}: ${err.message}`);
    throw err;
  }
}

/** The job goes back to the queue (or fails for good after its last attempt). */
async function giveBack(o: AgentLoopOptions, job: LeasedJob, message: string): Promise<JobOutcome> {
  const stopping = o.signal.aborted;
  const id = job.held.jobId;
  try {
    const after = await job.giveBack(message.slice(0, 4000));
    const next = after.status === 'QUEUED' ? 'back in the queue' : `failed after ${after.attempts}/${after.maxAttempts} attempts`;
    o.log(`job ${id}: ${message} — ${next}`);
  } catch (err) {
    o.log(`job ${id}: ${message}; could not give it back (${err instanceof Error ? err.message : String(err)}), its lease will expire`);
  }
  return stopping ? 'stopped' : 'failed';
}

/** Retries transport failures (not API answers) a few times, so a network blip does not waste a measured job. */
async function withRetries<T>(call: () => Promise<T>, signal: AbortSignal, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof TransportError) || i >= attempts || signal.aborted) throw err;
      await sleep(2 ** i, signal);
    }
  }
}

async function sleep(seconds: number, signal: AbortSignal): Promise<void> {
  await sleepFor(seconds * 1000, undefined, { signal }).catch(() => undefined);
}
