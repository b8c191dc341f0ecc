import { CostTableValidationError, parseCostTableCsv, parseCostTableJson, parseLiveSetRows } from '@actnas/core';
import type { CostTable, CostTableIssue, CostTableProvenance, LiveSetRows } from '@actnas/core';
import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { In } from 'typeorm';
import { z } from 'zod';
import { demand, isUuid } from '../../auth/policy.js';
import type { OrgScope } from '../../auth/policy.js';
import type { Connection, PageArgs } from '../../database/pagination.js';
import { crossTenant, crossTenantPage, owned } from '../../database/tenant.js';
import type { OrgRef } from '../../database/tenant.js';
import { sha256 } from '../../auth/crypto.js';
import { AppError, ErrorCode, badInput, forbidden, notFound, parseInput } from '../../errors.js';
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
  liveSet: z.unknown().nullish(),
  partial: z.boolean().nullish(),
});
const checkSchema = publishSchema.pick({ modelSpecId: true, metric: true, format: true, content: true });
const visibilitySchema = z.object({ organizationId: z.string(), id: z.string(), visibility: z.enum(COST_TABLE_VISIBILITIES) });
type PublishInput = z.infer<typeof publishSchema>;
/** The file and how to read it: what publish, check and an agent's completion have in common. */
type UploadInput = Omit<PublishInput, 'organizationId' | 'deviceProfileId' | 'modelSpecId'>;

/** Issues a check lists; `issueCount` says how many there were in all. */
const CHECK_ISSUE_LIMIT = 100;
/** Missing sites a rejection's message names before "and N more" (every one is in its issues). */
const MESSAGE_SITE_LIMIT = 5;

/** What publishing a file would do, without storing it (`Organization.costTableCheck`). */
export interface CostTableCheck {
  readonly issues: readonly CostTableIssue[];
  readonly issueCount: number;
  readonly siteCount: number;
  readonly cellCount: number;
  readonly unit: string | null;
  readonly missingSites: readonly string[];
  readonly modelSiteCount: number;
}

/** A parsed upload and the sites of its model spec it has no rows for. */
interface ParsedUpload {
  readonly table: CostTable;
  readonly missingSites: string[];
}

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

/** Rejects the upload whole, listing the parser's first 100 problems and counting all of them. */
function rejected(error: CostTableValidationError): AppError {
  return new AppError(ErrorCode.BAD_USER_INPUT, error.message, ['input', 'content'], { issues: error.issues, issueCount: error.issueCount });
}

function listSites(sites: readonly string[]): string {
  const named = sites.slice(0, MESSAGE_SITE_LIMIT).join(', ');
  return sites.length > MESSAGE_SITE_LIMIT ? `${named} and ${sites.length - MESSAGE_SITE_LIMIT} more` : named;
}

/** A table without rows for some sites of its model spec, published without `partial`. */
function incomplete(spec: ModelSpec, missing: readonly string[]): AppError {
  const message =
    `The table lacks ${missing.length} of the ${spec.sites.length} sites of model spec "${spec.name}": ${listSites(missing)}. ` +
    'Add their rows, or publish it as partial (it then serves only searches that lock those sites to their reference).';
  const issues: CostTableIssue[] = missing.map((site) => ({ row: null, column: 'site', message: `no rows for site "${site}" of model spec "${spec.name}"` }));
  return new AppError(ErrorCode.BAD_USER_INPUT, message, ['input', 'content'], { issues, missingSites: missing });
}

export class CostTableService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly deviceProfiles: DeviceProfileService,
    private readonly modelSpecs: ModelSpecService,
  ) {}

  /** Tables whose device profile the scope's organization may read (own, shared with it, public). */
  private visible(scope: Pick<OrgScope, 'organizationId'>, handle: DataSource | EntityManager = this.dataSource): SelectQueryBuilder<CostTableRow> {
    return crossTenant(handle, CostTableEntity, 'shared-visibility')
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
    const full = await owned(this.dataSource, CostTableEntity, table)
      .select('cost_table')
      .addSelect(['cost_table.sites', 'cost_table.cells'])
      .andWhere('cost_table.id = :id', { id: table.id })
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
    return crossTenantPage(this.dataSource, 'shared-visibility', { entity: CostTableEntity, alias: 'cost_table', joins, where, values }, page, 'DESC');
  }

  async get(scope: OrgScope, id: string, options: { readonly liveSet?: boolean } = {}): Promise<CostTableRow> {
    demand(scope, 'read');
    const query = this.withCells(this.visible(scope));
    if (options.liveSet) query.addSelect('cost_table.liveSet');
    const table = isUuid(id) ? await query.andWhere('cost_table.id = :id', { id }).getOne() : null;
    if (!table) throw notFound('Cost table');
    return table;
  }

  /** For the search worker: the tables still visible to the requesting organization, in `ids` order, with their live-set rows. */
  async visibleToOrganization(organizationId: string, ids: readonly string[]): Promise<CostTableRow[]> {
    const rows = await this.withCells(this.visible({ organizationId })).addSelect('cost_table.liveSet').andWhere('cost_table.id IN (:...ids)', { ids: [...ids] }).getMany();
    return ids.flatMap((id) => rows.filter((row) => row.id === id));
  }

  /** The organization's own tables of `ids` (e.g. those a profiling job published). */
  async ownedByIds(organization: OrgRef, ids: readonly string[]): Promise<CostTableRow[]> {
    return ids.length === 0 ? [] : owned(this.dataSource, CostTableEntity, organization).find({ id: In([...ids]) });
  }

  /**
   * Several visible tables at once (for search requests), with their live-set rows, in `ids` order,
   * in one statement; any hidden or missing one is NOT_FOUND.
   */
  async getMany(scope: OrgScope, ids: readonly string[]): Promise<CostTableRow[]> {
    demand(scope, 'read');
    if (ids.length === 0) return [];
    if (!ids.every(isUuid)) throw notFound('Cost table');
    const rows = await this.visibleToOrganization(scope.organizationId, ids);
    if (rows.length !== ids.length) throw notFound('Cost table');
    return rows;
  }

  /** The metrics of the tables of (device profile, model spec) the organization may read, each once. */
  /** `handle`: the caller's transaction when there is one (the embedded database has one session: another connection would wait for it). */
  async visibleMetrics(organizationId: string, deviceProfileId: string, modelSpecId: string, handle: DataSource | EntityManager = this.dataSource): Promise<CostTableRow['metric'][]> {
    const rows = await this.visible({ organizationId }, handle)
      .andWhere('cost_table.device_profile_id = :deviceProfileId AND cost_table.model_spec_id = :modelSpecId', { deviceProfileId, modelSpecId })
      .getMany();
    return METRICS.filter((metric) => rows.some((row) => row.metric === metric));
  }

  /** For the per-request loader: the tables among `ids` the organization may read, without cells. */
  async visibleOf(organizationId: string, ids: readonly string[]): Promise<CostTableRow[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    return this.visible({ organizationId }).andWhere('cost_table.id IN (:...ids)', { ids: [...new Set(valid)] }).getMany();
  }

  /** Parses an upload against its model spec: malformed files and unknown sites are rejected whole. */
  private parse(input: UploadInput, device: string, spec: ModelSpec): ParsedUpload {
    const provenance = withoutNulls(input.provenance ?? { source: 'imported' }) as CostTableProvenance;
    const options = { metric: input.metric, device, provenance, source: 'upload' };
    const table = input.format === 'csv' ? parseCostTableCsv(input.content, options) : parseCostTableJson(input.content, options);
    const known = new Set(spec.sites.map((s) => s.name));
    const unknown = table.sites.filter((site) => !known.has(site));
    if (unknown.length > 0) {
      const issues = unknown.map((site) => ({ row: null, column: 'site', message: `site "${site}" is not in model spec "${spec.name}"` }));
      throw new CostTableValidationError(issues, 'upload');
    }
    const present = new Set(table.sites);
    return { table, missingSites: spec.sites.map((s) => s.name).filter((site) => !present.has(site)) };
  }

  /** `parse`, with the core's validation errors as the API's BAD_USER_INPUT; a partial table only when asked for. */
  private parseOrReject(input: UploadInput, device: string, spec: ModelSpec): ParsedUpload {
    let parsed: ParsedUpload;
    try {
      parsed = this.parse(input, device, spec);
    } catch (error) {
      if (error instanceof CostTableValidationError) throw rejected(error);
      throw error;
    }
    if (parsed.missingSites.length > 0 && !input.partial) throw incomplete(spec, parsed.missingSites);
    return parsed;
  }

  /** Checks a file as `publish` would (format, units, sites of the spec), storing nothing. */
  async check(scope: OrgScope, rawInput: unknown): Promise<CostTableCheck> {
    demand(scope, 'read');
    const input = parseInput(checkSchema, rawInput);
    const spec = await this.modelSpecs.get(scope, input.modelSpecId);
    const summary = { modelSiteCount: spec.sites.length };
    try {
      const { table, missingSites } = this.parse(input, '', spec);
      return { ...summary, issues: [], issueCount: 0, siteCount: table.sites.length, cellCount: table.cells.length, unit: table.unit || null, missingSites };
    } catch (error) {
      if (!(error instanceof CostTableValidationError)) throw error;
      const issues = error.issues.slice(0, CHECK_ISSUE_LIMIT);
      return { ...summary, issues, issueCount: error.issueCount, siteCount: 0, cellCount: 0, unit: null, missingSites: [] };
    }
  }

  async publish(scope: OrgScope, rawInput: unknown): Promise<CostTableRow> {
    demand(scope, 'devices:write');
    const input = parseInput(publishSchema, rawInput);
    const profile = await this.deviceProfiles.getEditable(scope, input.deviceProfileId);
    const spec = await this.modelSpecs.get(scope, input.modelSpecId);
    const { table, missingSites } = this.parseOrReject(input, profile.name, spec);
    const liveSet = this.parseLiveSet(input, table);
    return this.dataSource.transaction((manager) =>
      this.insertVersion(manager, scope, {
        profile,
        spec,
        metric: input.metric,
        table,
        liveSet,
        missingSites,
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
      const tables = owned(manager, CostTableEntity, scope);
      const own = isUuid(input.id) ? await tables.findOne({ id: input.id }) : null;
      if (!own) {
        if (isUuid(input.id) && (await this.visible(scope).andWhere('cost_table.id = :id', { id: input.id }).getExists())) {
          throw forbidden('Only the owning organization changes who reads a cost table');
        }
        throw notFound('Cost table');
      }
      await tables.update({ id: own.id }, { visibility: input.visibility });
      await this.audit.record(manager, scope, {
        action: 'cost_table.set_visibility',
        targetType: 'cost_table',
        targetId: own.id,
        data: { visibility: input.visibility },
      });
      return { ...own, visibility: input.visibility };
    });
  }

  /**
   * The live-set rows uploaded with a memory table (`actnas profile --live-set`), checked against
   * the table's sites; null when none were sent. Rejected whole, like the table, when malformed.
   */
  parseLiveSet(upload: { metric: CostTableRow['metric']; liveSet?: unknown }, table: CostTable): LiveSetRows | null {
    if (upload.liveSet === undefined || upload.liveSet === null) return null;
    if (upload.metric !== 'memory') throw badInput(['input', 'liveSet'], 'Live-set rows go with a memory table');
    try {
      return parseLiveSetRows(upload.liveSet, { source: 'liveSet', sites: table.sites });
    } catch (error) {
      if (error instanceof CostTableValidationError) throw new AppError(ErrorCode.BAD_USER_INPUT, error.message, ['input', 'liveSet'], { issues: error.issues });
      throw error;
    }
  }

  /** Parses an agent's upload (CSV or JSON) for a profile and spec; rejects it whole when malformed or partial. */
  parseUpload(
    upload: { metric: CostTableRow['metric']; format: 'csv' | 'json'; content: string; provenance?: PublishInput['provenance'] },
    profile: DeviceProfile,
    spec: ModelSpec,
  ): ParsedUpload {
    return this.parseOrReject(upload, profile.name, spec);
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
      liveSet?: LiveSetRows | null;
      /** Sites of the spec the table lacks (a partial table); empty when complete. */
      missingSites: readonly string[];
      contentSha256: string;
      visibility?: CostTableVisibility;
    },
  ): Promise<CostTableRow> {
    const { profile, spec, metric, table } = version;
    const liveSet = version.liveSet ?? null;
    await owned(manager, DeviceProfileEntity, scope).lock(profile.id);
    const tables = owned(manager, CostTableEntity, scope);
    const latest = await tables.maximum('version', { deviceProfileId: profile.id, modelSpecId: spec.id, metric });
    const saved = await tables.save({
        deviceProfileId: profile.id,
        modelSpecId: spec.id,
        metric,
        version: (latest ?? 0) + 1,
        unit: table.unit,
        reference: table.reference,
        sites: [...table.sites],
        cells: [...table.cells],
        missingSites: [...version.missingSites],
        provenance: table.provenance,
        contentSha256: version.contentSha256,
        liveSet,
        liveSetSteps: liveSet ? liveSet.base.length : null,
        visibility: version.visibility ?? 'inherit',
        createdById: scope.actor.kind === 'user' ? scope.actor.userId : null,
    });
    await this.audit.record(manager, scope, {
      action: 'cost_table.publish',
      targetType: 'cost_table',
      targetId: saved.id,
      data: {
        deviceProfileId: profile.id,
        modelSpecId: spec.id,
        metric,
        version: saved.version,
        cells: table.cells.length,
        missingSites: version.missingSites.length,
        visibility: saved.visibility,
        liveSetSteps: saved.liveSetSteps,
      },
    });
    return saved;
  }

}

/** The row as the core library's CostTable (for searches and exports). */
export function toCoreTable(row: CostTableRow, device: string): CostTable {
  return { metric: row.metric, unit: row.unit, device, reference: row.reference, sites: row.sites, cells: row.cells, provenance: row.provenance };
}
