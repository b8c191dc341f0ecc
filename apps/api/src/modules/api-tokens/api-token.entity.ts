import { EntitySchema } from 'typeorm';
import type { Scope } from './scope.js';

/** A token for CI and agents. The secret is shown once; only its SHA-256 and a prefix are kept. */
export interface ApiToken {
  id: string;
  organizationId: string;
  createdById: string;
  name: string;
  prefix: string;
  secretHash: string;
  scopes: Scope[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export const ApiTokenEntity = new EntitySchema<ApiToken>({
  name: 'ApiToken',
  tableName: 'api_tokens',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    organizationId: { name: 'organization_id', type: 'uuid' },
    createdById: { name: 'created_by_id', type: 'uuid' },
    name: { type: 'varchar', length: 200 },
    prefix: { type: 'varchar', length: 24 },
    secretHash: { name: 'secret_hash', type: 'char', length: 64, unique: true },
    scopes: { type: 'text', array: true },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
    expiresAt: { name: 'expires_at', type: 'timestamptz', nullable: true },
    revokedAt: { name: 'revoked_at', type: 'timestamptz', nullable: true },
    lastUsedAt: { name: 'last_used_at', type: 'timestamptz', nullable: true },
  },
  indices: [{ name: 'ix_api_tokens_organization', columns: ['organizationId', 'createdAt'] }],
  foreignKeys: [
    { target: 'Organization', columnNames: ['organization_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'User', columnNames: ['created_by_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
  ],
});
