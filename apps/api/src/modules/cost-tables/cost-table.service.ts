import { CostTableValidationError, parseCostTableCsv, parseCostTableJson } from '@actnas/core';
import type { CostTable, CostTableProvenance } from '@actnas/core';
import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { z } from 'zod';
import { demand, isUuid } from '../../auth/access.js';
import type { OrgScope } from '../../auth/access.js';
import { sha256 } from '../../auth/crypto.js';
import { AppError, ErrorCode, forbidden, notFound, parseInput } from '../../errors.js';
import { leanQuery, leanTable } from '../../database/lean.js';
import { paginateLean } from '../../graphql/connection.js';
import type { Connection, PageArgs } from '../../graphql/connection.js';
import type { AuditService } from '../audit/audit.service.js';
import type { DeviceProfileService } from '../device-profiles/device-profile.service.js';
import { DeviceProfileEntity } from '../device-profiles/device-profile.entity.js';
import type { DeviceProfile } from '../device-profiles/device-profile.entity.js';
import type { ModelSpec } from '../model-specs/model-spec.entity.js';
import type { ModelSpecService } from '../model-specs/model-spec.service.js';
import { COST_TABLE_VISIBILITIES, CostTableEntity, METRICS } from './cost-table.entity.js';
import type { CostTableRow, CostTableVisibility } from './cost-table.entity.js';

const MAX_CONTENT_CHARS = 4 * 1_048_576;

const provenanceSchema = z.object({
  source: z.enum(['measured', 'imported', 'estimated', 'synthetic']),
  producer: z.string().max(200).nullish(),
  runs: z.number().int().positive().nullish(),
  confidence: z.number().gt(0).lt(1).nullish(),
  note: z.string().max(2000).nullish(),
});
const publishSchema = z.object({
  organizationId: z.string(),
  deviceProfileId: z.string(),
  modelSpecId: z.string(),
  metric: z.enum(METRICS),
  format: z.enum(['csv', 'json']),
  content: z.string().min(1, 'Required').max(MAX_CONTENT_CHARS, `At most ${MAX_CONTENT_CHARS} characters`),
  provenance: provenanceSchema.nullish(),
  visibility: z.enum(COST_TABLE_VISIBILITIES).nullish(),
});
const visibilitySchema = z.object({ organizationId: z.string(), id: z.string(), visibility: z.enum(COST_TABLE_VISIBILITIES) });
type PublishInput = z.infer<typeof publishSchema>;

export interface CostTableFilter {
  readonly deviceProfileId?: string | null;
  readonly modelSpecId?: string | null;
  readonly metric?: CostTableRow['metric'] | null;
}

/**
 * Whether the viewer organization (`param`) may read a cost table: its own, or an unrestricted one
 * whose device profile is public or shared with it. Needs `cost_table` and its `profile` in scope.
 */
function visibleTo(param: string): string {
  return `(cost_table.organization_id = ${param} OR (cost_table.visibility = 'inherit' AND (profile.visibility = 'public' OR (profile.visibility = 'shared' AND EXISTS (
     SELECT 1 FROM device_profile_shares share
     WHERE share.device_profile_id = profile.id AND share.shared_with_organization_id = ${param})))))`;
}

const withoutNulls = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;

/** Rejects the upload whole, listing every problem the parser found. */
function rejected(error: CostTableValidationError): AppError {
  return new AppError(ErrorCode.BAD_USER_INPUT, error.message, ['input', 'content'], { issues: error.issues });
}

export class CostTableService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly deviceProfiles: DeviceProfileService,
    private readonly modelSpecs: ModelSpecService,
  ) {}

  /** Tables whose device profile the scope's organization may read (own, shared with it, public). */
  private visible(scope: Pick<OrgScope, 'organizationId'>): SelectQueryBuilder<CostTableRow> {
    return this.dataSource
      .getRepository(CostTableEntity)
      .createQueryBuilder('cost_table')
      .innerJoin(DeviceProfileEntity.options.name, 'profile', 'profile.id = cost_table.device_profile_id')
      .where(visibleTo(':viewerOrg'), { viewerOrg: scope.organizationId });
  }

  private withCells(query: SelectQueryBuilder<CostTableRow>): SelectQueryBuilder<CostTableRow> {
    return query.addSelect(['cost_table.sites', 'cost_table.cells']);
  }

  /** Sites and cells of a table already reached through a visible path (lists leave them out). */
  async cellsOf(table: CostTableRow): Promise<Pick<CostTableRow, 'sites' | 'cells'>> {
    if (table.cells !== undefined && table.sites !== undefined) return table;
    const full = await this.dataSource
      .getRepository(CostTableEntity)
      .createQueryBuilder('cost_table')
      .addSelect(['cost_table.sites', 'cost_table.cells'])
      .where('cost_table.organization_id = :organizationId AND cost_table.id = :id', { organizationId: table.organizationId, id: table.id })
      .getOne();
    if (!full) throw notFound('Cost table');
    return full;
  }

  list(scope: OrgScope, filter: CostTableFilter, page: PageArgs): Promise<Connection<CostTableRow>> {
    demand(scope, 'read');
    const values: unknown[] = [scope.organizationId];
    let where = visibleTo('$1');
    for (const [key, column] of [['deviceProfileId', 'device_profile_id'], ['modelSpecId', 'model_spec_id']] as const) {
      const value = filter[key];
      if (!value) continue;
      values.push(isUuid(value) ? value : '00000000-0000-0000-0000-000000000000');
      where += ` AND cost_table.${column} = $${values.length}`;
    }
    if (filter.metric) {
      values.push(filter.metric);
      where += ` AND cost_table.metric = $${values.length}`;
    }
    const joins = 'JOIN device_profiles profile ON profile.id = cost_table.device_profile_id';
    return paginateLean(this.dataSource, { entity: CostTableEntity, alias: 'cost_table', joins, where, values }, page, 'DESC');
  }

  async get(scope: OrgScope, id: string): Promise<CostTableRow> {
    demand(scope, 'read');
    const table = isUuid(id) ? await this.withCells(this.visible(scope)).andWhere('cost_table.id = :id', { id }).getOne() : null;
    if (!table) throw notFound('Cost table');
    return table;
  }

  /** For the search worker: the tables still visible to the requesting organization, in `ids` order. */
  async visibleToOrganization(organizationId: string, ids: readonly string[]): Promise<CostTableRow[]> {
    const rows = await this.withCells(this.visible({ organizationId })).andWhere('cost_table.id IN (:...ids)', { ids: [...ids] }).getMany();
    return ids.flatMap((id) => rows.filter((row) => row.id === id));
  }

  /**
   * Several visible tables at once (for search requests), in `ids` order, in one statement; any
   * hidden or missing one is NOT_FOUND.
   */
  async getMany(scope: OrgScope, ids: readonly string[]): Promise<CostTableRow[]> {
    demand(scope, 'read');
    if (ids.length === 0) return [];
    if (!ids.every(isUuid)) throw notFound('Cost table');
    const rows = await this.visibleToOrganization(scope.organizationId, ids);
    if (rows.length !== ids.length) throw notFound('Cost table');
    return rows;
  }

  /** For the per-request loader: the tables among `ids` the organization may read, without cells. */
  visibleOf(organizationId: string, ids: readonly string[]): Promise<CostTableRow[]> {
    const { table, columns } = leanTable(this.dataSource, CostTableEntity, 'cost_table');
    return leanQuery<CostTableRow>(
      this.dataSource,
      `SELECT ${columns} FROM ${table} cost_table JOIN device_profiles profile ON profile.id = cost_table.device_profile_id
       WHERE cost_table.id = ANY($2::uuid[]) AND ${visibleTo('$1')}`,
      [organizationId, ids.filter(isUuid)],
    );
  }

  private parse(input: PublishInput, device: string, spec: ModelSpec): CostTable {
    const provenance = withoutNulls(input.provenance ?? { source: 'imported' }) as CostTableProvenance;
    const options = { metric: input.metric, device, provenance, source: 'upload' };
    let table: CostTable;
    try {
      table = input.format === 'csv' ? parseCostTableCsv(input.content, options) : parseCostTableJson(input.content, options);
    } catch (error) {
      if (error instanceof CostTableValidationError) throw rejected(error);
      throw error;
    }
    const known = new Set(spec.sites.map((s) => s.name));
    const unknown = table.sites.filter((site) => !known.has(site));
    if (unknown.length > 0) {
      const issues = unknown.map((site) => ({ row: null, column: 'site', message: `site "${site}" is not in model spec "${spec.name}"` }));
      throw rejected(new CostTableValidationError(issues, 'upload'));
    }
    return table;
  }

  async publish(scope: OrgScope, rawInput: unknown): Promise<CostTableRow> {
    demand(scope, 'devices:write');
    const input = parseInput(publishSchema, rawInput);
    const profile = await this.deviceProfiles.getEditable(scope, input.deviceProfileId);
    const spec = await this.modelSpecs.get(scope, input.modelSpecId);
    const table = this.parse(input, profile.name, spec);
    return this.dataSource.transaction((manager) =>
      this.insertVersion(manager, scope, {
        profile,
        spec,
        metric: input.metric,
        table,
        contentSha256: sha256(input.content),
        visibility: input.visibility ?? 'inherit',
      }),
    );
  }

  /**
   * Restricts a published version to its organization (`private`) or lets it follow its device
   * profile again (`inherit`). Only the owner changes it: a table others can read is FORBIDDEN to
   * them, one they cannot is NOT_FOUND.
   */
  async setVisibility(scope: OrgScope, rawInput: unknown): Promise<CostTableRow> {
    demand(scope, 'devices:write');
    const input = parseInput(visibilitySchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const tables = manager.getRepository(CostTableEntity);
      const owned = isUuid(input.id) ? await tables.findOneBy({ organizationId: scope.organizationId, id: input.id }) : null;
      if (!owned) {
        if (isUuid(input.id) && (await this.visible(scope).andWhere('cost_table.id = :id', { id: input.id }).getExists())) {
          throw forbidden('Only the owning organization changes who reads a cost table');
        }
        throw notFound('Cost table');
      }
      await tables.update({ organizationId: scope.organizationId, id: owned.id }, { visibility: input.visibility });
      await this.audit.record(manager, scope, {
        action: 'cost_table.set_visibility',
        targetType: 'cost_table',
        targetId: owned.id,
        data: { visibility: input.visibility },
      });
      return { ...owned, visibility: input.visibility };
    });
  }

  /** Parses an upload (CSV or JSON) for a profile and spec; rejects it whole when malformed. */
  parseUpload(
    upload: { metric: CostTableRow['metric']; format: 'csv' | 'json'; content: string; provenance?: PublishInput['provenance'] },
    profile: DeviceProfile,
    spec: ModelSpec,
  ): CostTable {
    return this.parse({ organizationId: '', deviceProfileId: profile.id, modelSpecId: spec.id, ...upload }, profile.name, spec);
  }

  /** Stores the next version within `manager`'s transaction (locks the profile row to number it). */
  async insertVersion(
    manager: EntityManager,
    scope: OrgScope,
    version: {
      profile: DeviceProfile;
      spec: ModelSpec;
      metric: CostTableRow['metric'];
      table: CostTable;
      contentSha256: string;
      visibility?: CostTableVisibility;
    },
  ): Promise<CostTableRow> {
    const { profile, spec, metric, table } = version;
    await manager
      .getRepository(DeviceProfileEntity)
      .createQueryBuilder('profile')
      .setLock('pessimistic_write')
      .where('profile.id = :id AND profile.organization_id = :organizationId', { id: profile.id, organizationId: scope.organizationId })
      .getOne();
    const tables = manager.getRepository(CostTableEntity);
    const latest = await tables.maximum('version', { deviceProfileId: profile.id, modelSpecId: spec.id, metric });
    const saved = await tables.save(
      tables.create({
        organizationId: scope.organizationId,
        deviceProfileId: profile.id,
        modelSpecId: spec.id,
        metric,
        version: (latest ?? 0) + 1,
        unit: table.unit,
        reference: table.reference,
        sites: [...table.sites],
        cells: [...table.cells],
        provenance: table.provenance,
        contentSha256: version.contentSha256,
        visibility: version.visibility ?? 'inherit',
        createdById: scope.actor.kind === 'user' ? scope.actor.userId : null,
      }),
    );
    await this.audit.record(manager, scope, {
      action: 'cost_table.publish',
      targetType: 'cost_table',
      targetId: saved.id,
      data: { deviceProfileId: profile.id, modelSpecId: spec.id, metric, version: saved.version, cells: table.cells.length, visibility: saved.visibility },
    });
    return saved;
  }

}

/** The row as the core library's CostTable (for searches and exports). */
export function toCoreTable(row: CostTableRow, device: string): CostTable {
  return { metric: row.metric, unit: row.unit, device, reference: row.reference, sites: row.sites, cells: row.cells, provenance: row.provenance };
}
