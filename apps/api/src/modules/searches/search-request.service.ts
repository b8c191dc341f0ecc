import { STRATEGIES, SearchRequestError, SearchSpaceError } from '@actnas/core';
import type { Budget, CostTable, LiveSetRows, MetricRef, Objective, StrategyName } from '@actnas/core';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { actorIds, demand, isUuid } from '../../auth/policy.js';
import type { OrgScope } from '../../auth/policy.js';
import type { Connection, PageArgs } from '../../database/pagination.js';
import { owned } from '../../database/tenant.js';
import { sha256 } from '../../auth/crypto.js';
import { AppError, ErrorCode, badInput, conflict, notFound, parseInput } from '../../errors.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { AuditService } from '../audit/audit.service.js';
import { METRICS } from '../cost-tables/cost-table.entity.js';
import type { CostTableRow } from '../cost-tables/cost-table.entity.js';
import type { CostTableService } from '../cost-tables/cost-table.service.js';
import { toCoreTable } from '../cost-tables/cost-table.service.js';
import type { DeviceProfileService } from '../device-profiles/device-profile.service.js';
import type { ModelSpecService } from '../model-specs/model-spec.service.js';
import type { ProjectService } from '../projects/project.service.js';
import { buildCoreRequest, uncoveredSites } from './search-build.js';
import { SearchRequestEntity } from './search-request.entity.js';
import type { SearchRequestRow, SearchSpec, SearchVerifySpec } from './search-request.entity.js';

const metricRef = z.object({ metric: z.enum([...METRICS, 'peak_memory']), deviceProfileId: z.string().nullish() });
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
  verify: z.object({ rounds: z.number().int(), deviceProfileId: z.string().nullish(), ranks: z.array(z.number().int()).max(100).nullish() }).nullish(),
});
type SubmitInput = z.infer<typeof submitSchema>;
type MetricRefInput = z.infer<typeof metricRef>;

/** A table metric's reference; PEAK_MEMORY is a budget only, so `field` names where it was misplaced. */
function toRef(ref: MetricRefInput, field: readonly (string | number)[]): MetricRef {
  if (ref.metric === 'peak_memory') throw badInput(field, 'PEAK_MEMORY is a budget (MAX, TOTAL), not an objective');
  return ref.deviceProfileId ? { metric: ref.metric, device: ref.deviceProfileId } : { metric: ref.metric };
}

function toObjective(input: SubmitInput['objective']): Objective {
  if (input.sense === 'weighted') {
    if (!input.terms?.length) throw badInput(['input', 'objective', 'terms'], 'A weighted objective needs terms');
    return { sense: 'weighted', terms: input.terms.map((t, i) => ({ metric: toRef(t.metric, ['input', 'objective', 'terms', i, 'metric']), weight: t.weight })) };
  }
  if (!input.metric) throw badInput(['input', 'objective', 'metric'], 'Name the metric to optimise');
  return { sense: input.sense, metric: toRef(input.metric, ['input', 'objective', 'metric']) };
}

type BudgetInput = NonNullable<SubmitInput['budgets']>[number];

/** A PEAK_MEMORY budget bounds the model's peak from above: MAX of the TOTAL, in KB. */
function toPeakBudget(b: BudgetInput, i: number): { device?: string; maxKB: number } {
  if (b.bound !== 'max' || (b.of ?? 'total') !== 'total') throw badInput(['input', 'budgets', i], 'A PEAK_MEMORY budget is MAX of the TOTAL (KB)');
  if (!(b.value > 0)) throw badInput(['input', 'budgets', i, 'value'], 'A PEAK_MEMORY budget must be > 0 KB');
  return b.metric.deviceProfileId ? { device: b.metric.deviceProfileId, maxKB: b.value } : { maxKB: b.value };
}

function toSpec(input: SubmitInput): SearchSpec {
  const budgets = (input.budgets ?? []).map((b, i) => ({ b, i }));
  const peak = budgets.filter(({ b }) => b.metric.metric === 'peak_memory');
  return {
    objective: toObjective(input.objective),
    budgets: budgets
      .filter(({ b }) => b.metric.metric !== 'peak_memory')
      .map(({ b, i }): Budget => ({ metric: toRef(b.metric, ['input', 'budgets', i, 'metric']), bound: b.bound, value: b.value, of: b.of ?? 'total' })),
    ...(peak.length ? { peakMemory: peak.map(({ b, i }) => toPeakBudget(b, i)) } : {}),
    strategy: input.strategy ?? 'ilp',
    k: input.k ?? 1,
    diversity: input.diversity ?? 1,
    candidates: input.candidates ?? [],
    locks: Object.fromEntries((input.locks ?? []).map((l) => [l.site, l.activation])),
  };
}

export const MAX_VERIFY_ROUNDS = 5;

/** The ranks of each round to verify: each of 1..k once, ascending; null for all. */
function verifyRanks(ranks: readonly number[] | null | undefined, k: number): number[] | null {
  if (ranks == null) return null;
  if (ranks.length === 0) throw badInput(['input', 'verify', 'ranks'], 'Choose at least one rank (or leave ranks out for all k)');
  const seen = new Set<number>();
  ranks.forEach((rank, index) => {
    if (rank < 1 || rank > k) throw badInput(['input', 'verify', 'ranks', index], `Rank ${rank} is not one of the search's 1–${k}`);
    if (seen.has(rank)) throw badInput(['input', 'verify', 'ranks', index], `Rank ${rank} is given twice`);
    seen.add(rank);
  });
  return [...seen].sort((a, b) => a - b);
}

export class SearchRequestService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly projects: ProjectService,
    private readonly modelSpecs: ModelSpecService,
    private readonly costTables: CostTableService,
    private readonly jobs: JobQueue,
    private readonly deviceProfiles: DeviceProfileService,
  ) {}

  /**
   * SubmitSearchInput.verify: rounds 1..5, a device profile the organization may read (default: the
   * only device of the chosen tables) with tables for the model spec, ranks among 1..k.
   */
  private async verifySpec(scope: OrgScope, input: SubmitInput, spec: SearchSpec, model: { id: string; name: string }, tables: readonly CostTableRow[]): Promise<SearchVerifySpec | undefined> {
    const verify = input.verify;
    if (!verify) return undefined;
    const field = (...path: (string | number)[]) => ['input', 'verify', ...path];
    if (verify.rounds < 1 || verify.rounds > MAX_VERIFY_ROUNDS) throw badInput(field('rounds'), `rounds is 1 to ${MAX_VERIFY_ROUNDS} (got ${verify.rounds})`);
    if (input.compareWith?.length) throw badInput(['input', 'compareWith'], 'A verified search cannot queue comparisons: verify them as searches of their own');
    const ranks = verifyRanks(verify.ranks, spec.k);
    const devices = [...new Set(tables.map((t) => t.deviceProfileId))];
    const deviceId = verify.deviceProfileId ?? (devices.length === 1 ? devices[0]! : undefined);
    if (deviceId === undefined) throw badInput(field('deviceProfileId'), `The chosen tables are of ${devices.length} devices: name the device profile to verify on`);
    const profile = await this.deviceProfiles.findVisible(scope, deviceId).catch((error: unknown) => {
      if (error instanceof AppError && error.code === ErrorCode.NOT_FOUND) throw badInput(field('deviceProfileId'), 'No such device profile in this organization (or shared with it)');
      throw error;
    });
    const metrics = await this.costTables.visibleMetrics(scope.organizationId, profile.id, model.id);
    if (metrics.length === 0) throw badInput(field('deviceProfileId'), `Device profile "${profile.name}" has no cost tables for ${model.name}: profile it first`);
    return { rounds: verify.rounds, deviceProfileId: profile.id, ranks };
  }

  async get(scope: OrgScope, id: string): Promise<SearchRequestRow> {
    demand(scope, 'read');
    const row = isUuid(id) ? await owned(this.dataSource, SearchRequestEntity, scope).findOne({ id }) : null;
    if (!row) throw notFound('Search request');
    return row;
  }

  listByProject(scope: OrgScope, projectId: string, page: PageArgs): Promise<Connection<SearchRequestRow>> {
    demand(scope, 'read');
    const searches = owned(this.dataSource, SearchRequestEntity, scope);
    return searches.paginate(searches.select('search').andWhere('search.project_id = :projectId', { projectId }), page, 'DESC');
  }

  /** The core tables of a request, each labelled with its device profile id. */
  static coreTables(rows: readonly CostTableRow[]): CostTable[] {
    return rows.map((row) => toCoreTable(row, row.deviceProfileId));
  }

  /** Live-set rows of the request's memory tables, by device profile id (for PEAK_MEMORY budgets). */
  static liveSets(rows: readonly CostTableRow[]): Map<string, LiveSetRows> {
    return new Map(rows.flatMap((row) => (row.metric === 'memory' && row.liveSet ? [[row.deviceProfileId, row.liveSet] as const] : [])));
  }

  private validate(spec: SearchSpec, model: Parameters<typeof buildCoreRequest>[0], tables: readonly CostTableRow[]): void {
    tables.forEach((table, index) => {
      const uncovered = uncoveredSites(model, table.missingSites, spec.locks);
      if (uncovered.length === 0) return;
      const named = `${uncovered.slice(0, 5).join(', ')}${uncovered.length > 5 ? ` and ${uncovered.length - 5} more` : ''}`;
      throw badInput(
        ['input', 'costTableIds', index],
        `The ${table.metric} table v${table.version} is partial: it has no rows for ${uncovered.length} site${uncovered.length === 1 ? '' : 's'} of ${model.name} this search needs (${named}). Lock them to their reference activation or choose a complete table.`,
      );
    });
    try {
      buildCoreRequest(model, SearchRequestService.coreTables(tables), spec, SearchRequestService.liveSets(tables));
    } catch (error) {
      if (error instanceof SearchRequestError || error instanceof SearchSpaceError) throw badInput(['input'], error.message);
      throw error;
    }
  }

  /** The searches queued with `id` for comparison (compareWith), in the engine's strategy order. */
  async comparisonsOf(scope: OrgScope, id: string): Promise<SearchRequestRow[]> {
    demand(scope, 'read');
    // Queued in one transaction, they share their creation time: order them by strategy.
    const rows = await owned(this.dataSource, SearchRequestEntity, scope).find({ comparisonOfId: id });
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
    const verify = await this.verifySpec(scope, input, spec, model, tables);
    for (const comparison of comparisonSpecs) this.validate(comparison, model, tables);
    try {
      const saved = await this.dataSource.transaction(async (manager) => {
        const { actorUserId, actorTokenId } = actorIds(scope);
        const queue = async (queued: SearchSpec, extra: { requestHash: string; idempotencyKey: string | null; comparisonOfId: string | null }) => {
          const row = await owned(manager, SearchRequestEntity, scope).save({
            projectId: project.id,
            modelSpecId: model.id,
            costTableIds: tables.map((t) => t.id),
            spec: queued,
            ...extra,
            status: 'queued',
            progress: 0,
            createdByUserId: actorUserId,
            createdByTokenId: actorTokenId,
          });
          await this.jobs.enqueueSearch(manager, { searchRequestId: row.id, organizationId: scope.organizationId });
          await this.audit.record(manager, scope, {
            action: 'search_request.submit',
            targetType: 'search_request',
            targetId: row.id,
            data: { projectId: project.id, strategy: queued.strategy, k: queued.k, idempotencyKey: extra.idempotencyKey, comparisonOf: extra.comparisonOfId },
          });
          return row;
        };
        const row = await queue(verify ? { ...spec, verify } : spec, { requestHash, idempotencyKey: key, comparisonOfId: null });
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
    return owned(this.dataSource, SearchRequestEntity, scope).findOne({ idempotencyKey: key });
  }

  private sameOrConflict(existing: SearchRequestRow, requestHash: string): SearchRequestRow {
    if (existing.requestHash !== requestHash) throw conflict('This idempotency key was used for a different search');
    return existing;
  }
}
