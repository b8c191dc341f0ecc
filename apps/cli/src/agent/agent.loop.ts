import { setTimeout as sleepFor } from 'node:timers/promises';
import { CliUsageError } from '../shared/cli-error.js';
import type { GraphQLClient } from '../graphql/graphql.client.js';
import { ApiError, TransportError } from '../graphql/graphql.client.js';
import { heartbeatIntervalMs, startHeartbeat } from './agent.heartbeat.js';
import type { AgentSettings, MeasureHooks } from './agent.profiler.js';
import { AgentJobError, discardJobWork, measureJob } from './agent.profiler.js';
import type { AgentJobFragment, ProfilingTableInput } from '../graphql/generated.js';
import { AgentCompleteDocument, AgentFailDocument, AgentLeaseDocument, AgentOrganizationsDocument, AgentReportProgressDocument } from '../graphql/generated.js';

export interface AgentLoopOptions {
  readonly client: GraphQLClient;
  readonly settings: AgentSettings;
  /** Organization slug; needed only when the token (a user session) sees several. */
  readonly organization?: string;
  readonly leaseSeconds: number;
  /** Progress reports (each renews the lease); default a quarter of the lease. */
  readonly heartbeatMs?: number;
  readonly pollSeconds: number;
  /** Handle at most one job, then exit (at once when the queue is empty). */
  readonly once: boolean;
  /** Aborted on SIGINT/SIGTERM; the reason names the signal. */
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  readonly measure?: (job: AgentJobFragment, settings: AgentSettings, hooks: MeasureHooks) => Promise<ProfilingTableInput[]>;
}

type JobOutcome = 'succeeded' | 'failed' | 'stopped';

interface Lease {
  readonly leaseId: string;
  readonly job: AgentJobFragment;
}

/** Leases jobs and measures them until stopped; returns the exit code (0, or 1 when `once` ran a job that failed). */
export async function runAgent(o: AgentLoopOptions): Promise<number> {
  const organizationId = await resolveOrganization(o.client, o.organization);
  o.log(`agent "${o.settings.name}" polling ${o.client.url} for profiling jobs (runtime ${o.settings.runtime})`);
  let backoff = o.pollSeconds;
  while (!o.signal.aborted) {
    let lease: Lease | null;
    try {
      lease = await leaseJob(o, organizationId);
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
        o.log('no queued profiling job');
        return 0;
      }
      await sleep(o.pollSeconds, o.signal);
      continue;
    }
    const outcome = await runJob(o, organizationId, lease);
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

async function leaseJob(o: AgentLoopOptions, organizationId: string): Promise<Lease | null> {
  // The API shows the name on the job and takes at most 100 characters (a long host name would be refused).
  const agentName = o.settings.name.trim().slice(0, 100);
  const { leaseProfilingJob } = await o.client.request(AgentLeaseDocument, { input: { organizationId, leaseSeconds: o.leaseSeconds, agentName } });
  return leaseProfilingJob;
}

function describe(job: AgentJobFragment): string {
  const p = job.deviceProfile;
  return `${job.metrics.join('+').toLowerCase()} of ${job.modelSpec.name} on "${p.name}" at ${p.inputSize} px, attempt ${job.attempts}/${job.maxAttempts}`;
}

/** Measures one leased job under a heartbeat; publishes it, gives it back, or drops it when the lease is lost. */
async function runJob(o: AgentLoopOptions, organizationId: string, lease: Lease): Promise<JobOutcome> {
  const { job, leaseId } = lease;
  const held = { organizationId, jobId: job.id, leaseId };
  o.log(`job ${job.id}: leased (${describe(job)})`);
  const lost = new AbortController();
  const stop = AbortSignal.any([o.signal, lost.signal]);
  let progress = 0;
  let logged = 0;
  const logProgress = (): void => {
    if (progress - logged < 0.1) return;
    logged = progress;
    o.log(`job ${job.id}: ${Math.round(100 * progress)}%`);
  };
  const heartbeat = startHeartbeat({
    intervalMs: o.heartbeatMs ?? heartbeatIntervalMs(o.leaseSeconds),
    leaseMs: o.leaseSeconds * 1000,
    beat: async () => {
      await o.client.request(AgentReportProgressDocument, { input: { ...held, progress, leaseSeconds: o.leaseSeconds } });
      logProgress();
    },
    onLost: (message) => lost.abort(message),
    onError: (message) => o.log(`warning: job ${job.id}: progress report failed (${message}); retrying`),
  });
  const measuring = (o.measure ?? measureJob)(job, o.settings, {
    onProgress: (fraction) => {
      progress = fraction;
    },
    onCell: () => stop.throwIfAborted(),
    onMetric: (metric, cells, resumed) => o.log(`job ${job.id}: ${metric}: ${cells} cells${resumed > 0 ? `, ${resumed} resumed from the checkpoint` : ''}`),
  });
  const result = await settleOrAbort(measuring, stop);
  heartbeat.stop();
  if (result.kind === 'tables') return publish(o, held, job, result.tables);
  if (o.signal.aborted) return giveBack(o, held, `agent "${o.settings.name}" stopped (${String(o.signal.reason)}) before finishing`);
  if (lost.signal.aborted) {
    await measuring.catch(() => undefined);
    o.log(`job ${job.id}: lease lost (${String(lost.signal.reason)}); stopped measuring, nothing stored`);
    return 'failed';
  }
  const error = result.kind === 'error' ? result.error : undefined;
  if (error instanceof AgentJobError) discardJobWork(o.settings, job.id);
  return giveBack(o, held, error instanceof Error ? error.message : String(error));
}

type Settled = { readonly kind: 'tables'; readonly tables: ProfilingTableInput[] } | { readonly kind: 'error'; readonly error: unknown } | { readonly kind: 'aborted' };

/** The measurement's result, or 'aborted' as soon as `signal` fires (a cell may still be running). */
function settleOrAbort(measuring: Promise<ProfilingTableInput[]>, signal: AbortSignal): Promise<Settled> {
  if (signal.aborted) return Promise.resolve({ kind: 'aborted' });
  return new Promise((resolve) => {
    const onAbort = (): void => resolve({ kind: 'aborted' });
    signal.addEventListener('abort', onAbort, { once: true });
    measuring.then(
      (tables) => resolve(signal.aborted ? { kind: 'aborted' } : { kind: 'tables', tables }),
      (error: unknown) => resolve(signal.aborted ? { kind: 'aborted' } : { kind: 'error', error }),
    ).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

interface Held {
  readonly organizationId: string;
  readonly jobId: string;
  readonly leaseId: string;
}

async function publish(o: AgentLoopOptions, held: Held, job: AgentJobFragment, tables: ProfilingTableInput[]): Promise<JobOutcome> {
  try {
    const { completeProfilingJob } = await withRetries(() => o.client.request(AgentCompleteDocument, { input: { ...held, tables } }), o.signal);
    const stored = completeProfilingJob.costTables.map((t) => `${t.metric.toLowerCase()} v${t.version} (${t.id})`).join(', ');
    o.log(`job ${job.id}: published ${stored}`);
    discardJobWork(o.settings, job.id);
    return 'succeeded';
  } catch (err) {
    if (err instanceof ApiError && err.code === 'CONFLICT') {
      o.log(`job ${job.id}: the lease is no longer held (${err.message}); this agent stored nothing`);
      return 'failed';
    }
    if (err instanceof ApiError && err.code === 'BAD_USER_INPUT') return giveBack(o, held, `the API rejected the table: ${err.message}`);
    throw err;
  }
}

/** failProfilingJob: the job goes back to the queue (or fails for good after its last attempt). */
async function giveBack(o: AgentLoopOptions, held: Held, message: string): Promise<JobOutcome> {
  const stopping = o.signal.aborted;
  try {
    const { failProfilingJob: job } = await o.client.request(AgentFailDocument, { input: { ...held, message: message.slice(0, 4000) } });
    const next = job.status === 'QUEUED' ? 'back in the queue' : `failed after ${job.attempts}/${job.maxAttempts} attempts`;
    o.log(`job ${held.jobId}: ${message} — ${next}`);
  } catch (err) {
    o.log(`job ${held.jobId}: ${message}; could not give it back (${err instanceof Error ? err.message : String(err)}), its lease will expire`);
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
