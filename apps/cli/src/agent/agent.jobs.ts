import type { GraphQLClient } from '../graphql/graphql.client.js';
import type { AgentJobFragment, AgentVerificationJobFragment, ProfilingTableInput, ProposalMeasurementInput } from '../graphql/generated.js';
import {
  AgentCompleteDocument, AgentCompleteVerificationDocument, AgentFailDocument, AgentFailVerificationDocument, AgentLeaseDocument, AgentLeaseVerificationDocument,
  AgentReportProgressDocument, AgentReportVerificationProgressDocument,
} from '../graphql/generated.js';
import type { AgentSettings, MeasureHooks } from './agent.profiler.js';
import { measureJob } from './agent.profiler.js';
import { setName, verifyJob } from './agent.verifier.js';

/** The kinds of job an agent leases (`actnas agent --jobs`). */


export type JobKind = 'profiling' | 'verification';
export const JOB_KINDS: readonly JobKind[] = ['profiling', 'verification'];

export type MeasureProfiling = (job: AgentJobFragment, settings: AgentSettings, hooks: MeasureHooks) => Promise<ProfilingTableInput[]>;
export type MeasureVerification = (job: AgentVerificationJobFragment, settings: AgentSettings, hooks: MeasureHooks) => Promise<ProposalMeasurementInput[]>;

export interface Held {
  readonly organizationId: string;
  readonly jobId: string;
  readonly leaseId: string;
}

/** Sends what was measured and closes the job; resolves with what the API stored, for the log. */
export type Completion = () => Promise<string>;

/** A leased job of any kind, bound to its API calls: the loop runs every kind the same way. */
export interface LeasedJob {
  readonly kind: JobKind;
  readonly held: Held;
  readonly summary: string;
  measure(hooks: MeasureHooks): Promise<Completion>;
  report(progress: number): Promise<void>;
  /** Back to the queue, or failed for good after the last attempt. */
  giveBack(message: string): Promise<{ readonly status: string; readonly attempts: number; readonly maxAttempts: number }>;
}

export interface LeaseContext {
  readonly client: GraphQLClient;
  readonly settings: AgentSettings;
  readonly organizationId: string;
  readonly leaseSeconds: number;
  readonly measure?: MeasureProfiling;
  readonly verify?: MeasureVerification;
}

const lower = (metrics: readonly string[]): string => metrics.join('+').toLowerCase();
const where = (p: { readonly name: string; readonly inputSize: number }): string => `on "${p.name}" at ${p.inputSize} px`;
const attempt = (job: { readonly attempts: number; readonly maxAttempts: number }): string => `attempt ${job.attempts}/${job.maxAttempts}`;

function leaseInput(c: LeaseContext) {
  // The API shows the name on the job and takes at most 100 characters (a long host name would be refused).
  return { organizationId: c.organizationId, leaseSeconds: c.leaseSeconds, agentName: c.settings.name.trim().slice(0, 100) };
}

async function leaseProfiling(c: LeaseContext): Promise<LeasedJob | null> {
  const lease = (await c.client.request(AgentLeaseDocument, { input: leaseInput(c) })).leaseProfilingJob;
  if (!lease) return null;
  const { job } = lease;
  const held = { organizationId: c.organizationId, jobId: job.id, leaseId: lease.leaseId };
  return {
    kind: 'profiling',
    held,
    summary: `profiling: ${lower(job.metrics)} of ${job.modelSpec.name} ${where(job.deviceProfile)}, ${attempt(job)}`,
    measure: async (hooks) => {
      const tables = await (c.measure ?? measureJob)(job, c.settings, hooks);
      return async () => {
        const { completeProfilingJob } = await c.client.request(AgentCompleteDocument, { input: { ...held, tables } });
        return `published ${completeProfilingJob.costTables.map((t) => `${t.metric.toLowerCase()} v${t.version} (${t.id})`).join(', ')}`;
      };
    },
    report: async (progress) => {
      await c.client.request(AgentReportProgressDocument, { input: { ...held, progress, leaseSeconds: c.leaseSeconds } });
    },
    giveBack: async (message) => (await c.client.request(AgentFailDocument, { input: { ...held, message } })).failProfilingJob,
  };
}

async function leaseVerification(c: LeaseContext): Promise<LeasedJob | null> {
  const lease = (await c.client.request(AgentLeaseVerificationDocument, { input: leaseInput(c) })).leaseVerificationJob;
  if (!lease) return null;
  const { job } = lease;
  const held = { organizationId: c.organizationId, jobId: job.id, leaseId: lease.leaseId };
  return {
    kind: 'verification',
    held,
    summary: `verification: ${lower(job.metrics)} of ranks ${job.ranks.join(',')} of ${job.modelSpec.name} (${setName(job.proposalSet)}) ${where(job.deviceProfile)}, ${attempt(job)}`,
    measure: async (hooks) => {
      const measurements = await (c.verify ?? verifyJob)(job, c.settings, hooks);
      return async () => {
        const { completeVerificationJob } = await c.client.request(AgentCompleteVerificationDocument, { input: { ...held, measurements } });
        return `stored ${completeVerificationJob.measurements.length} measurements of ${setName(job.proposalSet)}`;
      };
    },
    report: async (progress) => {
      await c.client.request(AgentReportVerificationProgressDocument, { input: { ...held, progress, leaseSeconds: c.leaseSeconds } });
    },
    giveBack: async (message) => (await c.client.request(AgentFailVerificationDocument, { input: { ...held, message } })).failVerificationJob,
  };
}

const LEASE: Readonly<Record<JobKind, (c: LeaseContext) => Promise<LeasedJob | null>>> = { profiling: leaseProfiling, verification: leaseVerification };

/** The first job of `kinds`, asked in that order; null when every queue is empty. */
export async function leaseAny(c: LeaseContext, kinds: readonly JobKind[]): Promise<LeasedJob | null> {
  for (const kind of kinds) {
    const job = await LEASE[kind](c);
    if (job) return job;
  }
  return null;
}
