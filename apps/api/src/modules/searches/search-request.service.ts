import { STRATEGIES, SearchRequestError, SearchSpaceError } from '@actnas/core';
import type { Budget, CostTable, Objective, StrategyName } from '@actnas/core';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { actorIds, demand, isUuid } from '../../auth/access.js';
import type { OrgScope } from '../../auth/access.js';
import { sha256 } from '../../auth/crypto.js';
import { badInput, conflict, notFound, parseInput } from '../../errors.js';
import { paginate } from '../../graphql/connection.js';
import type { Connection, PageArgs } from '../../graphql/connection.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { AuditService } from '../audit/audit.service.js';
import { METRICS } from '../cost-tables/cost-table.entity.js';
import type { CostTableRow } from '../cost-tables/cost-table.entity.js';
import type { CostTableService } from '../cost-tables/cost-table.service.js';
import { toCoreTable } from '../cost-tables/cost-table.service.js';
import type { ModelSpecService } from '../model-specs/model-spec.service.js';
import type { ProjectService } from '../projects/project.service.js';
import { buildCoreRequest } from './search-build.js';
import { SearchRequestEntity } from './search-request.entity.js';
import type { SearchRequestRow, SearchSpec } from './search-request.entity.js';

const metricRef = z.object({ metric: z.enum(METRICS), deviceProfileId: z.string().nullish() });
const submitSchema = z.object({
  organizationId: z.string(),
  projectId: z.string(),
  modelSpecId: z.string(),
  costTableIds: z.array(z.string()).min(1, 'Choose at least one cost table').max(32),
  objective: z.object({
    sense: z.enum(['min', 'max', 'weighted']),
    metric: metricRef.nullish(),
    terms: z.array(z.object({ metric: metricRef, weight: z.number() })).max(16).nullish(),
  }),
  budgets: z
    .array(z.object({ metric: metricRef, bound: z.enum(['max', 'min']), value: z.number(), of: z.enum(['total', 'delta']).nullish() }))
    .max(32)
    .nullish(),
  strategy: z.enum(STRATEGIES as [StrategyName, ...StrategyName[]]).nullish(),
  k: z.number().int().min(1).max(100).nullish(),
  diversity: z.number().int().min(1).max(1000).nullish(),
  candidates: z.array(z.string().min(1)).max(32).nullish(),
  locks: z.array(z.object({ site: z.string().min(1), activation: z.string().min(1) })).max(1000).nullish(),
  idempotencyKey: z.string().trim().min(1).max(200).nullish(),
  compareWith: z.array(z.enum(STRATEGIES as [StrategyName, ...StrategyName[]])).max(STRATEGIES.length).nullish(),
});
type SubmitInput = z.infer<typeof submitSchema>;
type MetricRefInput = z.infer<typeof metricRef>;

const toRef = (ref: MetricRefInput) => (ref.deviceProfileId ? { metric: ref.metric, device: ref.deviceProfileId } : { metric: ref.metric });

function toObjective(input: SubmitInput['objective']): Objective {
  if (input.sense === 'weighted') {
    if (!input.terms?.length) throw badInput(['input', 'objective', 'terms'], 'A weighted objective needs terms');
    return { sense: 'weighted', terms: input.terms.map((t) => ({ metric: toRef(t.metric), weight: t.weight })) };
  }
  if (!input.metric) throw badInput(['input', 'objective', 'metric'], 'Name the metric to optimise');
  return { sense: input.sense, metric: toRef(input.metric) };
}

function toSpec(input: SubmitInput): SearchSpec {
  return {
    objective: toObjective(input.objective),
    budgets: (input.budgets ?? []).map((b): Budget => ({ metric: toRef(b.metric), bound: b.bound, value: b.value, of: b.of ?? 'total' })),
    strategy: input.strategy ?? 'ilp',
    k: input.k ?? 1,
    diversity: input.diversity ?? 1,
    candidates: input.candidates ?? [],
    locks: Object.fromEntries((input.locks ?? []).map((l) => [l.site, l.activation])),
  };
}

export class SearchRequestService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly projects: ProjectService,
    private readonly modelSpecs: ModelSpecService,
    private readonly costTables: CostTableService,
    private readonly jobs: JobQueue,
  ) {}

  async get(scope: OrgScope, id: string): Promise<SearchRequestRow> {
    demand(scope, 'read');
    const row = isUuid(id) ? await this.dataSource.getRepository(SearchRequestEntity).findOneBy({ organizationId: scope.organizationId, id }) : null;
    if (!row) throw notFound('Search request');
    return row;
  }

  listByProject(scope: OrgScope, projectId: string, page: PageArgs): Promise<Connection<SearchRequestRow>> {
    demand(scope, 'read');
    const query = this.dataSource
      .getRepository(SearchRequestEntity)
      .createQueryBuilder('search')
      .where('search.organization_id = :organizationId AND search.project_id = :projectId', { organizationId: scope.organizationId, projectId });
    return paginate(query, page, 'DESC');
  }

  /** The core tables of a request, each labelled with its device profile id. */
  static coreTables(rows: readonly CostTableRow[]): CostTable[] {
    return rows.map((row) => toCoreTable(row, row.deviceProfileId));
  }

  private validate(spec: SearchSpec, model: Parameters<typeof buildCoreRequest>[0], tables: readonly CostTableRow[]): void {
    try {
      buildCoreRequest(model, SearchRequestService.coreTables(tables), spec);
    } catch (error) {
      if (error instanceof SearchRequestError || error instanceof SearchSpaceError) throw badInput(['input'], error.message);
      throw error;
    }
  }

  /** The searches queued with `id` for comparison (compareWith), in the engine's strategy order. */
  async comparisonsOf(scope: OrgScope, id: string): Promise<SearchRequestRow[]> {
    demand(scope, 'read');
    // Queued in one transaction, they share their creation time: order them by strategy.
    const rows = await this.dataSource.getRepository(SearchRequestEntity).find({ where: { organizationId: scope.organizationId, comparisonOfId: id } });
    return rows.sort((a, b) => STRATEGIES.indexOf(a.spec.strategy) - STRATEGIES.indexOf(b.spec.strategy));
  }

  /**
   * Queues a search, and with `compareWith` one k = 1 search per strategy on the same tables and
   * budgets, all in one transaction. A repeated idempotency key returns the first request (or
   * CONFLICT if it differs).
   */
  async submit(scope: OrgScope, rawInput: unknown): Promise<SearchRequestRow> {
    demand(scope, 'search:write');
    const input = parseInput(submitSchema, rawInput);
    const spec = toSpec(input);
    const comparisonSpecs = [...new Set(input.compareWith ?? [])]
      .filter((strategy) => strategy !== spec.strategy)
      .map((strategy): SearchSpec => ({ ...spec, strategy, k: 1, diversity: 1 }));
    const requestHash = sha256(JSON.stringify({ ...input, idempotencyKey: null }));
    const key = input.idempotencyKey ?? null;
    if (key) {
      const existing = await this.byKey(scope, key);
      if (existing) return this.sameOrConflict(existing, requestHash);
    }
    const project = await this.projects.get(scope, input.projectId);
    const model = await this.modelSpecs.get(scope, input.modelSpecId);
    const tables = await this.costTables.getMany(scope, input.costTableIds);
    this.validate(spec, model, tables);
    for (const comparison of comparisonSpecs) this.validate(comparison, model, tables);
    try {
      const saved = await this.dataSource.transaction(async (manager) => {
        const repository = manager.getRepository(SearchRequestEntity);
        const { actorUserId, actorTokenId } = actorIds(scope);
        const queue = async (queued: SearchSpec, extra: { requestHash: string; idempotencyKey: string | null; comparisonOfId: string | null }) => {
          const row = await repository.save(
            repository.create({
              organizationId: scope.organizationId,
              projectId: project.id,
              modelSpecId: model.id,
              costTableIds: tables.map((t) => t.id),
              spec: queued,
              ...extra,
              status: 'queued',
              progress: 0,
              createdByUserId: actorUserId,
              createdByTokenId: actorTokenId,
            }),
          );
          await this.jobs.enqueueSearch(manager, { searchRequestId: row.id });
          await this.audit.record(manager, scope, {
            action: 'search_request.submit',
            targetType: 'search_request',
            targetId: row.id,
            data: { projectId: project.id, strategy: queued.strategy, k: queued.k, idempotencyKey: extra.idempotencyKey, comparisonOf: extra.comparisonOfId },
          });
          return row;
        };
        const row = await queue(spec, { requestHash, idempotencyKey: key, comparisonOfId: null });
        for (const comparison of comparisonSpecs) {
          // Reached through the main request (and its key), so no key of its own.
          await queue(comparison, { requestHash: sha256(JSON.stringify({ ...input, strategy: comparison.strategy, comparisonOf: row.id })), idempotencyKey: null, comparisonOfId: row.id });
        }
        return row;
      });
      this.jobs.wake();
      return saved;
    } catch (error) {
      const raced = key ? await this.byKey(scope, key) : null;
      if (raced) return this.sameOrConflict(raced, requestHash);
      throw error;
    }
  }

  private byKey(scope: OrgScope, key: string): Promise<SearchRequestRow | null> {
    return this.dataSource.getRepository(SearchRequestEntity).findOneBy({ organizationId: scope.organizationId, idempotencyKey: key });
  }

  private sameOrConflict(existing: SearchRequestRow, requestHash: string): SearchRequestRow {
    if (existing.requestHash !== requestHash) throw conflict('This idempotency key was used for a different search');
    return existing;
  }
}
