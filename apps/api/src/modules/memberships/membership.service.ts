import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { demand } from '../../auth/policy.js';
import type { OrgScope } from '../../auth/policy.js';
import type { Connection, PageArgs } from '../../database/pagination.js';
import { owned } from '../../database/tenant.js';
import { conflict, forbidden, notFound, parseInput } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { lockOrganization } from '../organizations/organization.service.js';
import { MembershipEntity } from './membership.entity.js';
import type { Membership } from './membership.entity.js';
import { ROLES } from './role.js';
import type { Role } from './role.js';
import { ApiTokenEntity } from '../api-tokens/api-token.entity.js';

/** Roles that may create (and so hold) API tokens. */
const TOKEN_MANAGERS: ReadonlySet<Role> = new Set(['admin', 'owner']);

const updateRoleSchema = z.object({ organizationId: z.string(), membershipId: z.guid(), role: z.enum(ROLES) });
const removeSchema = z.object({ organizationId: z.string(), membershipId: z.guid() });

export class MembershipService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  list(scope: OrgScope, page: PageArgs): Promise<Connection<Membership>> {
    const memberships = owned(this.dataSource, MembershipEntity, scope);
    return memberships.paginate(memberships.select('membership'), page);
  }

  /**
   * API tokens end with their creator's standing: a member who leaves, or no longer may manage
   * tokens, takes their tokens of this organization along (each revocation audited).
   */
  private async revokeTokensOf(manager: EntityManager, scope: OrgScope, userId: string, reason: 'creator_removed' | 'creator_demoted'): Promise<void> {
    const revoked = await owned(manager, ApiTokenEntity, scope).sql<{ id: string; prefix: string }>(
      `UPDATE api_tokens SET revoked_at = now() WHERE organization_id = $1 AND created_by_id = $2 AND revoked_at IS NULL RETURNING id, prefix`,
      [userId],
    );
    for (const token of revoked) {
      await this.audit.record(manager, scope, { action: 'api_token.revoke', targetType: 'api_token', targetId: token.id, data: { prefix: token.prefix, reason } });
    }
  }

  /** A user's membership in an organization (null when not a member). */
  ofUser(userId: string, organizationId: string): Promise<Membership | null> {
    return owned(this.dataSource, MembershipEntity, { organizationId }).findOne({ userId });
  }

  private async find(manager: EntityManager, scope: OrgScope, id: string): Promise<Membership> {
    const membership = await owned(manager, MembershipEntity, scope).findOne({ id });
    if (!membership) throw notFound('Membership');
    return membership;
  }

  private async assertOwnerRemains(manager: EntityManager, scope: OrgScope, leaving: Membership): Promise<void> {
    if (leaving.role !== 'owner') return;
    const owners = await owned(manager, MembershipEntity, scope).count({ role: 'owner' });
    if (owners <= 1) throw conflict('An organization keeps at least one owner');
  }

  async updateRole(scope: OrgScope, rawInput: unknown): Promise<Membership> {
    demand(scope, 'members:manage');
    const input = parseInput(updateRoleSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      await lockOrganization(manager, scope.organizationId);
      const membership = await this.find(manager, scope, input.membershipId);
      if ((membership.role === 'owner' || input.role === 'owner') && scope.role !== 'owner') {
        throw forbidden('Only owners grant or take away the owner role');
      }
      if (input.role !== 'owner') await this.assertOwnerRemains(manager, scope, membership);
      await owned(manager, MembershipEntity, scope).update({ id: membership.id }, { role: input.role });
      if (!TOKEN_MANAGERS.has(input.role)) await this.revokeTokensOf(manager, scope, membership.userId, 'creator_demoted');
      await this.audit.record(manager, scope, {
        action: 'membership.update_role',
        targetType: 'membership',
        targetId: membership.id,
        data: { from: membership.role, to: input.role, userId: membership.userId },
      });
      return { ...membership, role: input.role };
    });
  }

  async remove(scope: OrgScope, rawInput: unknown): Promise<string> {
    const input = parseInput(removeSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      await lockOrganization(manager, scope.organizationId);
      const membership = await this.find(manager, scope, input.membershipId);
      const leavingSelf = scope.actor.kind === 'user' && scope.actor.userId === membership.userId;
      if (!leavingSelf) demand(scope, 'members:manage');
      if (!leavingSelf && membership.role === 'owner' && scope.role !== 'owner') throw forbidden('Only owners remove owners');
      await this.assertOwnerRemains(manager, scope, membership);
      await owned(manager, MembershipEntity, scope).delete({ id: membership.id });
      await this.revokeTokensOf(manager, scope, membership.userId, 'creator_removed');
      await this.audit.record(manager, scope, {
        action: 'membership.remove',
        targetType: 'membership',
        targetId: membership.id,
        data: { userId: membership.userId, role: membership.role },
      });
      return membership.id;
    });
  }
}
