import type { DataSource, EntityManager } from 'typeorm';
import { actorIds } from '../../auth/access.js';
import type { OrgScope } from '../../auth/access.js';
import { paginate } from '../../graphql/connection.js';
import type { Connection, PageArgs } from '../../graphql/connection.js';
import { AuditEventEntity } from './audit-event.entity.js';
import type { AuditEvent } from './audit-event.entity.js';

export interface AuditRecord {
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly data?: Record<string, unknown>;
}

/** Who acted where: an org scope, or a user acting outside any organization (sign-up, sign-in). */
export type AuditSubject = OrgScope | { readonly organizationId: null; readonly userId: string };

export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Writes within the caller's transaction, so a change and its audit event commit together. */
  async record(manager: EntityManager, subject: AuditSubject, record: AuditRecord): Promise<void> {
    const actor = 'actor' in subject ? actorIds(subject) : { actorUserId: subject.userId, actorTokenId: null };
    await manager.getRepository(AuditEventEntity).insert({
      organizationId: subject.organizationId,
      ...actor,
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId,
      data: (record.data ?? {}) as AuditEvent['data'] & object,
    });
  }

  list(scope: OrgScope, page: PageArgs): Promise<Connection<AuditEvent>> {
    const query = this.dataSource
      .getRepository(AuditEventEntity)
      .createQueryBuilder('event')
      .where('event.organization_id = :organizationId', { organizationId: scope.organizationId });
    return paginate(query, page, 'DESC');
  }
}
