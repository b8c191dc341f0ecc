import type { ProfilingJobFieldsFragment } from '@/graphql/generated';

export const jobIsLive = (status: string): boolean => status === 'QUEUED' || status === 'LEASED' || status === 'RUNNING';

/** Who holds the job: the API knows an agent only by its lease. */
export function agentText(job: ProfilingJobFieldsFragment): string {
  if (job.status === 'LEASED') return `leased by an agent until ${job.leaseExpiresAt?.slice(11, 19) ?? '?'} UTC`;
  if (job.status === 'QUEUED') return job.attempts > 0 ? 'back in the queue (a lease expired)' : 'waiting for an agent';
  return '—';
}
