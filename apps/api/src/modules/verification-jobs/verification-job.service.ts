import type { DataSource, EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { z } from 'zod';
import { actorIds, demand, isUuid } from '../../auth/policy.js';
import type { OrgScope } from '../../auth/policy.js';
import type { Connection, PageArgs } from '../../database/pagination.js';
import { owned } from '../../database/tenant.js';
import type { OrgRef } from '../../database/tenant.js';
import { badInput, notFound, parseInput } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { METRICS } from '../cost-tables/cost-table.entity.js';
import type { CostTableService } from '../cost-tables/cost-table.service.js';
import type { DeviceProfileService } from '../device-profiles/device-profile.service.js';
import { LeasedJobs, heldSchema } from '../profiling-jobs/job-lease.js';
import type { JobLease, LeasedJobKind } from '../profiling-jobs/job-lease.js';
import { ProposalSetEntity } from '../proposal-sets/proposal-set.entity.js';
import type { ProposalSetRow } from '../proposal-sets/proposal-set.entity.js';
import { SearchRequestEntity } from '../searches/search-request.entity.js';
import { ProposalMeasurementEntity } from './proposal-measurement.entity.js';
import type { ProposalMeasurement } from './proposal-measurement.entity.js';
import { VerificationJobEntity } from './verification-job.entity.js';
import type { VerificationJob, VerifiedMetric } from './verification-job.entity.js';

const MAX_RANKS = 100;

const verifySchema = z.object({
  organizationId: z.string(),
  proposalSetId: z.string(),
  deviceProfileId: z.string(),
  ranks: z.array(z.number().int()).max(MAX_RANKS).nullish(),
  // Any metric name: one without tables (PEAK_MEMORY has none of its own) gets the device's list in its error.
  metrics: z.array(z.string()).max(10).nullish(),
  maxAttempts: z.number().int().min(1).max(10).nullish(),
});
const finite = z.number().finite();
const completeSchema = heldSchema.extend({
  measurements: z
    .array(
      z.object({
        rank: z.number().int(),
        metric: z.enum(METRICS),
        measured: finite,
        measuredTotal: finite.nullish(),
        ciLow: finite.nullish(),
        ciHigh: finite.nullish(),
        runs: z.number().int().min(1).max(1_000_000),
        host: z.string().trim().max(200).nullish(),
        measuredAt: z.date().nullish(),
      }),
    )
    .min(1, 'Send at least one measurement')
    .max(MAX_RANKS * METRICS.length),
});
type MeasurementInput = z.infer<typeof completeSchema>['measurements'][number];

export type VerificationLease = JobLease<VerificationJob>;

const VERIFICATION_JOBS: LeasedJobKind<VerificationJob> = { entity: VerificationJobEntity, table: 'verification_jobs', leasedStatus: 'running', noun: 'Verification job', auditTarget: 'verification_job' };

const ranksOf = (set: ProposalSetRow): number[] => set.result.proposals.map((p) => p.rank).sort((a, b) => a - b);

/** The ranks to verify: every proposal of the set when none are given, else each given one that the set has. */
function chooseRanks(set: ProposalSetRow, requested: readonly number[] | null | undefined): number[] {
  const ranks = ranksOf(set);
  if (ranks.length === 0) throw badInput(['input', 'proposalSetId'], `Proposal set v${set.version} has no proposals to verify`);
  if (requested == null) return ranks;
  if (requested.length === 0) throw badInput(['input', 'ranks'], 'Choose at least one rank (or leave ranks out for all of them)');
  const range = `ranks ${ranks[0]}–${ranks[ranks.length - 1]}`;
  const seen = new Set<number>();
  requested.forEach((rank, index) => {
    if (!ranks.includes(rank)) throw badInput(['input', 'ranks', index], `Proposal set v${set.version} has no proposal of rank ${rank} (it has ${range})`);
    if (seen.has(rank)) throw badInput(['input', 'ranks', index], `Rank ${rank} is given twice`);
    seen.add(rank);
  });
  return [...seen].sort((a, b) => a - b);
}

/** The metrics to measure: those asked for, each one the device has a table of; all of them when none are asked for. */
function chooseMetrics(device: string, measurable: readonly VerifiedMetric[], requested: readonly string[] | null | undefined): VerifiedMetric[] {
  if (requested == null) return [...measurable];
  if (requested.length === 0) throw badInput(['input', 'metrics'], 'Choose at least one metric (or leave metrics out for all of them)');
  requested.forEach((metric, index) => {
    if (!measurable.includes(metric as VerifiedMetric)) {
      throw badInput(['input', 'metrics', index], `Device profile "${device}" has no ${metric.toUpperCase()} table for the proposal set's model spec (it has ${measurable.map((m) => m.toUpperCase()).join(', ')})`);
    }
  });
  return measurable.filter((m) => requested.includes(m));
}

/** A completion measures only the job's ranks and metrics, each (rank, metric) once. */
function assertJobMeasurements(job: VerificationJob, measurements: readonly MeasurementInput[]): void {
  const seen = new Set<string>();
  measurements.forEach((m, index) => {
    const at = ['input', 'measurements', index];
    if (!job.ranks.includes(m.rank)) throw badInput([...at, 'rank'], `The job did not ask for rank ${m.rank} (it asked for ${job.ranks.join(', ')})`);
    if (!job.metrics.includes(m.metric)) {
      throw badInput([...at, 'metric'], `The job cannot measure ${m.metric.toUpperCase()} (the device has tables for ${job.metrics.map((x) => x.toUpperCase()).join(', ')})`);
    }
    if (m.ciLow != null && m.ciHigh != null && m.ciLow > m.ciHigh) throw badInput([...at, 'ciLow'], 'ciLow is above ciHigh');
    const key = `${m.rank}/${m.metric}`;
    if (seen.has(key)) throw badInput(at, `Rank ${m.rank} ${m.metric.toUpperCase()} is given twice`);
    seen.add(key);
  });
}

/** Told, inside the transaction that finished it, when a job succeeds or fails for good (the search verify loop). */
export interface VerificationJobListener {
  jobFinished(manager: EntityManager, job: VerificationJob): Promise<void>;
}

export class VerificationJobService {
  private listener: VerificationJobListener | undefined;

  readonly #leases: LeasedJobs<VerificationJob>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly deviceProfiles: DeviceProfileService,
    private readonly costTables: CostTableService,
  ) {
    this.#leases = new LeasedJobs(dataSource, audit, VERIFICATION_JOBS);
  }

  listen(listener: VerificationJobListener): void {
    this.listener = listener;
  }

  /** Queues a search's verify round (the search runner checked the device and ranks). */
  queueForSearch(
    manager: EntityManager,
    organization: OrgRef,
    job: { proposalSetId: string; deviceProfileId: string; modelSpecId: string; ranks: number[]; metrics: VerifiedMetric[]; createdById: string | null },
  ): Promise<VerificationJob> {
    return owned(manager, VerificationJobEntity, organization).save({ ...job, maxAttempts: 3 });
  }

  list(scope: OrgScope, page: PageArgs & { readonly proposalSetId?: string | null }): Promise<Connection<VerificationJob>> {
    demand(scope, 'read');
    const jobs = owned(this.dataSource, VerificationJobEntity, scope);
    const query = jobs.select('job');
    if (page.proposalSetId != null) {
      // Not an id: no job has it (a malformed id answers as a missing one does).
      if (!isUuid(page.proposalSetId)) query.andWhere('false');
      else query.andWhere('job.proposalSetId = :setId', { setId: page.proposalSetId });
    }
    return jobs.paginate(query, page, 'DESC');
  }

  async get(scope: OrgScope, id: string): Promise<VerificationJob> {
    demand(scope, 'read');
    return this.#leases.find(this.dataSource.manager, scope, id);
  }


  /** The measurements of the organization's proposal sets `setIds` (for the per-request loader), newest first. */
  measurementsOfSets(organization: OrgRef, setIds: readonly string[]): Promise<ProposalMeasurement[]> {
    const ids = setIds.filter(isUuid);
    return ids.length === 0 ? Promise.resolve([]) : owned(this.dataSource, ProposalMeasurementEntity, organization).find({ proposalSetId: In([...ids]) }, { measuredAt: 'DESC', createdAt: 'DESC' });
  }

  /** What one job stored. */
  measurementsOfJob(job: VerificationJob): Promise<ProposalMeasurement[]> {
    return owned(this.dataSource, ProposalMeasurementEntity, job).find({ verificationJobId: job.id }, { rank: 'ASC', metric: 'ASC' });
  }

  /** Queues measuring `ranks` of a proposal set whole on a device profile the organization may read. */
  async verify(scope: OrgScope, rawInput: unknown): Promise<VerificationJob> {
    demand(scope, 'search:write');
    const input = parseInput(verifySchema, rawInput);
    const set = isUuid(input.proposalSetId) ? await owned(this.dataSource, ProposalSetEntity, scope).findOne({ id: input.proposalSetId }) : null;
    // A verifying search's draft is not a version yet: its loop verifies it.
    if (!set || set.version === null) throw notFound('Proposal set');
    const ranks = chooseRanks(set, input.ranks);
    const request = await owned(this.dataSource, SearchRequestEntity, scope).findOne({ id: set.searchRequestId });
    if (!request) throw notFound('Proposal set');
    const profile = await this.deviceProfiles.findVisible(scope, input.deviceProfileId);
    const measurable = await this.costTables.visibleMetrics(scope.organizationId, profile.id, request.modelSpecId);
    if (measurable.length === 0) {
      throw badInput(['input', 'deviceProfileId'], `Device profile "${profile.name}" has no cost tables for the proposal set's model spec: profile it first`);
    }
    const metrics = chooseMetrics(profile.name, measurable, input.metrics);
    return this.dataSource.transaction(async (manager) => {
      const job = await owned(manager, VerificationJobEntity, scope).save({
        proposalSetId: set.id,
        deviceProfileId: profile.id,
        modelSpecId: request.modelSpecId,
        ranks,
        metrics,
        maxAttempts: input.maxAttempts ?? 3,
        createdById: actorIds(scope).actorUserId,
      });
      await this.audit.record(manager, scope, {
        action: 'verification_job.create',
        targetType: 'verification_job',
        targetId: job.id,
        data: { proposalSetId: set.id, version: set.version, deviceProfileId: profile.id, ranks, metrics },
      });
      return job;
    });
  }




  /** Leases the oldest queued (or abandoned) verification job of the organization; null when there is none. */
  lease(scope: OrgScope, rawInput: unknown, now: Date): Promise<VerificationLease | null> {
    return this.#leases.lease(scope, rawInput, now);
  }

  reportProgress(scope: OrgScope, rawInput: unknown, now: Date): Promise<VerificationJob> {
    return this.#leases.reportProgress(scope, rawInput, now);
  }

  /** Gives the job back (or fails it for good after maxAttempts: a verifying search hears of it). */
  fail(scope: OrgScope, rawInput: unknown, now: Date): Promise<VerificationJob> {
    return this.#leases.fail(scope, rawInput, now, async (manager, job) => this.listener?.jobFinished(manager, job));
  }

  /**
   * Stores the measurements beside the predictions and finishes the job, atomically: a lost lease
   * stores nothing. The proposal set (its version and proposals) is read, never written.
   */
  async complete(scope: OrgScope, rawInput: unknown, now: Date): Promise<VerificationJob> {
    demand(scope, 'agent');
    const input = parseInput(completeSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const job = await this.#leases.held(manager, scope, input.jobId, input.leaseId, now);
      assertJobMeasurements(job, input.measurements);
      const set = await owned(manager, ProposalSetEntity, scope).findOne({ id: job.proposalSetId });
      if (!set) throw notFound('Verification job');
      const predictionOf = (rank: number, metric: VerifiedMetric) => {
        const totals = set.result.proposals.find((p) => p.rank === rank)?.totals ?? [];
        return totals.find((t) => t.metric === metric && t.device === job.deviceProfileId) ?? totals.find((t) => t.metric === metric && t.device === undefined);
      };
      const rows = input.measurements.map((m) => {
        const prediction = predictionOf(m.rank, m.metric);
        return {
          proposalSetId: set.id,
          rank: m.rank,
          metric: m.metric,
          deviceProfileId: job.deviceProfileId,
          predicted: prediction?.delta ?? null,
          predictedStd: prediction?.std ?? null,
          measuredDelta: m.measured,
          measuredTotal: m.measuredTotal ?? null,
          ciLow: m.ciLow ?? null,
          ciHigh: m.ciHigh ?? null,
          runs: m.runs,
          host: m.host || null,
          measuredAt: m.measuredAt ?? now,
          verificationJobId: job.id,
        };
      });
      await owned(manager, ProposalMeasurementEntity, scope).insert(rows);
      const done = { status: 'succeeded' as const, progress: 1, finishedAt: now, leaseId: null, leaseExpiresAt: null, errorMessage: null };
      await owned(manager, VerificationJobEntity, scope).update({ id: job.id }, done);
      await this.audit.record(manager, scope, {
        action: 'verification_job.complete',
        targetType: 'verification_job',
        targetId: job.id,
        data: { proposalSetId: set.id, measurements: rows.length },
      });
      await this.listener?.jobFinished(manager, { ...job, ...done });
      return { ...job, ...done };
    });
  }

}
