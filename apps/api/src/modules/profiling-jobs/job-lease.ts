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

/** A table of jobs agents lease, and the status of its leased rows. */
export interface LeasedJobTable {
  readonly table: 'profiling_jobs' | 'verification_jobs';
  readonly leasedStatus: 'leased' | 'running';
}

/** An organization-scoped runner (`owned(…)`): `$1` is the organization, `values` follow from `$2`. */
interface ScopedSql {
  sql<R>(text: string, values?: readonly unknown[]): Promise<R[]>;
}

/**
 * Fails the abandoned jobs that used their last attempt (instead of leaving them leased forever),
 * then leases the oldest queued job, or one whose lease ran out, counting an attempt. Its id, or
 * undefined when there is none.
 */
export async function leaseNextJob(
  jobs: ScopedSql,
  { table, leasedStatus }: LeasedJobTable,
  lease: { readonly leaseId: string; readonly expiresAt: Date; readonly tokenId: string | null; readonly agentName: string | null },
  now: Date,
): Promise<string | undefined> {
  await jobs.sql(
    `UPDATE ${table} SET status = 'failed', error_message = 'The last lease expired', lease_id = NULL, finished_at = $2
     WHERE organization_id = $1 AND status = '${leasedStatus}' AND lease_expires_at < $2 AND attempts >= max_attempts`,
    [now],
  );
  const rows = await jobs.sql<{ id: string }>(
    `UPDATE ${table} SET status = '${leasedStatus}', attempts = attempts + 1, lease_id = $2, lease_expires_at = $3, leased_by_token_id = $4, agent_name = $6
     WHERE id = (
       SELECT id FROM ${table}
       WHERE organization_id = $1 AND attempts < max_attempts
         AND (status = 'queued' OR (status = '${leasedStatus}' AND lease_expires_at < $5))
       ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING id`,
    [lease.leaseId, lease.expiresAt, lease.tokenId, now, lease.agentName],
  );
  return rows[0]?.id;
}

/** Whether a failure with this many attempts used is final (else the job goes back to the queue). */
export const isFinalAttempt = (job: { readonly attempts: number; readonly maxAttempts: number }): boolean => job.attempts >= job.maxAttempts;
