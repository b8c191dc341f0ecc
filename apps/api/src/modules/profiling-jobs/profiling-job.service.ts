import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { actorIds, demand } from '../../auth/policy.js';
import type { OrgScope } from '../../auth/policy.js';
import type { Connection, PageArgs } from '../../database/pagination.js';
import { owned } from '../../database/tenant.js';
import { sha256 } from '../../auth/crypto.js';
import { badInput, notFound, parseInput } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { METRICS } from '../cost-tables/cost-table.entity.js';
import type { CostTableService } from '../cost-tables/cost-table.service.js';
import type { DeviceProfileService } from '../device-profiles/device-profile.service.js';
import { DeviceProfileEntity } from '../device-profiles/device-profile.entity.js';
import { ModelSpecEntity } from '../model-specs/model-spec.entity.js';
import type { ModelSpecService } from '../model-specs/model-spec.service.js';
import { LeasedJobs, heldSchema } from './job-lease.js';
import type { JobLease, LeasedJobKind } from './job-lease.js';
import { ProfilingJobEntity } from './profiling-job.entity.js';
import type { ProfilingJob } from './profiling-job.entity.js';

const createSchema = z.object({
  organizationId: z.string(),
  deviceProfileId: z.string(),
  modelSpecId: z.string(),
  metrics: z
    .array(z.enum(METRICS))
    .min(1, 'Choose at least one metric')
    .transform((m) => [...new Set(m)]),
  maxAttempts: z.number().int().min(1).max(10).nullish(),
});
const completeSchema = heldSchema.extend({
  tables: z
    .array(
      z.object({
        metric: z.enum(METRICS),
        format: z.enum(['csv', 'json']),
        content: z.string().min(1).max(4 * 1_048_576),
        provenance: z
          .object({
            source: z.enum(['measured', 'imported', 'estimated', 'synthetic']),
            producer: z.string().max(200).nullish(),
            runs: z.number().int().positive().nullish(),
            confidence: z.number().gt(0).lt(1).nullish(),
            note: z.string().max(2000).nullish(),
          })
          .nullish(),
        liveSet: z.unknown().nullish(),
      }),
    )
    .min(1),
});

/** A completion carries exactly the metrics the job asked for, each once (an agent cannot publish others). */
function assertJobMetrics(job: ProfilingJob, tables: readonly { readonly metric: string }[]): void {
  const seen = new Set<string>();
  tables.forEach(({ metric }, index) => {
    if (!job.metrics.includes(metric as never)) throw badInput(['input', 'tables', index, 'metric'], `The job did not ask for ${metric.toUpperCase()} (it asked for ${job.metrics.map((m) => m.toUpperCase()).join(', ')})`);
    if (seen.has(metric)) throw badInput(['input', 'tables', index, 'metric'], `${metric.toUpperCase()} is given twice`);
    seen.add(metric);
  });
  const missing = job.metrics.filter((metric) => !seen.has(metric));
  if (missing.length > 0) throw badInput(['input', 'tables'], `The job asked for ${missing.map((m) => m.toUpperCase()).join(', ')} too`);
}

export type Lease = JobLease<ProfilingJob>;

const PROFILING_JOBS: LeasedJobKind<ProfilingJob> = { entity: ProfilingJobEntity, table: 'profiling_jobs', leasedStatus: 'leased', noun: 'Profiling job', auditTarget: 'profiling_job' };

export class ProfilingJobService {
  readonly #leases: LeasedJobs<ProfilingJob>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly deviceProfiles: DeviceProfileService,
    private readonly modelSpecs: ModelSpecService,
    private readonly costTables: CostTableService,
  ) {
    this.#leases = new LeasedJobs(dataSource, audit, PROFILING_JOBS);
  }

  list(scope: OrgScope, page: PageArgs): Promise<Connection<ProfilingJob>> {
    demand(scope, 'read');
    const jobs = owned(this.dataSource, ProfilingJobEntity, scope);
    return jobs.paginate(jobs.select('job'), page, 'DESC');
  }

  async get(scope: OrgScope, id: string): Promise<ProfilingJob> {
    demand(scope, 'read');
    return this.#leases.find(this.dataSource.manager, scope, id);
  }


  async create(scope: OrgScope, rawInput: unknown): Promise<ProfilingJob> {
    demand(scope, 'devices:write');
    const input = parseInput(createSchema, rawInput);
    const profile = await this.deviceProfiles.getEditable(scope, input.deviceProfileId);
    const spec = await this.modelSpecs.get(scope, input.modelSpecId);
    return this.dataSource.transaction(async (manager) => {
      const job = await owned(manager, ProfilingJobEntity, scope).save({
        deviceProfileId: profile.id,
        modelSpecId: spec.id,
        metrics: input.metrics,
        maxAttempts: input.maxAttempts ?? 3,
        createdById: actorIds(scope).actorUserId,
      });
      await this.audit.record(manager, scope, {
        action: 'profiling_job.create',
        targetType: 'profiling_job',
        targetId: job.id,
        data: { deviceProfileId: profile.id, modelSpecId: spec.id, metrics: input.metrics },
      });
      return job;
    });
  }




  /** Leases the oldest queued (or abandoned) job of the organization; null when there is none. */
  lease(scope: OrgScope, rawInput: unknown, now: Date): Promise<Lease | null> {
    return this.#leases.lease(scope, rawInput, now);
  }

  reportProgress(scope: OrgScope, rawInput: unknown, now: Date): Promise<ProfilingJob> {
    return this.#leases.reportProgress(scope, rawInput, now);
  }

  /** Gives the job back (or fails it for good after maxAttempts). */
  fail(scope: OrgScope, rawInput: unknown, now: Date): Promise<ProfilingJob> {
    return this.#leases.fail(scope, rawInput, now);
  }

  /** Publishes the measured tables and finishes the job, atomically: a lost lease stores nothing. */
  async complete(scope: OrgScope, rawInput: unknown, now: Date): Promise<ProfilingJob> {
    demand(scope, 'agent');
    const input = parseInput(completeSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const job = await this.#leases.held(manager, scope, input.jobId, input.leaseId, now);
      assertJobMetrics(job, input.tables);
      const profile = await owned(manager, DeviceProfileEntity, scope).findOne({ id: job.deviceProfileId });
      const spec = await owned(manager, ModelSpecEntity, scope).findOne({ id: job.modelSpecId });
      if (!profile || !spec) throw notFound('Profiling job');
      const ids: string[] = [];
      for (const upload of input.tables) {
        const { table, missingSites } = this.costTables.parseUpload(upload, profile, spec);
        const liveSet = this.costTables.parseLiveSet(upload, table);
        const saved = await this.costTables.insertVersion(manager, scope, { profile, spec, metric: upload.metric, table, missingSites, liveSet, contentSha256: sha256(upload.content) });
        ids.push(saved.id);
      }
      const done = { status: 'succeeded' as const, progress: 1, costTableIds: ids, finishedAt: now, leaseId: null, leaseExpiresAt: null };
      await owned(manager, ProfilingJobEntity, scope).update({ id: job.id }, done);
      await this.audit.record(manager, scope, { action: 'profiling_job.complete', targetType: 'profiling_job', targetId: job.id, data: { costTableIds: ids } });
      return { ...job, ...done };
    });
  }

}
