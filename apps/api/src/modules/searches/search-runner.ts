import { SearchRequestError, SearchSpaceError, runSearch } from '@actnas/core';
import type { SearchResult } from '@actnas/core';
import type { DataSource } from 'typeorm';
import { queryRows } from '../../database/query-rows.js';
import { ErrorCode } from '../../errors.js';
import type { CostTableService } from '../cost-tables/cost-table.service.js';
import { ModelSpecEntity } from '../model-specs/model-spec.entity.js';
import type { ProposalSetService } from '../proposal-sets/proposal-set.service.js';
import { buildCoreRequest } from './search-build.js';
import { SearchRequestEntity } from './search-request.entity.js';
import type { SearchRequestRow } from './search-request.entity.js';
import { SearchRequestService } from './search-request.service.js';

class SearchFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Solves queued search requests (called by the job worker) and stores their proposal sets. */
export class SearchRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly proposalSets: ProposalSetService,
    private readonly costTables: CostTableService,
    private readonly clock: () => Date,
  ) {}

  /** Idempotent: a request already finished (e.g. a redelivered job) is left alone. */
  async run(searchRequestId: string): Promise<void> {
    const request = await this.claim(searchRequestId);
    if (!request) return;
    try {
      const result = await this.solve(request);
      if (result.status === 'infeasible') {
        const why = (result.infeasible ?? []).map((r) => `${r.description} (best reachable ${r.lowerBound ? '≥ ' : ''}${r.bestAchievable})`).join('; ');
        throw new SearchFailure(ErrorCode.INFEASIBLE, `No assignment meets the budgets${why ? `: ${why}` : ''}`);
      }
      await this.complete(request, result);
    } catch (error) {
      if (error instanceof SearchFailure) return this.fail(request, error.code, error.message);
      if (error instanceof SearchRequestError || error instanceof SearchSpaceError) return this.fail(request, ErrorCode.BAD_USER_INPUT, error.message);
      throw error;
    }
  }

  private async claim(id: string): Promise<SearchRequestRow | null> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource.manager,
      `UPDATE search_requests SET status = 'running', started_at = $2, attempts = attempts + 1, progress = 0.1
       WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
      [id, this.clock()],
    );
    if (rows.length === 0) return null;
    return this.dataSource.getRepository(SearchRequestEntity).findOneBy({ id });
  }

  private async solve(request: SearchRequestRow): Promise<SearchResult> {
    const model = await this.dataSource.getRepository(ModelSpecEntity).findOneBy({ organizationId: request.organizationId, id: request.modelSpecId });
    // Sharing may have been revoked since submission: look the tables up as the requester again.
    const ordered = await this.costTables.visibleToOrganization(request.organizationId, request.costTableIds);
    if (!model || ordered.length !== request.costTableIds.length) throw new SearchFailure(ErrorCode.NOT_FOUND, 'A model spec or cost table is gone');
    const coreRequest = buildCoreRequest(model, SearchRequestService.coreTables(ordered), request.spec, SearchRequestService.liveSets(ordered));
    return runSearch(coreRequest, { strategy: request.spec.strategy, k: request.spec.k, diversity: request.spec.diversity });
  }

  private async complete(request: SearchRequestRow, result: SearchResult): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const set = await this.proposalSets.append(
        manager,
        { organizationId: request.organizationId, projectId: request.projectId, searchRequestId: request.id },
        result,
      );
      await manager
        .getRepository(SearchRequestEntity)
        .update(
          { organizationId: request.organizationId, id: request.id },
          { status: 'succeeded', progress: 1, proposalSetId: set.id, finishedAt: this.clock() },
        );
    });
  }

  private async fail(request: SearchRequestRow, code: string, message: string): Promise<void> {
    await this.dataSource
      .getRepository(SearchRequestEntity)
      .update(
        { organizationId: request.organizationId, id: request.id },
        { status: 'failed', progress: 1, errorCode: code, errorMessage: message, finishedAt: this.clock() },
      );
  }
}
