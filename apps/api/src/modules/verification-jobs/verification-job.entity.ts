import { EntitySchema } from 'typeorm';
import type { METRICS } from '../cost-tables/cost-table.entity.js';
import { LEASE_COLUMNS } from '../profiling-jobs/job-lease.js';

/** A table metric: what a verification measures whole. */
export type VerifiedMetric = (typeof METRICS)[number];

export const VERIFICATION_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type VerificationJobStatus = (typeof VERIFICATION_STATUSES)[number];

/**
 * A request to measure proposals of a proposal set whole on a device profile. Agents lease it like
 * a profiling job: a lease that expires (the agent died) makes it leasable again, attempts are
 * counted up to maxAttempts. Its results are ProposalMeasurement rows; the set never changes.
 */
export interface VerificationJob {
  id: string;
  organizationId: string;
  proposalSetId: string;
  deviceProfileId: string;
  /** The model spec of the set's search (what the agent builds the proposals from). */
  modelSpecId: string;
  /** The ranks to measure, ascending. */
  ranks: number[];
  /** What the agent may measure: the metrics of the device's tables for the model spec. */
  metrics: VerifiedMetric[];
  status: VerificationJobStatus;
  attempts: number;
  maxAttempts: number;
  /** Identifies the current lease; a completion must present it. */
  leaseId: string | null;
  leaseExpiresAt: Date | null;
  leasedByTokenId: string | null;
  agentName: string | null;
  progress: number;
  errorMessage: string | null;
  createdById: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export const VerificationJobEntity = new EntitySchema<VerificationJob>({
  name: 'VerificationJob',
  tableName: 'verification_jobs',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    organizationId: { name: 'organization_id', type: 'uuid' },
    proposalSetId: { name: 'proposal_set_id', type: 'uuid' },
    deviceProfileId: { name: 'device_profile_id', type: 'uuid' },
    modelSpecId: { name: 'model_spec_id', type: 'uuid' },
    ranks: { type: 'integer', array: true },
    metrics: { type: 'text', array: true },
    status: { type: 'enum', enum: [...VERIFICATION_STATUSES], enumName: 'verification_job_status', default: 'queued' },
    ...LEASE_COLUMNS,
    createdById: { name: 'created_by_id', type: 'uuid', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
    finishedAt: { name: 'finished_at', type: 'timestamptz', precision: 3, nullable: true },
  },
  indices: [
    { name: 'ix_verification_jobs_organization_created', columns: ['organizationId', 'createdAt'] },
    { name: 'ix_verification_jobs_organization_status', columns: ['organizationId', 'status'] },
    // A version's jobs (Organization.verificationJobs(proposalSetId)), and the cascade when a set goes.
    { name: 'ix_verification_jobs_proposal_set_created', columns: ['proposalSetId', 'createdAt'] },
  ],
  foreignKeys: [
    { target: 'Organization', columnNames: ['organization_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'ProposalSet', columnNames: ['proposal_set_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'DeviceProfile', columnNames: ['device_profile_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'ModelSpec', columnNames: ['model_spec_id'], referencedColumnNames: ['id'], onDelete: 'RESTRICT' },
  ],
});
