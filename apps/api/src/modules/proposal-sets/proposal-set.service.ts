import type { SearchResult } from '@actnas/core';
import type { DataSource, EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { demand } from '../../auth/policy.js';
import type { OrgScope } from '../../auth/policy.js';
import type { Connection, PageArgs } from '../../database/pagination.js';
import { owned } from '../../database/tenant.js';
import type { OrgRef } from '../../database/tenant.js';
import { badInput, notFound } from '../../errors.js';
import { ProjectEntity } from '../projects/project.entity.js';
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
    const version = await this.nextVersion(manager, target);
    return owned(manager, ProposalSetEntity, target).save({ projectId: target.projectId, searchRequestId: target.searchRequestId, version, result });
  }

  private async nextVersion(manager: EntityManager, target: { organizationId: string; projectId: string }): Promise<number> {
    const rows = await owned(manager, ProjectEntity, target).sql<{ version: number }>(
      `UPDATE projects SET last_proposal_version = last_proposal_version + 1
       WHERE organization_id = $1 AND id = $2 RETURNING last_proposal_version AS version`,
      [target.projectId],
    );
    const version = rows[0]?.version;
    if (version === undefined) throw notFound('Project');
    return version;
  }

  /** A verifying search's draft: a set without a version, which no version query lists. */
  saveDraft(manager: EntityManager, target: { organizationId: string; projectId: string; searchRequestId: string }, result: SearchResult): Promise<ProposalSetRow> {
    return owned(manager, ProposalSetEntity, target).save({ projectId: target.projectId, searchRequestId: target.searchRequestId, version: null, result });
  }

  async replaceDraft(manager: EntityManager, draft: ProposalSetRow, result: SearchResult): Promise<void> {
    await owned(manager, ProposalSetEntity, draft).update({ id: draft.id, version: IsNull() }, { result });
  }

  /** Makes the draft the project's next version (the same counter as append, so no gaps), with its final result. */
  async promote(manager: EntityManager, draft: ProposalSetRow, result: SearchResult): Promise<ProposalSetRow> {
    const version = await this.nextVersion(manager, draft);
    await owned(manager, ProposalSetEntity, draft).update({ id: draft.id, version: IsNull() }, { version, result });
    return { ...draft, version, result };
  }

  list(scope: OrgScope, project: Project, page: PageArgs): Promise<Connection<ProposalSetRow>> {
    demand(scope, 'read');
    const sets = owned(this.dataSource, ProposalSetEntity, scope);
    return sets.paginate(sets.select('proposal_set').andWhere('proposal_set.project_id = :projectId AND proposal_set.version IS NOT NULL', { projectId: project.id }), page, 'DESC');
  }

  /** The project's newest set, through the request's loader so a page of projects costs one query. */
  async latest(scope: OrgScope, project: Project, loader: { load(key: { organizationId: string; projectId: string }): Promise<ProposalSetRow | null> }): Promise<ProposalSetRow | null> {
    demand(scope, 'read');
    return loader.load({ organizationId: scope.organizationId, projectId: project.id });
  }

  /** The newest set of each of the organization's `projectIds` that has one (for the loader). */
  latestOf(organization: OrgRef, projectIds: readonly string[]): Promise<ProposalSetRow[]> {
    const sets = owned(this.dataSource, ProposalSetEntity, organization);
    const { table, columns } = sets.columns('proposal_set');
    return sets.lean<ProposalSetRow>(
      `SELECT DISTINCT ON (proposal_set.project_id) ${columns} FROM ${table} proposal_set
       WHERE proposal_set.organization_id = $1 AND proposal_set.project_id = ANY($2::uuid[]) AND proposal_set.version IS NOT NULL
       ORDER BY proposal_set.project_id, proposal_set.version DESC`,
      [projectIds],
    );
  }

  async byVersion(scope: OrgScope, project: Project, version: number): Promise<ProposalSetRow> {
    demand(scope, 'read');
    const set = await owned(this.dataSource, ProposalSetEntity, scope).findOne({ projectId: project.id, version });
    if (!set) throw notFound('Proposal set');
    return set;
  }

  /** A set by id, a verifying search's draft included (its verification job's agent reads it). */
  async byId(scope: OrgRef, id: string): Promise<ProposalSetRow | null> {
    return owned(this.dataSource, ProposalSetEntity, scope).findOne({ id });
  }

  async diff(scope: OrgScope, project: Project, from: number, to: number): Promise<ProposalSetDiff & { from: number; to: number }> {
    if (from === to) throw badInput(['to'], 'Compare two different versions');
    const [a, b] = await Promise.all([this.byVersion(scope, project, from), this.byVersion(scope, project, to)]);
    return { from, to, ...diffResults(a.result, b.result) };
  }
}
