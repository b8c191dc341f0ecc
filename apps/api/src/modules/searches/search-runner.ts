import { randomUUID } from 'node:crypto';
import { SearchRequestError, SearchSpaceError, runSearch } from '@actnas/core';
import type { SearchResult } from '@actnas/core';
import type { DataSource, EntityManager } from 'typeorm';
import { crossTenant, crossTenantSql, owned } from '../../database/tenant.js';
import type { OrgRef } from '../../database/tenant.js';
import { ErrorCode, isTransientDatabaseError } from '../../errors.js';
import type { JobQueue, SearchJob } from '../../jobs/job-queue.js';
import type { CostTableService } from '../cost-tables/cost-table.service.js';
import { ModelSpecEntity } from '../model-specs/model-spec.entity.js';
import type { ProposalSetService } from '../proposal-sets/proposal-set.service.js';
import { buildCoreRequest } from './search-build.js';
import { SearchRequestEntity } from './search-request.entity.js';
import type { SearchRequestRow } from './search-request.entity.js';
import { SearchRequestService } from './search-request.service.js';
import type { SearchVerificationLoop } from './search-verification.js';

class SearchFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The run lost its lease (a stale heartbeat let another worker take the search over): store nothing. */
class LeaseLost extends Error {}

export interface SearchLeaseOptions {
  /** A running search whose heartbeat is older than this is taken over by another worker. */
  readonly leaseSeconds: number;
  /** Runs of one search before it fails for good (a search that kills its worker every time). */
  readonly maxAttempts?: number;
}

type Held = SearchRequestRow & { readonly leaseId: string };

function infeasibleWhy(result: SearchResult): string {
  const why = (result.infeasible ?? []).map((r) => `${r.description} (best reachable ${r.lowerBound ? '≥ ' : ''}${r.bestAchievable})`).join('; ');
  return why ? `: ${why}` : '';
}

/**
 * Solves queued search requests (called by the job worker) and stores their proposal sets.
 *
 * A run holds the search through a lease (`lease_id`) and a heartbeat (`heartbeat_at`, database
 * time, every quarter of the lease). A worker that dies — kill -9, a lost machine — stops beating;
 * `requeueStale`, run by every process with workers, hands its searches to the queue again within
 * the lease, and the late worker, should it come back, finds its lease gone and stores nothing.
 * So every accepted search ends SUCCEEDED or FAILED with a reason, and versions have no gaps.
 */
export class SearchRunner {
  private readonly maxAttempts: number;
  /** Leases of the runs in this process: alive by definition, whatever their heartbeat says (a long solve blocks the timers). */
  private readonly running = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly proposalSets: ProposalSetService,
    private readonly costTables: CostTableService,
    private readonly clock: () => Date,
    private readonly lease: SearchLeaseOptions,
    private readonly loop?: SearchVerificationLoop,
  ) {
    this.maxAttempts = lease.maxAttempts ?? 3;
  }

  /** Idempotent: a request already finished or held by a live worker (e.g. a redelivered job) is left alone. */
  async run(job: SearchJob): Promise<void> {
    const organizationId = job.organizationId ?? (await this.ownerOf(job.searchRequestId));
    if (!organizationId) return;
    const request = await this.claim({ organizationId }, job.searchRequestId);
    if (!request) return;
    this.running.add(request.leaseId);
    const heartbeat = setInterval(() => void this.beat(request).catch(() => undefined), (this.lease.leaseSeconds * 1000) / 4);
    heartbeat.unref();
    try {
      const result = await this.solve(request);
      if (request.spec.verify && this.loop) return await this.verifyRound(request, result, this.loop);
      if (result.status === 'infeasible') throw new SearchFailure(ErrorCode.INFEASIBLE, `No assignment meets the budgets${infeasibleWhy(result)}`);
      await this.complete(request, result);
    } catch (error) {
      if (error instanceof LeaseLost) return;
      if (error instanceof SearchFailure) return this.fail(request, error.code, error.message);
      if (error instanceof SearchRequestError || error instanceof SearchSpaceError) return this.fail(request, ErrorCode.BAD_USER_INPUT, error.message);
      if (isTransientDatabaseError(error)) {
        // Give the search back at once (best effort: the reaper does it when this fails too); the job is retried.
        await this.release(request).catch(() => undefined);
        throw error;
      }
      console.error('[search] run failed', error);
      return this.fail(request, ErrorCode.INTERNAL_SERVER_ERROR, 'The search failed unexpectedly; see the server log');
    } finally {
      clearInterval(heartbeat);
      this.running.delete(request.leaseId);
    }
  }

  /** The organization of a job queued before jobs carried it. */
  private async ownerOf(id: string): Promise<string | undefined> {
    return (await crossTenant(this.dataSource, SearchRequestEntity, 'job-owner').findOneBy({ id }))?.organizationId;
  }

  /** Takes the search when it is queued, or running under a lease whose heartbeat went stale. */
  private async claim(organization: OrgRef, id: string): Promise<Held | null> {
    const requests = owned(this.dataSource, SearchRequestEntity, organization);
    const leaseId = randomUUID();
    const rows = await requests.sql<{ id: string }>(
      `UPDATE search_requests SET status = 'running', started_at = $3, attempts = attempts + 1, progress = 0.1, lease_id = $4, heartbeat_at = now()
       WHERE organization_id = $1 AND id = $2
         AND (status = 'queued' OR (status = 'running' AND attempts < $6 AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $5))))
       RETURNING id`,
      [id, this.clock(), leaseId, this.lease.leaseSeconds, this.maxAttempts],
    );
    if (rows.length === 0) return null;
    const request = await requests.findOne({ id });
    return request && request.leaseId === leaseId ? { ...request, leaseId } : null;
  }

  private async beat(request: Held): Promise<void> {
    await owned(this.dataSource, SearchRequestEntity, request).sql(
      `UPDATE search_requests SET heartbeat_at = now() WHERE organization_id = $1 AND id = $2 AND lease_id = $3`,
      [request.id, request.leaseId],
    );
  }

  private async solve(request: SearchRequestRow): Promise<SearchResult> {
    const model = await owned(this.dataSource, ModelSpecEntity, request).findOne({ id: request.modelSpecId });
    // Sharing may have been revoked since submission: look the tables up as the requester again.
    const ordered = await this.costTables.visibleToOrganization(request.organizationId, request.costTableIds);
    if (!model || ordered.length !== request.costTableIds.length) throw new SearchFailure(ErrorCode.NOT_FOUND, 'A model spec or cost table is gone');
    // A verify round searches under the budgets the loop tightened.
    const spec = request.verification ? { ...request.spec, budgets: request.verification.budgets } : request.spec;
    const coreRequest = buildCoreRequest(model, SearchRequestService.coreTables(ordered), spec, SearchRequestService.liveSets(ordered));
    return runSearch(coreRequest, { strategy: request.spec.strategy, k: request.spec.k, diversity: request.spec.diversity });
  }

  /**
   * A verify round: the first round's infeasibility fails the search as without verification; a
   * later one ends the loop with what was measured; proposals go to the loop (its draft and job).
   */
  private async verifyRound(request: Held, result: SearchResult, loop: SearchVerificationLoop): Promise<void> {
    const first = (request.verification?.round ?? 0) === 0;
    // Nothing to measure ends the loop as infeasibility does.
    const nothing = result.status === 'infeasible' || result.proposals.length === 0;
    if (nothing && first) throw new SearchFailure(ErrorCode.INFEASIBLE, `No assignment meets the budgets${infeasibleWhy(result)}`);
    await this.dataSource.transaction(async (manager) => {
      await this.releaseLease(manager, request);
      if (nothing) await loop.roundInfeasible(manager, request, result);
      else await loop.roundSearched(manager, request, result);
    });
  }

  /** Gives up the lease inside the transaction that ends the run; LeaseLost when another worker took it. */
  private async releaseLease(manager: EntityManager, request: Held): Promise<void> {
    const held = await owned(manager, SearchRequestEntity, request).sql(
      `UPDATE search_requests SET lease_id = NULL, heartbeat_at = NULL WHERE organization_id = $1 AND id = $2 AND lease_id = $3 AND status = 'running' RETURNING id`,
      [request.id, request.leaseId],
    );
    if (held.length === 0) throw new LeaseLost();
  }

  /** Ends the run in one transaction, only while it still holds its lease (else LeaseLost, nothing stored). */
  private async finish(request: Held, change: Partial<SearchRequestRow>, result?: SearchResult): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const requests = owned(manager, SearchRequestEntity, request);
      await this.releaseLease(manager, request);
      const proposalSetId = result
        ? (await this.proposalSets.append(manager, { organizationId: request.organizationId, projectId: request.projectId, searchRequestId: request.id }, result)).id
        : null;
      await requests.update({ id: request.id }, { ...change, ...(proposalSetId ? { proposalSetId } : {}), progress: 1, finishedAt: this.clock() });
    });
  }

  private complete(request: Held, result: SearchResult): Promise<void> {
    return this.finish(request, { status: 'succeeded' }, result);
  }

  private async fail(request: Held, code: string, message: string): Promise<void> {
    await this.finish(request, { status: 'failed', errorCode: code, errorMessage: message }).catch((error: unknown) => {
      if (!(error instanceof LeaseLost)) throw error;
    });
  }

  /** Back to the queue, now (after a database failure of this run). */
  private async release(request: Held): Promise<void> {
    await owned(this.dataSource, SearchRequestEntity, request).sql(
      `UPDATE search_requests SET status = 'queued', lease_id = NULL, heartbeat_at = NULL, progress = 0
       WHERE organization_id = $1 AND id = $2 AND lease_id = $3 AND status = 'running'`,
      [request.id, request.leaseId],
    );
  }

  /**
   * Requeues running searches whose worker stopped beating (in every organization), or fails
   * those that used their last attempt. Returns how many it touched.
   */
  async requeueStale(jobs: JobQueue): Promise<number> {
    const touched = await this.dataSource.transaction(async (manager) => {
      const rows = await crossTenantSql<{ id: string; organization_id: string; status: string; attempts: number }>(
        manager,
        'worker-lease',
        `UPDATE search_requests SET
           status = CASE WHEN attempts >= $2 THEN 'failed'::search_request_status ELSE 'queued'::search_request_status END,
           error_code = CASE WHEN attempts >= $2 THEN 'INTERNAL_SERVER_ERROR' ELSE error_code END,
           error_message = CASE WHEN attempts >= $2 THEN 'The search stopped its worker ' || attempts || ' times' ELSE error_message END,
           finished_at = CASE WHEN attempts >= $2 THEN $3 ELSE finished_at END,
           progress = CASE WHEN attempts >= $2 THEN 1 ELSE 0 END,
           lease_id = NULL, heartbeat_at = NULL
         WHERE status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $1))
           AND (lease_id IS NULL OR NOT (lease_id = ANY($4::uuid[])))
         RETURNING id, organization_id, status, attempts`,
        [this.lease.leaseSeconds, this.maxAttempts, this.clock(), [...this.running]],
      );
      for (const row of rows) {
        if (row.status !== 'queued') continue;
        await jobs.enqueueSearch(manager, { searchRequestId: row.id, organizationId: row.organization_id }, `${row.id}:attempt-${row.attempts + 1}`);
      }
      return rows;
    });
    const orphans = await this.requeueOrphans(jobs);
    if (this.loop) await this.loop.failAbandoned(this.dataSource);
    if (orphans > 0 || touched.some((row) => row.status === 'queued')) jobs.wake();
    for (const row of touched) console.warn(`[search] ${row.id}: its worker stopped; ${row.status === 'queued' ? 'queued again' : 'failed after its last attempt'}`);
    return touched.length + orphans;
  }

  /**
   * Queued searches (older than a lease) whose job is gone — a run given back after a database
   * failure whose job then used its last retry — or whose job a dead worker fetched and never
   * started. They get a job again (a second run of a finished search stores nothing).
   */
  private async requeueOrphans(jobs: JobQueue): Promise<number> {
    const queued = await crossTenantSql<{ id: string; organization_id: string; attempts: number }>(
      this.dataSource,
      'worker-lease',
      `SELECT id, organization_id, attempts FROM search_requests WHERE status = 'queued' AND created_at < now() - make_interval(secs => $1) LIMIT 100`,
      [this.lease.leaseSeconds],
    );
    if (queued.length === 0) return 0;
    const pending = await jobs.pendingSearches(queued.map((row) => row.id), this.lease.leaseSeconds);
    const orphans = queued.filter((row) => !pending.has(row.id));
    for (const row of orphans) {
      await this.dataSource.transaction((manager) =>
        jobs.enqueueSearch(manager, { searchRequestId: row.id, organizationId: row.organization_id }, `${row.id}:orphan-${row.attempts}`),
      );
      console.warn(`[search] ${row.id}: queued without a job; queued again`);
    }
    return orphans.length;
  }
}
