import { EntitySchema } from 'typeorm';

export interface Project {
  id: string;
  organizationId: string;
  name: string;
  description: string;
  /** The counter row for proposal-set versions: incremented under a row lock, never skipped. */
  lastProposalVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export const ProjectEntity = new EntitySchema<Project>({
  name: 'Project',
  tableName: 'projects',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    organizationId: { name: 'organization_id', type: 'uuid' },
    name: { type: 'varchar', length: 200 },
    description: { type: 'text', default: '' },
    lastProposalVersion: { name: 'last_proposal_version', type: 'integer', default: 0 },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
  },
  uniques: [{ name: 'uq_projects_organization_name', columns: ['organizationId', 'name'] }],
  indices: [{ name: 'ix_projects_organization_created', columns: ['organizationId', 'createdAt'] }],
  foreignKeys: [
    { target: 'Organization', columnNames: ['organization_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
  ],
});
