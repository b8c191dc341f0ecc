import { EntitySchema } from 'typeorm';
import { ROLES } from './role.js';
import type { Role } from './role.js';

export interface Membership {
  id: string;
  organizationId: string;
  userId: string;
  role: Role;
  createdAt: Date;
}

export const MembershipEntity = new EntitySchema<Membership>({
  name: 'Membership',
  tableName: 'memberships',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    organizationId: { name: 'organization_id', type: 'uuid' },
    userId: { name: 'user_id', type: 'uuid' },
    role: { type: 'enum', enum: [...ROLES], enumName: 'membership_role' },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
  },
  uniques: [{ name: 'uq_memberships_organization_user', columns: ['organizationId', 'userId'] }],
  indices: [{ name: 'ix_memberships_user', columns: ['userId'] }],
  foreignKeys: [
    { target: 'Organization', columnNames: ['organization_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'User', columnNames: ['user_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
  ],
});
