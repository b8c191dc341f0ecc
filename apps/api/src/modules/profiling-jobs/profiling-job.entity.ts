import type { MetricKind } from '@actnas/core';
import { EntitySchema } from 'typeorm';
import { LEASE_COLUMNS } from './job-lease.js';

export const PROFILING_STATUSES = ['queued', 'leased', 'succeeded', 'failed'] as const;
export type ProfilingJobStatus = (typeof PROFILING_STATUSES)[number];

/**
 * A request to measure a model on a device profile. Agents lease it; a lease that expires (the
 * agent died) makes it leasable again; attempts are counted up to maxAttempts.
 */
export interface ProfilingJob {
  id: string;
  organizationId: string;
  deviceProfileId: string;
  modelSpecId: string;
  metrics: MetricKind[];
  status: ProfilingJobStatus;
  attempts: number;
  maxAttempts: number;
  /** Identifies the current lease; a completion must present it. */
  leaseId: string | null;
  leaseExpiresAt: Date | null;
  leasedByTokenId: string | null;
  /** The name the agent gave when it last leased the job (its --name); kept after it finishes. */
  agentName: string | null;
  progress: number;
  errorMessage: string | null;
  costTableIds: string[];
  createdById: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export const ProfilingJobEntity = new EntitySchema<ProfilingJob>({
  name: 'ProfilingJob',
  tableName: 'profiling_jobs',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    organizationId: { name: 'organization_id', type: 'uuid' },
    deviceProfileId: { name: 'device_profile_id', type: 'uuid' },
    modelSpecId: { name: 'model_spec_id', type: 'uuid' },
    metrics: { type: 'text', array: true },
    status: { type: 'enum', enum: [...PROFILING_STATUSES], enumName: 'profiling_job_status', default: 'queued' },
    ...LEASE_COLUMNS,
    costTableIds: { name: 'cost_table_ids', type: 'uuid', array: true, default: () => "'{}'" },
    createdById: { name: 'created_by_id', type: 'uuid', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
    finishedAt: { name: 'finished_at', type: 'timestamptz', precision: 3, nullable: true },
  },
  indices: [
    { name: 'ix_profiling_jobs_organization_created', columns: ['organizationId', 'createdAt'] },
    { name: 'ix_profiling_jobs_organization_status', columns: ['organizationId', 'status'] },
  ],
  foreignKeys: [
    { target: 'Organization', columnNames: ['organization_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'DeviceProfile', columnNames: ['device_profile_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'ModelSpec', columnNames: ['model_spec_id'], referencedColumnNames: ['id'], onDelete: 'RESTRICT' },
  ],
});
