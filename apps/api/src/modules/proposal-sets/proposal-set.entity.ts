import type { SearchResult } from '@actnas/core';
import { EntitySchema } from 'typeorm';

/** The result of one search, stored as version N of its project (1, 2, 3 … without gaps). */
export interface ProposalSetRow {
  id: string;
  organizationId: string;
  projectId: string;
  searchRequestId: string;
  /** Null while the set is the draft of a verifying search (invisible to every version query). */
  version: number | null;
  result: SearchResult;
  createdAt: Date;
}

export const ProposalSetEntity = new EntitySchema<ProposalSetRow>({
  name: 'ProposalSet',
  tableName: 'proposal_sets',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    organizationId: { name: 'organization_id', type: 'uuid' },
    projectId: { name: 'project_id', type: 'uuid' },
    searchRequestId: { name: 'search_request_id', type: 'uuid', unique: true },
    version: { type: 'integer', nullable: true },
    result: { type: 'jsonb' },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
  },
  uniques: [{ name: 'uq_proposal_sets_project_version', columns: ['projectId', 'version'] }],
  indices: [{ name: 'ix_proposal_sets_organization_created', columns: ['organizationId', 'createdAt'] }],
  foreignKeys: [
    { target: 'Organization', columnNames: ['organization_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'Project', columnNames: ['project_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'SearchRequest', columnNames: ['search_request_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
  ],
});
