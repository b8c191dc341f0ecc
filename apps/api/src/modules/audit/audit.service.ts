import type { DataSource, EntityManager } from 'typeorm';
import { actorIds } from '../../auth/policy.js';
import type { OrgScope } from '../../auth/policy.js';
import type { Connection, PageArgs } from '../../database/pagination.js';
import { crossTenant, owned } from '../../database/tenant.js';
import { AuditEventEntity } from './audit-event.entity.js';
import type { AuditEvent } from './audit-event.entity.js';

export interface AuditRecord {
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly data?: Record<string, unknown>;
}

/**
 * Who acted where: an org scope, a user (or nobody yet) acting outside any organization (sign-up,
 * sign-in), or the platform itself in an organization (the search worker's verify loop), with no actor.
 */
export type AuditSubject = OrgScope | { readonly organizationId: null; readonly userId: string | null } | { readonly organizationId: string; readonly platform: true };

export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Writes within the caller's transaction, so a change and its audit event commit together. */
  async record(manager: EntityManager | DataSource, subject: AuditSubject, record: AuditRecord): Promise<void> {
    const actor = 'actor' in subject ? actorIds(subject) : { actorUserId: 'userId' in subject ? subject.userId : null, actorTokenId: null };
    const event = {
      ...actor,
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId,
      data: (record.data ?? {}) as AuditEvent['data'] & object,
    };
    if (subject.organizationId === null) await crossTenant(manager, AuditEventEntity, 'user-events').insert({ ...event, organizationId: null });
    else await owned(manager, AuditEventEntity, { organizationId: subject.organizationId }).insert(event);
  }

  list(scope: OrgScope, page: PageArgs): Promise<Connection<AuditEvent>> {
    const events = owned(this.dataSource, AuditEventEntity, scope);
    return events.paginate(events.select('event'), page, 'DESC');
  }
}
