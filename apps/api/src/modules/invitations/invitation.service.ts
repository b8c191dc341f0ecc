import type { DataSource } from 'typeorm';
import { IsNull } from 'typeorm';
import { z } from 'zod';
import { demand, memberScope } from '../../auth/policy.js';
import type { OrgScope } from '../../auth/policy.js';
import type { Connection, PageArgs } from '../../database/pagination.js';
import { crossTenant, global, owned } from '../../database/tenant.js';
import type { UserActor } from '../../auth/actor.js';
import { newSecret, sha256 } from '../../auth/crypto.js';
import { conflict, forbidden, notFound, parseInput } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { MembershipEntity } from '../memberships/membership.entity.js';
import { ROLES } from '../memberships/role.js';
import { OrganizationEntity } from '../organizations/organization.entity.js';
import type { Organization } from '../organizations/organization.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { emailSchema } from '../users/user.service.js';
import { InvitationEntity } from './invitation.entity.js';
import type { Invitation } from './invitation.entity.js';

const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

const createSchema = z.object({ organizationId: z.string(), email: emailSchema, role: z.enum(ROLES) });
const acceptSchema = z.object({ token: z.string().min(1).max(200) });
const revokeSchema = z.object({ organizationId: z.string(), id: z.guid() });

export class InvitationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  list(scope: OrgScope, page: PageArgs): Promise<Connection<Invitation>> {
    demand(scope, 'members:manage');
    const invitations = owned(this.dataSource, InvitationEntity, scope);
    return invitations.paginate(invitations.select('invitation'), page, 'DESC');
  }

  async create(scope: OrgScope, rawInput: unknown, now: Date): Promise<{ invitation: Invitation; token: string }> {
    demand(scope, 'members:manage');
    const input = parseInput(createSchema, rawInput);
    if (input.role === 'owner' && scope.role !== 'owner') throw forbidden('Only owners invite owners');
    if (scope.actor.kind !== 'user') throw forbidden('API tokens cannot invite');
    const invitedById = scope.actor.userId;
    return this.dataSource.transaction(async (manager) => {
      const alreadyMember = await owned(manager, MembershipEntity, scope)
        .select('m')
        .innerJoin('User', 'u', 'u.id = m.user_id')
        .andWhere('u.email = :email', { email: input.email })
        .getExists();
      if (alreadyMember) throw conflict('This person is already a member');
      const token = newSecret('inv');
      const invitation = await owned(manager, InvitationEntity, scope).save({
          email: input.email,
          role: input.role,
          tokenHash: sha256(token),
          invitedById,
          expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
          acceptedAt: null,
          revokedAt: null,
      });
      await this.audit.record(manager, scope, {
        action: 'invitation.create',
        targetType: 'invitation',
        targetId: invitation.id,
        data: { email: input.email, role: input.role },
      });
      return { invitation, token };
    });
  }

  /** Joins the invitation's organization; any unusable token answers NOT_FOUND alike. */
  async accept(actor: UserActor, rawInput: unknown, now: Date): Promise<Organization> {
    const input = parseInput(acceptSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const invitation = await crossTenant(manager, InvitationEntity, 'invitation-token')
        .createQueryBuilder('invitation')
        .setLock('pessimistic_write')
        .where('invitation.token_hash = :hash', { hash: sha256(input.token) })
        .getOne();
      const user = await global(manager, UserEntity).findOneBy({ id: actor.userId });
      const usable = invitation && !invitation.acceptedAt && !invitation.revokedAt && invitation.expiresAt > now;
      if (!invitation || !usable || user?.email !== invitation.email) throw notFound('Invitation');
      const scope = memberScope(invitation.organizationId, actor, invitation.role);
      const memberships = owned(manager, MembershipEntity, scope);
      if (await memberships.exists({ userId: actor.userId })) throw conflict('You are already a member');
      await memberships.insert({ userId: actor.userId, role: invitation.role });
      await owned(manager, InvitationEntity, scope).update({ id: invitation.id, acceptedAt: IsNull() }, { acceptedAt: now });
      await this.audit.record(manager, scope, {
        action: 'invitation.accept',
        targetType: 'invitation',
        targetId: invitation.id,
        data: { role: invitation.role },
      });
      const organization = await global(manager, OrganizationEntity).findOneBy({ id: invitation.organizationId });
      if (!organization) throw notFound('Invitation');
      return organization;
    });
  }

  async revoke(scope: OrgScope, rawInput: unknown, now: Date): Promise<Invitation> {
    demand(scope, 'members:manage');
    const input = parseInput(revokeSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const invitations = owned(manager, InvitationEntity, scope);
      const invitation = await invitations.findOne({ id: input.id });
      if (!invitation) throw notFound('Invitation');
      if (invitation.acceptedAt) throw conflict('This invitation was already accepted');
      const revoked = { ...invitation, revokedAt: invitation.revokedAt ?? now };
      await invitations.update({ id: invitation.id }, { revokedAt: revoked.revokedAt });
      await this.audit.record(manager, scope, { action: 'invitation.revoke', targetType: 'invitation', targetId: invitation.id });
      return revoked;
    });
  }
}
