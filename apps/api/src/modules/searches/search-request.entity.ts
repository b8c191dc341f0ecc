import type { Budget, MissedBudget, Objective, StrategyName } from '@actnas/core';
import { EntitySchema } from 'typeorm';

/** verifying: a round's proposals wait for an agent to measure them (SubmitSearchInput.verify). */
export const SEARCH_STATUSES = ['queued', 'running', 'verifying', 'succeeded', 'failed'] as const;
export type SearchRequestStatus = (typeof SEARCH_STATUSES)[number];

/** What a search asks for, as submitted; the core request is rebuilt from it when the job runs. */
export interface SearchSpec {
  readonly objective: Objective;
  readonly budgets: readonly Budget[];
  readonly strategy: StrategyName;
  readonly k: number;
  readonly diversity: number;
  /** Candidate activation ids; empty means every activation the tables cover. */
  readonly candidates: readonly string[];
  readonly locks: Readonly<Record<string, string>>;
  /** PEAK_MEMORY budgets: the peak of the live-set rows of the chosen memory table of `device` (a device profile id) at most `maxKB`. */
  readonly peakMemory?: readonly { readonly device?: string; readonly maxKB: number }[];
  /** Verify each round's proposals on a device and tighten broken budgets, for at most `rounds` rounds. */
  readonly verify?: SearchVerifySpec;
}

export interface SearchVerifySpec {
  readonly rounds: number;
  readonly deviceProfileId: string;
  /** The search ranks of each round to measure; every proposal when null. */
  readonly ranks: readonly number[] | null;
}

/** A broken budget moved for the next round. */
export interface RoundTightening {
  readonly budget: string;
  readonly to: string;
  readonly from: number;
  readonly value: number;
  readonly residual: number;
  readonly breakers: number;
}

/** One round of the verify loop: the search under `budgets`, then the measurement of its proposals. */
export interface VerificationRound {
  readonly round: number;
  readonly budgets: readonly Budget[];
  /** The search's status (optimal, feasible, limit, infeasible). */
  readonly status: string;
  /** Ranks in the draft set of this round's proposals to check (their search rank order). */
  readonly ranks: readonly number[];
  /** Of those, the ones first seen this round (measured by this round's job). */
  readonly measuredRanks: readonly number[];
  readonly jobId: string | null;
  /** Set once measured: how many of `ranks` meet every budget as measured. */
  readonly measuredFeasible: number | null;
  readonly tightened: readonly RoundTightening[];
}

export type VerificationStop = 'met' | 'rounds' | 'infeasible';

/** Where a verifying search is; kept in the row so the loop survives a restart. */
export interface VerificationState {
  /** Rounds searched so far. */
  readonly round: number;
  /** The budgets the next (or current) round searches under. */
  readonly budgets: readonly Budget[];
  /** The set of every proposal found so far, without a version until the loop ends. */
  readonly draftSetId: string | null;
  /** The verification job the loop waits for. */
  readonly jobId: string | null;
  readonly rounds: readonly VerificationRound[];
  readonly stoppedBy: VerificationStop | null;
  /**
   * Set when the loop ends: some proposal of any round meets every budget as measured. Rows
   * finished before this field existed lack it (their verdict was stoppedBy = met).
   */
  readonly met?: boolean | null;
  /** Set when the loop ends unmet: each budget the verified proposals break, and by how much the closest misses it. */
  readonly missed: readonly MissedBudget[];
}

export interface SearchRequestRow {
  id: string;
  organizationId: string;
  projectId: string;
  modelSpecId: string;
  costTableIds: string[];
  spec: SearchSpec;
  /** SHA-256 of the normalised submission: a retry with the same key must ask for the same thing. */
  requestHash: string;
  idempotencyKey: string | null;
  status: SearchRequestStatus;
  progress: number;
  errorCode: string | null;
  errorMessage: string | null;
  proposalSetId: string | null;
  /** The search this one was queued with to compare against (SubmitSearchInput.compareWith). */
  comparisonOfId: string | null;
  /** The verify loop's state (SearchSpec.verify); null without verification. */
  verification: VerificationState | null;
  attempts: number;
  /** The worker run that holds the search while it is running; a run whose lease was taken over stores nothing. */
  leaseId: string | null;
  /** When the holding worker last said it is alive (database time); a stale one is requeued. */
  heartbeatAt: Date | null;
  createdByUserId: string | null;
  createdByTokenId: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export const SearchRequestEntity = new EntitySchema<SearchRequestRow>({
  name: 'SearchRequest',
  tableName: 'search_requests',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    organizationId: { name: 'organization_id', type: 'uuid' },
    projectId: { name: 'project_id', type: 'uuid' },
    modelSpecId: { name: 'model_spec_id', type: 'uuid' },
    costTableIds: { name: 'cost_table_ids', type: 'uuid', array: true },
    spec: { type: 'jsonb' },
    requestHash: { name: 'request_hash', type: 'char', length: 64 },
    idempotencyKey: { name: 'idempotency_key', type: 'varchar', length: 200, nullable: true },
    status: { type: 'enum', enum: [...SEARCH_STATUSES], enumName: 'search_request_status', default: 'queued' },
    progress: { type: 'double precision', default: 0 },
    errorCode: { name: 'error_code', type: 'varchar', length: 50, nullable: true },
    errorMessage: { name: 'error_message', type: 'text', nullable: true },
    proposalSetId: { name: 'proposal_set_id', type: 'uuid', nullable: true },
    comparisonOfId: { name: 'comparison_of_id', type: 'uuid', nullable: true },
    verification: { type: 'jsonb', nullable: true },
    attempts: { type: 'integer', default: 0 },
    leaseId: { name: 'lease_id', type: 'uuid', nullable: true },
    heartbeatAt: { name: 'heartbeat_at', type: 'timestamptz', precision: 3, nullable: true },
    createdByUserId: { name: 'created_by_user_id', type: 'uuid', nullable: true },
    createdByTokenId: { name: 'created_by_token_id', type: 'uuid', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
    startedAt: { name: 'started_at', type: 'timestamptz', precision: 3, nullable: true },
    finishedAt: { name: 'finished_at', type: 'timestamptz', precision: 3, nullable: true },
  },
  uniques: [{ name: 'uq_search_requests_idempotency', columns: ['organizationId', 'idempotencyKey'] }],
  indices: [
    { name: 'ix_search_requests_organization_created', columns: ['organizationId', 'createdAt'] },
    { name: 'ix_search_requests_project_created', columns: ['projectId', 'createdAt'] },
    { name: 'ix_search_requests_comparison_of', columns: ['comparisonOfId'] },
  ],
  foreignKeys: [
    { target: 'Organization', columnNames: ['organization_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'Project', columnNames: ['project_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'ModelSpec', columnNames: ['model_spec_id'], referencedColumnNames: ['id'], onDelete: 'RESTRICT' },
    { target: 'SearchRequest', columnNames: ['comparison_of_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
  ],
});
