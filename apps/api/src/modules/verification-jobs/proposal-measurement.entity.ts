import { EntitySchema } from 'typeorm';
import type { VerifiedMetric } from './verification-job.entity.js';

/**
 * One metric of one proposal measured whole on a device by a verification job, beside what the
 * search predicted (the sum of the table cells). Attached to the proposal set by id and rank; the
 * set itself (its version and proposals) never changes.
 */
export interface ProposalMeasurement {
  id: string;
  organizationId: string;
  proposalSetId: string;
  rank: number;
  metric: VerifiedMetric;
  deviceProfileId: string;
  /** The proposal's predicted delta against the reference (Σ cells) on this device; null when the set has no total for it. */
  predicted: number | null;
  /** The prediction's standard deviation (√Σ std² of the chosen cells), when every cell has one. */
  predictedStd: number | null;
  measuredDelta: number;
  measuredTotal: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  runs: number;
  host: string | null;
  measuredAt: Date;
  verificationJobId: string;
  createdAt: Date;
}

export const ProposalMeasurementEntity = new EntitySchema<ProposalMeasurement>({
  name: 'ProposalMeasurement',
  tableName: 'proposal_measurements',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    organizationId: { name: 'organization_id', type: 'uuid' },
    proposalSetId: { name: 'proposal_set_id', type: 'uuid' },
    rank: { type: 'integer' },
    metric: { type: 'varchar', length: 20 },
    deviceProfileId: { name: 'device_profile_id', type: 'uuid' },
    predicted: { type: 'double precision', nullable: true },
    predictedStd: { name: 'predicted_std', type: 'double precision', nullable: true },
    measuredDelta: { name: 'measured_delta', type: 'double precision' },
    measuredTotal: { name: 'measured_total', type: 'double precision', nullable: true },
    ciLow: { name: 'ci_low', type: 'double precision', nullable: true },
    ciHigh: { name: 'ci_high', type: 'double precision', nullable: true },
    runs: { type: 'integer' },
    host: { type: 'varchar', length: 200, nullable: true },
    measuredAt: { name: 'measured_at', type: 'timestamptz', precision: 3 },
    verificationJobId: { name: 'verification_job_id', type: 'uuid' },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
  },
  indices: [
    { name: 'ix_proposal_measurements_set_rank', columns: ['organizationId', 'proposalSetId', 'rank'] },
    { name: 'ix_proposal_measurements_job', columns: ['verificationJobId'] },
  ],
  foreignKeys: [
    { target: 'Organization', columnNames: ['organization_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'ProposalSet', columnNames: ['proposal_set_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'DeviceProfile', columnNames: ['device_profile_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'VerificationJob', columnNames: ['verification_job_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
  ],
});
