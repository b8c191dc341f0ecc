import type { SearchResult } from '@actnas/core';
import type { DataSource, EntityManager } from 'typeorm';
import { demand } from '../../auth/access.js';
import { leanQuery, leanTable } from '../../database/lean.js';
import { queryRows } from '../../database/query-rows.js';
import type { Loaders } from '../../graphql/context.js';
import type { OrgScope } from '../../auth/access.js';
import { badInput, notFound } from '../../errors.js';
import { paginate } from '../../graphql/connection.js';
import type { Connection, PageArgs } from '../../graphql/connection.js';
import type { Project } from '../projects/project.entity.js';
import { diffResults } from './proposal-set.diff.js';
import type { ProposalSetDiff } from './proposal-set.diff.js';
import { ProposalSetEntity } from './proposal-set.entity.js';
import type { ProposalSetRow } from './proposal-set.entity.js';

export class ProposalSetService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores `result` as the project's next version inside `manager`'s transaction. The counter row
   * is incremented under its row lock, so concurrent completions queue and get N, N+1, …; a
   * rollback gives the number back, so versions have no gaps (and a unique constraint backs it).
   */
  async append(manager: EntityManager, target: { organizationId: string; projectId: string; searchRequestId: string }, result: SearchResult): Promise<ProposalSetRow> {
    const rows = await queryRows<{ version: number }>(
      manager,
      `UPDATE projects SET last_proposal_version = last_proposal_version + 1
       WHERE id = $1 AND organization_id = $2 RETURNING last_proposal_version AS version`,
      [target.projectId, target.organizationId],
    );
    const version = rows[0]?.version;
    if (version === undefined) throw notFound('Project');
    const sets = manager.getRepository(ProposalSetEntity);
    return sets.save(sets.create({ ...target, version, result }));
  }

  list(scope: OrgScope, project: Project, page: PageArgs): Promise<Connection<ProposalSetRow>> {
    demand(scope, 'read');
    const query = this.dataSource
      .getRepository(ProposalSetEntity)
      .createQueryBuilder('proposal_set')
      .where('proposal_set.organization_id = :organizationId AND proposal_set.project_id = :projectId', {
        organizationId: scope.organizationId,
        projectId: project.id,
      });
    return paginate(query, page, 'DESC');
  }

  /** The project's newest set, through the request's loader so a page of projects costs one query. */
  async latest(scope: OrgScope, project: Project, loader: Loaders['latestProposalSet']): Promise<ProposalSetRow | null> {
    demand(scope, 'read');
    return loader.load({ organizationId: scope.organizationId, projectId: project.id });
  }

  /** The newest set of each of the organization's `projectIds` that has one (for the loader). */
  latestOf(organizationId: string, projectIds: readonly string[]): Promise<ProposalSetRow[]> {
    const { table, columns } = leanTable(this.dataSource, ProposalSetEntity, 'proposal_set');
    return leanQuery<ProposalSetRow>(
      this.dataSource,
      `SELECT DISTINCT ON (proposal_set.project_id) ${columns} FROM ${table} proposal_set
       WHERE proposal_set.organization_id = $1 AND proposal_set.project_id = ANY($2::uuid[])
       ORDER BY proposal_set.project_id, proposal_set.version DESC`,
      [organizationId, projectIds],
    );
  }

  async byVersion(scope: OrgScope, project: Project, version: number): Promise<ProposalSetRow> {
    demand(scope, 'read');
    const set = await this.dataSource
      .getRepository(ProposalSetEntity)
      .findOneBy({ organizationId: scope.organizationId, projectId: project.id, version });
    if (!set) throw notFound('Proposal set');
    return set;
  }

  async byId(scope: OrgScope, id: string): Promise<ProposalSetRow | null> {
    return this.dataSource.getRepository(ProposalSetEntity).findOneBy({ organizationId: scope.organizationId, id });
  }

  async diff(scope: OrgScope, project: Project, from: number, to: number): Promise<ProposalSetDiff & { from: number; to: number }> {
    if (from === to) throw badInput(['to'], 'Compare two different versions');
    const [a, b] = await Promise.all([this.byVersion(scope, project, from), this.byVersion(scope, project, to)]);
    return { from, to, ...diffResults(a.result, b.result) };
  }
}
