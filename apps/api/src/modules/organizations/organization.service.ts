import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { memberScope } from '../../auth/policy.js';
import type { OrgScope } from '../../auth/policy.js';
import type { TokenActor, UserActor } from '../../auth/actor.js';
import type { Connection, PageArgs } from '../../database/pagination.js';
import { crossTenantSql, global, owned, paginateQuery } from '../../database/tenant.js';
import { conflict, notFound, parseInput } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { MembershipEntity } from '../memberships/membership.entity.js';
import type { Membership } from '../memberships/membership.entity.js';
import { OrganizationEntity } from './organization.entity.js';
import type { Organization } from './organization.entity.js';

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{1,62}[a-z0-9])$/, 'Use 3 to 64 lower-case letters, digits and inner dashes');

const createSchema = z.object({ name: z.string().trim().min(1, 'Required').max(200), slug: slugSchema });
const updateSchema = z.object({ organizationId: z.string(), name: z.string().trim().min(1, 'Required').max(200) });

/** Serializes changes to one organization's memberships (e.g. "keep the last owner"). */
export async function lockOrganization(manager: EntityManager, organizationId: string): Promise<void> {
  await global(manager, OrganizationEntity)
    .createQueryBuilder('organization')
    .setLock('pessimistic_write')
    .where('organization.id = :organizationId', { organizationId })
    .getOne();
}

export class OrganizationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * The caller's organization with this slug (hidden and missing ones are both null), with the
   * signed-in user's membership there, so the request needs no second round trip for it.
   */
  async visibleBySlug(actor: UserActor | TokenActor, slug: string): Promise<{ organization: Organization; membership: Membership | null } | null> {
    // Lean SQL: every dashboard request starts here.
    const normalized = slug.trim().toLowerCase();
    if (actor.kind === 'token') {
      const [organization] = await crossTenantSql<Organization>(
        this.dataSource,
        'global',
        `SELECT o.id, o.name, o.slug, o.created_at AS "createdAt", o.updated_at AS "updatedAt" FROM organizations o WHERE o.slug = $1 AND o.id = $2`,
        [normalized, actor.organizationId],
      );
      return organization ? { organization, membership: null } : null;
    }
    const [row] = await crossTenantSql<Organization & { membershipId: string; role: Membership['role']; memberSince: Date }>(
      this.dataSource,
      'viewer-memberships',
      `SELECT o.id, o.name, o.slug, o.created_at AS "createdAt", o.updated_at AS "updatedAt",
              m.id AS "membershipId", m.role, m.created_at AS "memberSince"
       FROM organizations o JOIN memberships m ON m.organization_id = o.id AND m.user_id = $2
       WHERE o.slug = $1`,
      [normalized, actor.userId],
    );
    if (!row) return null;
    const { membershipId, role, memberSince, ...organization } = row;
    return { organization, membership: { id: membershipId, organizationId: row.id, userId: actor.userId, role, createdAt: memberSince } };
  }

  list(actor: UserActor | TokenActor, page: PageArgs): Promise<Connection<Organization>> {
    const query = global(this.dataSource, OrganizationEntity).createQueryBuilder('organization');
    if (actor.kind === 'user') {
      query.innerJoin('Membership', 'm', 'm.organization_id = organization.id AND m.user_id = :userId', {
        userId: actor.userId,
      });
    } else {
      query.where('organization.id = :organizationId', { organizationId: actor.organizationId });
    }
    return paginateQuery(query, page);
  }

  async get(scope: OrgScope): Promise<Organization> {
    const organization = await global(this.dataSource, OrganizationEntity).findOneBy({ id: scope.organizationId });
    if (!organization) throw notFound('Organization');
    return organization;
  }

  async create(actor: UserActor, rawInput: unknown): Promise<Organization> {
    const input = parseInput(createSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const organizations = global(manager, OrganizationEntity);
      if (await organizations.existsBy({ slug: input.slug })) throw conflict('This slug is taken');
      const organization = await organizations.save(organizations.create(input));
      const scope = memberScope(organization.id, actor, 'owner');
      await owned(manager, MembershipEntity, scope).insert({ userId: actor.userId, role: 'owner' });
      await this.audit.record(
        manager,
        scope,
        { action: 'organization.create', targetType: 'organization', targetId: organization.id, data: input },
      );
      return organization;
    });
  }

  async update(scope: OrgScope, rawInput: unknown): Promise<Organization> {
    const input = parseInput(updateSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      await global(manager, OrganizationEntity).update({ id: scope.organizationId }, { name: input.name });
      await this.audit.record(manager, scope, {
        action: 'organization.update',
        targetType: 'organization',
        targetId: scope.organizationId,
        data: { name: input.name },
      });
      const organization = await global(manager, OrganizationEntity).findOneBy({ id: scope.organizationId });
      if (!organization) throw notFound('Organization');
      return organization;
    });
  }
}
