import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, EntitySchema, EntitySchemaColumnOptions } from 'typeorm';
import { z } from 'zod';
import { actorIds, demand, isUuid } from '../../auth/policy.js';
import type { OrgScope } from '../../auth/policy.js';
import { owned } from '../../database/tenant.js';
import type { OrgRef, OwnedWhere } from '../../database/tenant.js';
import { conflict, notFound, parseInput } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';

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

/** The columns every leased job has (profiling and verification jobs). */
export interface LeasedJob {
  readonly id: string;
  readonly organizationId: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  leaseId: string | null;
  leaseExpiresAt: Date | null;
  progress: number;
  errorMessage: string | null;
  finishedAt: Date | null;
}

/** One kind of leased job: its table, the status its leased rows have, its name in errors and the audit log. */
export interface LeasedJobKind<J extends LeasedJob> extends LeasedJobTable {
  readonly entity: EntitySchema<J>;
  /** `Profiling job` in NOT_FOUND errors. */
  readonly noun: string;
  /** `profiling_job` in audit actions and targets. */
  readonly auditTarget: 'profiling_job' | 'verification_job';
}

export interface JobLease<J> {
  readonly job: J;
  readonly leaseId: string;
  readonly expiresAt: Date;
}

/**
 * The lease rules above for one kind of job: lease, the held check, heartbeat, give back. Each
 * service adds what completing its kind means; a final failure can be hooked (a verifying search
 * waits on its jobs).
 */
export class LeasedJobs<J extends LeasedJob> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly kind: LeasedJobKind<J>,
  ) {}

  /** The organization's job `id`, optionally locked for update; NOT_FOUND for a malformed or foreign id. */
  async find(manager: EntityManager, scope: OrgRef, id: string, lock = false): Promise<J> {
    const query = owned(manager, this.kind.entity, scope).select('job').andWhere('job.id = :id', { id });
    const job = isUuid(id) ? await (lock ? query.setLock('pessimistic_write') : query).getOne() : null;
    if (!job) throw notFound(this.kind.noun);
    return job;
  }

  /** Leases the oldest queued (or abandoned) job of the organization; null when there is none. */
  async lease(scope: OrgScope, rawInput: unknown, now: Date): Promise<JobLease<J> | null> {
    demand(scope, 'agent');
    const input = parseInput(leaseSchema, rawInput);
    const leaseId = randomUUID();
    const expiresAt = leaseUntil(now, input.leaseSeconds);
    const holder = { leaseId, expiresAt, tokenId: actorIds(scope).actorTokenId ?? null, agentName: input.agentName || null };
    const id = await leaseNextJob(owned(this.dataSource, this.kind.entity, scope), this.kind, holder, now);
    if (!id) return null;
    return { job: await this.find(this.dataSource.manager, scope, id), leaseId, expiresAt };
  }

  /** The job under a lease the caller still holds, locked; CONFLICT when the lease was lost. */
  async held(manager: EntityManager, scope: OrgScope, jobId: string, leaseId: string, now: Date): Promise<J> {
    const job = await this.find(manager, scope, jobId, true);
    assertLeaseHeld(job, this.kind.leasedStatus, leaseId, now);
    return job;
  }

  /** The heartbeat: progress, and the lease extended from now. */
  async reportProgress(scope: OrgScope, rawInput: unknown, now: Date): Promise<J> {
    demand(scope, 'agent');
    const input = parseInput(progressSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const job = await this.held(manager, scope, input.jobId, input.leaseId, now);
      const leaseExpiresAt = leaseUntil(now, input.leaseSeconds);
      await owned(manager, this.kind.entity, scope).update({ id: job.id } as OwnedWhere<J>, { progress: input.progress, leaseExpiresAt } as Partial<J>);
      return { ...job, progress: input.progress, leaseExpiresAt };
    });
  }

  /** Gives the job back (or fails it for good after maxAttempts, then calls `onFinal` in the same transaction). */
  async fail(scope: OrgScope, rawInput: unknown, now: Date, onFinal?: (manager: EntityManager, job: J) => Promise<void>): Promise<J> {
    demand(scope, 'agent');
    const input = parseInput(failSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const job = await this.held(manager, scope, input.jobId, input.leaseId, now);
      const final = isFinalAttempt(job);
      const change = { status: final ? 'failed' : 'queued', errorMessage: input.message, leaseId: null, leaseExpiresAt: null, finishedAt: final ? now : null };
      await owned(manager, this.kind.entity, scope).update({ id: job.id } as OwnedWhere<J>, change as Partial<J>);
      const target = this.kind.auditTarget;
      await this.audit.record(manager, scope, { action: `${target}.fail`, targetType: target, targetId: job.id, data: { final } });
      const failed = { ...job, ...change };
      if (final) await onFinal?.(manager, failed);
      return failed;
    });
  }
}

/** The columns of the lease rules, the same in both job tables (the status enum is each table's own). */
export const LEASE_COLUMNS = {
  attempts: { type: 'integer', default: 0 },
  maxAttempts: { name: 'max_attempts', type: 'integer', default: 3 },
  leaseId: { name: 'lease_id', type: 'uuid', nullable: true },
  leaseExpiresAt: { name: 'lease_expires_at', type: 'timestamptz', precision: 3, nullable: true },
  leasedByTokenId: { name: 'leased_by_token_id', type: 'uuid', nullable: true },
  agentName: { name: 'agent_name', type: 'varchar', length: 100, nullable: true },
  progress: { type: 'double precision', default: 0 },
  errorMessage: { name: 'error_message', type: 'text', nullable: true },
} as const satisfies Readonly<Record<string, EntitySchemaColumnOptions>>;
