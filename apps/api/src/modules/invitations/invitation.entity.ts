import { EntitySchema } from 'typeorm';
import { ROLES } from '../memberships/role.js';
import type { Role } from '../memberships/role.js';

/** An open offer to join an organization; the bearer of the token (sent by mail) accepts it. */
export interface Invitation {
  id: string;
  organizationId: string;
  email: string;
  role: Role;
  tokenHash: string;
  invitedById: string;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

export const InvitationEntity = new EntitySchema<Invitation>({
  name: 'Invitation',
  tableName: 'invitations',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    organizationId: { name: 'organization_id', type: 'uuid' },
    email: { type: 'varchar', length: 320 },
    role: { type: 'enum', enum: [...ROLES], enumName: 'membership_role' },
    tokenHash: { name: 'token_hash', type: 'char', length: 64, unique: true },
    invitedById: { name: 'invited_by_id', type: 'uuid' },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
    expiresAt: { name: 'expires_at', type: 'timestamptz' },
    acceptedAt: { name: 'accepted_at', type: 'timestamptz', nullable: true },
    revokedAt: { name: 'revoked_at', type: 'timestamptz', nullable: true },
  },
  indices: [{ name: 'ix_invitations_organization', columns: ['organizationId', 'createdAt'] }],
  foreignKeys: [
    { target: 'Organization', columnNames: ['organization_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'User', columnNames: ['invited_by_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
  ],
});
