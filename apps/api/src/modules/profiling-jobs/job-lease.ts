import { z } from 'zod';
import { conflict } from '../../errors.js';

// The lease rules agents work under, shared by profiling and verification jobs: an agent leases the
// oldest queued job (or one whose lease ran out), every lease counts an attempt, a heartbeat
// extends the lease, and only the holder of an unexpired lease may report, complete or fail it.

export const DEFAULT_LEASE_SECONDS = 300;

const leaseSeconds = z.number().int().min(10).max(3600).nullish();

export const leaseSchema = z.object({
  organizationId: z.string(),
  leaseSeconds,
  agentName: z.string().trim().max(100).nullish(),
});
export const heldSchema = z.object({ organizationId: z.string(), jobId: z.string(), leaseId: z.string() });
export const progressSchema = heldSchema.extend({ progress: z.number().min(0).max(1), leaseSeconds });
export const failSchema = heldSchema.extend({ message: z.string().max(4000) });

/** When a lease taken (or extended) at `now` for `seconds` (the default when unset) runs out. */
export const leaseUntil = (now: Date, seconds: number | null | undefined): Date => new Date(now.getTime() + (seconds ?? DEFAULT_LEASE_SECONDS) * 1000);

interface LeasedRow {
  readonly status: string;
  readonly leaseId: string | null;
  readonly leaseExpiresAt: Date | null;
}

/** CONFLICT unless `job` is in its leased status under `leaseId` and the lease has not run out. */
export function assertLeaseHeld(job: LeasedRow, leasedStatus: string, leaseId: string, now: Date): void {
  if (job.status !== leasedStatus || job.leaseId !== leaseId || !job.leaseExpiresAt || job.leaseExpiresAt < now) {
    throw conflict('This lease is no longer held (it expired or the job was leased again)');
  }
}

/** Whether a failure with this many attempts used is final (else the job goes back to the queue). */
export const isFinalAttempt = (job: { readonly attempts: number; readonly maxAttempts: number }): boolean => job.attempts >= job.maxAttempts;
