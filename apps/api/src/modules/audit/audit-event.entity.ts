import { EntitySchema } from 'typeorm';

/** One change: who (user and/or API token), what (action, target), when. Never updated. */
export interface AuditEvent {
  id: string;
  organizationId: string | null;
  actorUserId: string | null;
  actorTokenId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

export const AuditEventEntity = new EntitySchema<AuditEvent>({
  name: 'AuditEvent',
  tableName: 'audit_events',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    organizationId: { name: 'organization_id', type: 'uuid', nullable: true },
    actorUserId: { name: 'actor_user_id', type: 'uuid', nullable: true },
    actorTokenId: { name: 'actor_token_id', type: 'uuid', nullable: true },
    action: { type: 'varchar', length: 100 },
    targetType: { name: 'target_type', type: 'varchar', length: 50 },
    targetId: { name: 'target_id', type: 'uuid', nullable: true },
    data: { type: 'jsonb', default: () => "'{}'" },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
  },
  indices: [{ name: 'ix_audit_events_organization_created', columns: ['organizationId', 'createdAt'] }],
});
