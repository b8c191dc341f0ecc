import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import type { ApiConfig } from '../config.js';
import type { Membership } from '../modules/memberships/membership.entity.js';
import { OrganizationEntity } from '../modules/organizations/organization.entity.js';
import type { Organization } from '../modules/organizations/organization.entity.js';
import { UserEntity } from '../modules/users/user.entity.js';
import type { User } from '../modules/users/user.entity.js';
import type { Services } from './services.js';

export interface Loaders {
  /** The signed-in user's membership per organization id (null when not a member). */
  readonly viewerMembership: DataLoader<string, Membership | null>;
  /** Only for rows already reached through an authorized parent (members, audit actors). */
  readonly userById: DataLoader<string, User | null>;
  /** Only for names of organizations the caller may already know (owners of shared profiles). */
  readonly organizationById: DataLoader<string, Organization | null>;
}

export interface Context {
  readonly dataSource: DataSource;
  readonly services: Services;
  readonly config: ApiConfig;
  readonly actor: Actor;
  /** The request's clock: one instant per request, so a request never sees time move. */
  readonly now: Date;
  readonly loaders: Loaders;
}

function byId<T extends { id: string }>(ids: readonly string[], rows: readonly T[]): (T | null)[] {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
}

/** Fresh loaders for each request, so nothing cached crosses callers. */
export function createLoaders(dataSource: DataSource, actor: Actor): Loaders {
  return {
    viewerMembership: new DataLoader(async (organizationIds) => {
      if (actor.kind !== 'user') return organizationIds.map(() => null);
      // Raw SQL: this runs on nearly every request (see authenticate.ts).
      const rows = (await dataSource.query(
        `SELECT id, organization_id, user_id, role, created_at FROM memberships WHERE user_id = $1 AND organization_id = ANY($2::uuid[])`,
        [actor.userId, organizationIds],
      )) as { id: string; organization_id: string; user_id: string; role: Membership['role']; created_at: Date }[];
      const map = new Map(
        rows.map((m): [string, Membership] => [
          m.organization_id,
          { id: m.id, organizationId: m.organization_id, userId: m.user_id, role: m.role, createdAt: m.created_at },
        ]),
      );
      return organizationIds.map((id) => map.get(id) ?? null);
    }),
    userById: new DataLoader(async (ids) => byId(ids, await dataSource.getRepository(UserEntity).findBy({ id: In([...ids]) }))),
    organizationById: new DataLoader(async (ids) =>
      byId(ids, await dataSource.getRepository(OrganizationEntity).findBy({ id: In([...ids]) })),
    ),
  };
}
