import type { ProfilingJobFieldsFragment } from '@/graphql/generated';

export const jobIsLive = (status: string): boolean => status === 'QUEUED' || status === 'LEASED' || status === 'RUNNING';

type Agent = NonNullable<ProfilingJobFieldsFragment['agent']>;

/** What agentText reads of a profiling or a verification job (the latter says RUNNING where the former says LEASED). */
export interface JobLike {
  readonly status: string;
  readonly attempts: number;
  readonly leaseExpiresAt?: string | null;
  readonly agent?: Agent | null;
}

/** The agent as the API knows it: the name it leased with and its token's prefix (never the secret). */
export function agentLabel(agent: Agent): string {
  const name = agent.name ? `"${agent.name}"` : 'an unnamed agent';
  return agent.tokenPrefix ? `${name} (token ${agent.tokenPrefix}…)` : name;
}

/** Who holds the job, or who last held it. */
export function agentText(job: JobLike): string {
  const agent = job.agent ? agentLabel(job.agent) : null;
  if (job.status === 'LEASED' || job.status === 'RUNNING') return `leased by ${agent ?? 'an agent'} until ${job.leaseExpiresAt?.slice(11, 19) ?? '?'} UTC`;
  if (job.status === 'QUEUED') {
    if (job.attempts === 0) return 'waiting for an agent';
    return agent ? `back in the queue (last held by ${agent})` : 'back in the queue (a lease expired)';
  }
  return agent ? `ran on ${agent}` : '—';
}
