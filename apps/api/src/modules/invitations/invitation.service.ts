import type { DataSource } from 'typeorm';
import { IsNull } from 'typeorm';
import { z } from 'zod';
import { demand } from '../../auth/access.js';
import type { OrgScope } from '../../auth/access.js';
import type { UserActor } from '../../auth/actor.js';
import { newSecret, sha256 } from '../../auth/crypto.js';
import { conflict, forbidden, notFound, parseInput } from '../../errors.js';
import { paginate } from '../../graphql/connection.js';
import type { Connection, PageArgs } from '../../graphql/connection.js';
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
    const query = this.dataSource
      .getRepository(InvitationEntity)
      .createQueryBuilder('invitation')
      .where('invitation.organization_id = :organizationId', { organizationId: scope.organizationId });
    return paginate(query, page, 'DESC');
  }

  async create(scope: OrgScope, rawInput: unknown, now: Date): Promise<{ invitation: Invitation; token: string }> {
    demand(scope, 'members:manage');
    const input = parseInput(createSchema, rawInput);
    if (input.role === 'owner' && scope.role !== 'owner') throw forbidden('Only owners invite owners');
    if (scope.actor.kind !== 'user') throw forbidden('API tokens cannot invite');
    const invitedById = scope.actor.userId;
    return this.dataSource.transaction(async (manager) => {
      const alreadyMember = await manager
        .getRepository(MembershipEntity)
        .createQueryBuilder('m')
        .innerJoin('User', 'u', 'u.id = m.user_id')
        .where('m.organization_id = :organizationId AND u.email = :email', { organizationId: scope.organizationId, email: input.email })
        .getExists();
      if (alreadyMember) throw conflict('This person is already a member');
      const token = newSecret('inv');
      const invitations = manager.getRepository(InvitationEntity);
      const invitation = await invitations.save(
        invitations.create({
          organizationId: scope.organizationId,
          email: input.email,
          role: input.role,
          tokenHash: sha256(token),
          invitedById,
          expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
          acceptedAt: null,
          revokedAt: null,
        }),
      );
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
      const invitation = await manager
        .getRepository(InvitationEntity)
        .createQueryBuilder('invitation')
        .setLock('pessimistic_write')
        .where('invitation.token_hash = :hash', { hash: sha256(input.token) })
        .getOne();
      const user = await manager.getRepository(UserEntity).findOneBy({ id: actor.userId });
      const usable = invitation && !invitation.acceptedAt && !invitation.revokedAt && invitation.expiresAt > now;
      if (!invitation || !usable || user?.email !== invitation.email) throw notFound('Invitation');
      const memberships = manager.getRepository(MembershipEntity);
      if (await memberships.existsBy({ organizationId: invitation.organizationId, userId: actor.userId })) {
        throw conflict('You are already a member');
      }
      await memberships.insert({ organizationId: invitation.organizationId, userId: actor.userId, role: invitation.role });
      await manager
        .getRepository(InvitationEntity)
        .update({ organizationId: invitation.organizationId, id: invitation.id, acceptedAt: IsNull() }, { acceptedAt: now });
      const scope: OrgScope = { organizationId: invitation.organizationId, actor, role: invitation.role, permissions: new Set() };
      await this.audit.record(manager, scope, {
        action: 'invitation.accept',
        targetType: 'invitation',
        targetId: invitation.id,
        data: { role: invitation.role },
      });
      const organization = await manager.getRepository(OrganizationEntity).findOneBy({ id: invitation.organizationId });
      if (!organization) throw notFound('Invitation');
      return organization;
    });
  }

  async revoke(scope: OrgScope, rawInput: unknown, now: Date): Promise<Invitation> {
    demand(scope, 'members:manage');
    const input = parseInput(revokeSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const invitations = manager.getRepository(InvitationEntity);
      const invitation = await invitations.findOneBy({ organizationId: scope.organizationId, id: input.id });
      if (!invitation) throw notFound('Invitation');
      if (invitation.acceptedAt) throw conflict('This invitation was already accepted');
      const revoked = { ...invitation, revokedAt: invitation.revokedAt ?? now };
      await invitations.update({ organizationId: scope.organizationId, id: invitation.id }, { revokedAt: revoked.revokedAt });
      await this.audit.record(manager, scope, { action: 'invitation.revoke', targetType: 'invitation', targetId: invitation.id });
      return revoked;
    });
  }
}
