import { fullActivationRegistry } from '@actnas/core';
import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { In } from 'typeorm';
import { z } from 'zod';
import { demand, isUuid } from '../../auth/policy.js';
import type { OrgScope } from '../../auth/policy.js';
import type { Connection, PageArgs } from '../../database/pagination.js';
import { crossTenant, global, owned, paginateQuery } from '../../database/tenant.js';
import { AppError, ErrorCode, badInput, conflict, forbidden, notFound, parseInput } from '../../errors.js';
import { CostTableEntity } from '../cost-tables/cost-table.entity.js';
import { ProfilingJobEntity } from '../profiling-jobs/profiling-job.entity.js';
import type { AuditService } from '../audit/audit.service.js';
import { OrganizationEntity } from '../organizations/organization.entity.js';
import type { Organization } from '../organizations/organization.entity.js';
import { DeviceProfileShareEntity } from './device-profile-share.entity.js';
import { DeviceProfileEntity, VISIBILITIES } from './device-profile.entity.js';
import type { DeviceProfile } from './device-profile.entity.js';

const activations = fullActivationRegistry();

/** Every activation kind a profile may fuse (the paper's candidates first). */
export function activationKinds(): { id: string; label: string }[] {
  return activations.list().map((kind) => ({ id: kind.id, label: kind.label }));
}
const text = (max: number) => z.string().trim().min(1, 'Required').max(max);
const fields = {
  name: text(200),
  processor: text(200),
  accelerator: z
    .string()
    .trim()
    .max(200)
    .transform((value) => value || null)
    .nullish(),
  runtime: text(100),
  runtimeVersion: text(50),
  threads: z.number().int().min(1).max(1024),
  inputSize: z.number().int().min(32).max(4096).multipleOf(32, 'YOLO inputs are multiples of 32'),
  memoryLimitKb: z.number().int().positive().nullish(),
  fusedActivations: z
    .array(z.string().refine((name) => activations.has(name), 'Unknown activation'))
    .max(32)
    .transform((names) => [...new Set(names.map((name) => activations.resolve(name).id))])
    .nullish(),
};
const createSchema = z.object({ organizationId: z.string(), ...fields });
/** Fields an update sets to null when it passes null (the rest keep their value). */
const CLEARABLE: ReadonlySet<string> = new Set(['accelerator', 'memoryLimitKb']);
const updateSchema = z.object({
  organizationId: z.string(),
  id: z.string(),
  ...Object.fromEntries(Object.entries(fields).map(([key, schema]) => [key, schema.nullish()])),
}) as z.ZodType<{ organizationId: string; id: string } & Partial<z.infer<z.ZodObject<typeof fields>>>>;
const visibilitySchema = z.object({
  organizationId: z.string(),
  id: z.string(),
  visibility: z.enum(VISIBILITIES),
  sharedWith: z.array(z.string().trim().toLowerCase()).max(100).nullish(),
});
const deleteSchema = z.object({ organizationId: z.string(), id: z.string() });

/** Profiles `organizationId` may read: its own, those shared with it, and public ones. */
function visibleTo(query: SelectQueryBuilder<DeviceProfile>, organizationId: string): SelectQueryBuilder<DeviceProfile> {
  return query.andWhere(
    `(profile.organization_id = :viewerOrg OR profile.visibility = 'public' OR (profile.visibility = 'shared' AND EXISTS (
       SELECT 1 FROM device_profile_shares share
       WHERE share.device_profile_id = profile.id AND share.shared_with_organization_id = :viewerOrg)))`,
    { viewerOrg: organizationId },
  );
}

export class DeviceProfileService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Every organization's profiles: callers narrow them by what the viewer may see (visibleTo, public, shares). */
  private profiles(manager: EntityManager = this.dataSource.manager): SelectQueryBuilder<DeviceProfile> {
    return crossTenant(manager, DeviceProfileEntity, 'shared-visibility').createQueryBuilder('profile');
  }

  listOwned(scope: OrgScope, page: PageArgs): Promise<Connection<DeviceProfile>> {
    demand(scope, 'read');
    return owned(this.dataSource, DeviceProfileEntity, scope).page(page, { alias: 'profile' });
  }

  listSharedWith(scope: OrgScope, page: PageArgs): Promise<Connection<DeviceProfile>> {
    demand(scope, 'read');
    const query = this.profiles()
      .innerJoin('DeviceProfileShare', 'share', 'share.device_profile_id = profile.id')
      .where(`profile.visibility = 'shared' AND share.shared_with_organization_id = :organizationId`, {
        organizationId: scope.organizationId,
      });
    return paginateQuery(query, page);
  }

  listPublic(page: PageArgs): Promise<Connection<DeviceProfile>> {
    return paginateQuery(this.profiles().where(`profile.visibility = 'public'`), page);
  }

  /** A profile the scope's organization may read; hidden ones are NOT_FOUND like missing ones. */
  async getVisible(scope: OrgScope, id: string): Promise<DeviceProfile> {
    demand(scope, 'read');
    return this.findVisible(scope, id);
  }

  /** As getVisible, for a caller whose own permission was checked (e.g. queuing a verification). */
  async findVisible(scope: Pick<OrgScope, 'organizationId'>, id: string): Promise<DeviceProfile> {
    const profile = isUuid(id)
      ? await visibleTo(this.profiles().where('profile.id = :id', { id }), scope.organizationId).getOne()
      : null;
    if (!profile) throw notFound('Device profile');
    return profile;
  }

  /** An owned profile to change; a visible but foreign one is FORBIDDEN (read only). */
  private async findEditable(manager: EntityManager, scope: OrgScope, id: string): Promise<DeviceProfile> {
    if (!isUuid(id)) throw notFound('Device profile');
    const own = await owned(manager, DeviceProfileEntity, scope).findOne({ id });
    if (own) return own;
    const visible = await visibleTo(this.profiles(manager).where('profile.id = :id', { id }), scope.organizationId).getExists();
    if (visible) throw forbidden('Only the owning organization edits a device profile');
    throw notFound('Device profile');
  }

  /** An owned profile the scope may change (FORBIDDEN when only shared with it). */
  getEditable(scope: OrgScope, id: string): Promise<DeviceProfile> {
    demand(scope, 'devices:write');
    return this.findEditable(this.dataSource.manager, scope, id);
  }

  private async assertNameFree(manager: EntityManager, scope: OrgScope, name: string, exceptId?: string): Promise<void> {
    const existing = await owned(manager, DeviceProfileEntity, scope).findOne({ name });
    if (existing && existing.id !== exceptId) throw conflict('A device profile with this name exists');
  }

  async create(scope: OrgScope, rawInput: unknown): Promise<DeviceProfile> {
    demand(scope, 'devices:write');
    const { organizationId: _org, ...input } = parseInput(createSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      await this.assertNameFree(manager, scope, input.name);
      const profile = await owned(manager, DeviceProfileEntity, scope).save({
        ...input,
        accelerator: input.accelerator ?? null,
        memoryLimitKb: input.memoryLimitKb ?? null,
        fusedActivations: input.fusedActivations ?? [],
        visibility: 'private',
      });
      await this.audit.record(manager, scope, {
        action: 'device_profile.create',
        targetType: 'device_profile',
        targetId: profile.id,
        data: { name: profile.name },
      });
      return profile;
    });
  }

  async update(scope: OrgScope, rawInput: unknown): Promise<DeviceProfile> {
    demand(scope, 'devices:write');
    const { organizationId: _org, id, ...input } = parseInput(updateSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const profile = await this.findEditable(manager, scope, id);
      // null leaves a field as it is, except the optional ones, which it clears.
      const changes = Object.fromEntries(Object.entries(input).filter(([key, value]) => value !== undefined && (value !== null || CLEARABLE.has(key))));
      if (typeof changes['name'] === 'string') await this.assertNameFree(manager, scope, changes['name'], profile.id);
      const repository = owned(manager, DeviceProfileEntity, scope);
      await repository.update({ id: profile.id }, changes);
      await this.audit.record(manager, scope, {
        action: 'device_profile.update',
        targetType: 'device_profile',
        targetId: profile.id,
        data: changes,
      });
      return (await repository.findOne({ id: profile.id }))!;
    });
  }

  private async resolveShareTargets(manager: EntityManager, scope: OrgScope, slugs: readonly string[]): Promise<Organization[]> {
    if (slugs.length === 0) throw badInput(['input', 'sharedWith'], 'Name at least one organization to share with');
    const organizations = await global(manager, OrganizationEntity).findBy({ slug: In([...slugs]) });
    slugs.forEach((slug, index) => {
      const organization = organizations.find((o) => o.slug === slug);
      if (!organization) throw badInput(['input', 'sharedWith', index], `No organization "${slug}"`);
      if (organization.id === scope.organizationId) throw badInput(['input', 'sharedWith', index], 'Cannot share with the owner');
    });
    return organizations;
  }

  async setVisibility(scope: OrgScope, rawInput: unknown): Promise<DeviceProfile> {
    demand(scope, 'devices:write');
    const input = parseInput(visibilitySchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const profile = await this.findEditable(manager, scope, input.id);
      const targets = input.visibility === 'shared' ? await this.resolveShareTargets(manager, scope, input.sharedWith ?? []) : [];
      const shares = owned(manager, DeviceProfileShareEntity, scope);
      await shares.delete({ deviceProfileId: profile.id });
      await shares.insert(targets.map((target) => ({ deviceProfileId: profile.id, sharedWithOrganizationId: target.id })));
      await owned(manager, DeviceProfileEntity, scope).update({ id: profile.id }, { visibility: input.visibility });
      await this.audit.record(manager, scope, {
        action: 'device_profile.set_visibility',
        targetType: 'device_profile',
        targetId: profile.id,
        data: { visibility: input.visibility, sharedWith: targets.map((t) => t.slug) },
      });
      return { ...profile, visibility: input.visibility };
    });
  }

  /**
   * Deletes a profile (ADMIN): refused with CONFLICT, and the counts of what would go, while it
   * has published cost tables (other organizations and searches may rely on them) or profiling jobs.
   */
  async delete(scope: OrgScope, rawInput: unknown): Promise<string> {
    demand(scope, 'devices:delete');
    const input = parseInput(deleteSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const profile = await this.findEditable(manager, scope, input.id);
      await owned(manager, DeviceProfileEntity, scope).lock(profile.id);
      const costTables = await owned(manager, CostTableEntity, scope).count({ deviceProfileId: profile.id });
      const profilingJobs = await owned(manager, ProfilingJobEntity, scope).count({ deviceProfileId: profile.id });
      if (costTables > 0 || profilingJobs > 0) {
        throw new AppError(
          ErrorCode.CONFLICT,
          `This device profile has ${costTables} published cost table version(s) and ${profilingJobs} profiling job(s); they would go with it, so it is kept. Make it private instead.`,
          ['input', 'id'],
          { costTables, profilingJobs },
        );
      }
      await owned(manager, DeviceProfileEntity, scope).delete({ id: profile.id });
      await this.audit.record(manager, scope, {
        action: 'device_profile.delete',
        targetType: 'device_profile',
        targetId: profile.id,
        data: { name: profile.name },
      });
      return profile.id;
    });
  }

  /** The share targets, for members of the owning organization only. */
  async sharedWith(scope: OrgScope, profile: DeviceProfile): Promise<Organization[]> {
    if (profile.organizationId !== scope.organizationId) return [];
    return global(this.dataSource, OrganizationEntity)
      .createQueryBuilder('organization')
      .innerJoin('DeviceProfileShare', 'share', 'share.shared_with_organization_id = organization.id')
      .where('share.organization_id = :owner AND share.device_profile_id = :id', { owner: scope.organizationId, id: profile.id })
      .orderBy('organization.slug')
      .getMany();
  }
}
