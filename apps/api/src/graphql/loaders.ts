import DataLoader from 'dataloader';
import type { DataSource, EntitySchema } from 'typeorm';
import { In } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import { crossTenantSql, global, owned } from '../database/tenant.js';
import { ApiTokenEntity } from '../modules/api-tokens/api-token.entity.js';
import type { ApiToken } from '../modules/api-tokens/api-token.entity.js';
import type { CostTableRow } from '../modules/cost-tables/cost-table.entity.js';
import { DeviceProfileEntity } from '../modules/device-profiles/device-profile.entity.js';
import type { DeviceProfile } from '../modules/device-profiles/device-profile.entity.js';
import { ModelSpecEntity } from '../modules/model-specs/model-spec.entity.js';
import type { ModelSpec } from '../modules/model-specs/model-spec.entity.js';
import type { Membership } from '../modules/memberships/membership.entity.js';
import { ProjectEntity } from '../modules/projects/project.entity.js';
import type { Project } from '../modules/projects/project.entity.js';
import type { ProposalSetRow } from '../modules/proposal-sets/proposal-set.entity.js';
import { SearchRequestEntity } from '../modules/searches/search-request.entity.js';
import type { SearchRequestRow } from '../modules/searches/search-request.entity.js';
import type { ProposalMeasurement } from '../modules/verification-jobs/proposal-measurement.entity.js';
import { OrganizationEntity } from '../modules/organizations/organization.entity.js';
import type { Organization } from '../modules/organizations/organization.entity.js';
import { UserEntity } from '../modules/users/user.entity.js';
import type { User } from '../modules/users/user.entity.js';
import type { Services } from '../services.js';

export interface Loaders {
  /** The signed-in user's membership per organization id (null when not a member). */
  readonly viewerMembership: DataLoader<string, Membership | null>;
  /** Only for rows already reached through an authorized parent (members, audit actors). */
  readonly userById: DataLoader<string, User | null>;
  /** Only for names of organizations the caller may already know (owners of shared profiles). */
  readonly organizationById: DataLoader<string, Organization | null>;
  /**
   * Rows of one organization by id, batched over a page (e.g. a cost table's device profile and
   * model spec). Only for ids reached through a row the caller may already read.
   */
  readonly deviceProfileOf: DataLoader<OwnedKey, DeviceProfile | null, string>;
  readonly modelSpecOf: DataLoader<OwnedKey, ModelSpec | null, string>;
  /** A proposal set's search request, batched over a page of proposal sets. */
  readonly searchRequestOf: DataLoader<OwnedKey, SearchRequestRow | null, string>;
  /** A search request's project. */
  readonly projectOf: DataLoader<OwnedKey, Project | null, string>;
  /** An organization's API tokens by id (e.g. the token that leased a job); expose the prefix only. */
  readonly apiTokenOf: DataLoader<OwnedKey, ApiToken | null, string>;
  /**
   * Cost tables by id as the organization of the key may read them (own, shared, public; never
   * cells), batched over a page of search requests; null for one it may not read.
   */
  readonly visibleCostTable: DataLoader<OwnedKey, CostTableRow | null, string>;
  /** The newest proposal set per project, batched over a page of projects. */
  readonly latestProposalSet: DataLoader<ProjectKey, ProposalSetRow | null, string>;
  /** Every measurement of a proposal set (all ranks, newest first), batched over its proposals. */
  readonly proposalMeasurements: DataLoader<OwnedKey, ProposalMeasurement[], string>;
}

/** A row of an organization: the organization goes into every lookup, never the id alone. */
export interface OwnedKey {
  readonly organizationId: string;
  readonly id: string;
}

/** A project as the caller reached it: its organization goes into every lookup. */
export interface ProjectKey {
  readonly organizationId: string;
  readonly projectId: string;
}

const ownedKey = (key: OwnedKey): string => `${key.organizationId}/${key.id}`;

function groupByOrganization<K extends { organizationId: string }>(keys: readonly K[], idOf: (key: K) => string): Map<string, string[]> {
  const byOrganization = new Map<string, string[]>();
  for (const key of keys) byOrganization.set(key.organizationId, [...(byOrganization.get(key.organizationId) ?? []), idOf(key)]);
  return byOrganization;
}

/** A loader of one organization's rows of `entity` by id (one query per organization in the batch). */
function ownedLoader<T extends { id: string; organizationId: string }>(dataSource: DataSource, entity: EntitySchema<T>): DataLoader<OwnedKey, T | null, string> {
  return new DataLoader(
    async (keys) => {
      const found = new Map<string, T>();
      for (const [organizationId, ids] of groupByOrganization(keys, (key) => key.id)) {
        const rows = owned(dataSource, entity, { organizationId });
        const { table, columns } = rows.columns('row');
        for (const row of await rows.lean<T>(`SELECT ${columns} FROM ${table} row WHERE row.organization_id = $1 AND row.id = ANY($2::uuid[])`, [ids])) {
          found.set(ownedKey(row), row);
        }
      }
      return keys.map((key) => found.get(ownedKey(key)) ?? null);
    },
    { cacheKeyFn: ownedKey },
  );
}

function byId<T extends { id: string }>(ids: readonly string[], rows: readonly T[]): (T | null)[] {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
}

/** Fresh loaders for each request, so nothing cached crosses callers. */
export function createLoaders(dataSource: DataSource, services: Pick<Services, 'proposalSets' | 'costTables' | 'verificationJobs'>, actor: Actor): Loaders {
  return {
    viewerMembership: new DataLoader(async (organizationIds) => {
      if (actor.kind !== 'user') return organizationIds.map(() => null);
      // Lean SQL: this runs on nearly every request (see authenticate.ts).
      const rows = await crossTenantSql<Membership>(
        dataSource,
        'viewer-memberships',
        `SELECT id, organization_id AS "organizationId", user_id AS "userId", role, created_at AS "createdAt"
         FROM memberships WHERE user_id = $1 AND organization_id = ANY($2::uuid[])`,
        [actor.userId, organizationIds],
      );
      const map = new Map(rows.map((m) => [m.organizationId, m]));
      return organizationIds.map((id) => map.get(id) ?? null);
    }),
    userById: new DataLoader(async (ids) => byId(ids, await global(dataSource, UserEntity).findBy({ id: In([...ids]) }))),
    organizationById: new DataLoader(async (ids) => byId(ids, await global(dataSource, OrganizationEntity).findBy({ id: In([...ids]) }))),
    deviceProfileOf: ownedLoader(dataSource, DeviceProfileEntity),
    apiTokenOf: ownedLoader(dataSource, ApiTokenEntity),
    modelSpecOf: ownedLoader(dataSource, ModelSpecEntity),
    searchRequestOf: ownedLoader(dataSource, SearchRequestEntity),
    projectOf: ownedLoader(dataSource, ProjectEntity),
    visibleCostTable: new DataLoader(
      async (keys) => {
        const found = new Map<string, CostTableRow>();
        for (const [organizationId, ids] of groupByOrganization(keys, (key) => key.id)) {
          for (const row of await services.costTables.visibleOf(organizationId, ids)) found.set(`${organizationId}/${row.id}`, row);
        }
        return keys.map((key) => found.get(ownedKey(key)) ?? null);
      },
      { cacheKeyFn: ownedKey },
    ),
    latestProposalSet: new DataLoader(
      async (keys) => {
        const found = new Map<string, ProposalSetRow>();
        for (const [organizationId, projectIds] of groupByOrganization(keys, (key) => key.projectId)) {
          for (const row of await services.proposalSets.latestOf({ organizationId }, projectIds)) found.set(`${organizationId}/${row.projectId}`, row);
        }
        return keys.map((key) => found.get(`${key.organizationId}/${key.projectId}`) ?? null);
      },
      { cacheKeyFn: (key) => `${key.organizationId}/${key.projectId}` },
    ),
    proposalMeasurements: new DataLoader(
      async (keys) => {
        const found = new Map<string, ProposalMeasurement[]>();
        for (const [organizationId, setIds] of groupByOrganization(keys, (key) => key.id)) {
          for (const row of await services.verificationJobs.measurementsOfSets({ organizationId }, setIds)) {
            const key = `${organizationId}/${row.proposalSetId}`;
            found.set(key, [...(found.get(key) ?? []), row]);
          }
        }
        return keys.map((key) => found.get(ownedKey(key)) ?? []);
      },
      { cacheKeyFn: ownedKey },
    ),
  };
}
