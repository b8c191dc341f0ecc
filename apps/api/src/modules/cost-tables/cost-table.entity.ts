import type { CostCell, CostTableProvenance, LiveSetRows, MetricKind } from '@actnas/core';
import { EntitySchema } from 'typeorm';

export const METRICS = ['latency', 'memory', 'accuracy'] as const satisfies readonly MetricKind[];

/** `inherit`: readable wherever its device profile is; `private`: its organization only. */
export const COST_TABLE_VISIBILITIES = ['inherit', 'private'] as const;
export type CostTableVisibility = (typeof COST_TABLE_VISIBILITIES)[number];

/**
 * One published, immutable version of a cost table for (device profile, model spec, metric).
 * Owned by the device profile's organization; readable wherever the profile is, unless its owner
 * restricted it (`visibility`, the one thing about a version that may change).
 */
export interface CostTableRow {
  id: string;
  organizationId: string;
  deviceProfileId: string;
  modelSpecId: string;
  metric: MetricKind;
  version: number;
  unit: string;
  reference: number;
  sites: string[];
  /**
   * Sites of the model spec the table has no rows for, in the spec's order: empty for a complete
   * table; a partial one (published with `partial`) never serves a search that needs them.
   */
  missingSites: string[];
  cells: CostCell[];
  provenance: CostTableProvenance;
  contentSha256: string;
  /** Memory tables: per-step live-set rows published with the table, for peak-memory budgets. */
  liveSet?: LiveSetRows | null;
  /** Steps of `liveSet` (null when there are none): lists show whether peak budgets are possible without loading the rows. */
  liveSetSteps: number | null;
  visibility: CostTableVisibility;
  createdById: string | null;
  createdAt: Date;
}

export const CostTableEntity = new EntitySchema<CostTableRow>({
  name: 'CostTable',
  tableName: 'cost_tables',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    organizationId: { name: 'organization_id', type: 'uuid' },
    deviceProfileId: { name: 'device_profile_id', type: 'uuid' },
    modelSpecId: { name: 'model_spec_id', type: 'uuid' },
    metric: { type: 'enum', enum: [...METRICS], enumName: 'cost_metric' },
    version: { type: 'integer' },
    unit: { type: 'varchar', length: 32 },
    reference: { type: 'double precision' },
    // Not loaded by default: lists stay light; get() and the search worker select them.
    sites: { type: 'text', array: true, select: false },
    cells: { type: 'jsonb', select: false },
    missingSites: { name: 'missing_sites', type: 'text', array: true, default: () => "'{}'" },
    provenance: { type: 'jsonb' },
    contentSha256: { name: 'content_sha256', type: 'char', length: 64 },
    liveSet: { name: 'live_set', type: 'jsonb', nullable: true, select: false },
    liveSetSteps: { name: 'live_set_steps', type: 'integer', nullable: true },
    visibility: { type: 'enum', enum: [...COST_TABLE_VISIBILITIES], enumName: 'cost_table_visibility', default: 'inherit' },
    createdById: { name: 'created_by_id', type: 'uuid', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
  },
  uniques: [{ name: 'uq_cost_tables_version', columns: ['deviceProfileId', 'modelSpecId', 'metric', 'version'] }],
  indices: [{ name: 'ix_cost_tables_organization_created', columns: ['organizationId', 'createdAt'] }],
  foreignKeys: [
    { target: 'Organization', columnNames: ['organization_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'DeviceProfile', columnNames: ['device_profile_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'ModelSpec', columnNames: ['model_spec_id'], referencedColumnNames: ['id'], onDelete: 'RESTRICT' },
  ],
});
