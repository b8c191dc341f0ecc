import { EntitySchema } from 'typeorm';

export const VISIBILITIES = ['private', 'shared', 'public'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** A hardware target. Only its owning organization edits it; sharing grants read access only. */
export interface DeviceProfile {
  id: string;
  organizationId: string;
  name: string;
  processor: string;
  accelerator: string | null;
  runtime: string;
  runtimeVersion: string;
  threads: number;
  inputSize: number;
  memoryLimitKb: number | null;
  /** Activation ids the runtime's compiler fuses into the preceding convolution. */
  fusedActivations: string[];
  visibility: Visibility;
  createdAt: Date;
  updatedAt: Date;
}

export const DeviceProfileEntity = new EntitySchema<DeviceProfile>({
  name: 'DeviceProfile',
  tableName: 'device_profiles',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    organizationId: { name: 'organization_id', type: 'uuid' },
    name: { type: 'varchar', length: 200 },
    processor: { type: 'varchar', length: 200 },
    accelerator: { type: 'varchar', length: 200, nullable: true },
    runtime: { type: 'varchar', length: 100 },
    runtimeVersion: { name: 'runtime_version', type: 'varchar', length: 50 },
    threads: { type: 'integer' },
    inputSize: { name: 'input_size', type: 'integer' },
    memoryLimitKb: { name: 'memory_limit_kb', type: 'integer', nullable: true },
    fusedActivations: { name: 'fused_activations', type: 'text', array: true, default: () => "'{}'" },
    visibility: { type: 'enum', enum: [...VISIBILITIES], enumName: 'device_profile_visibility', default: 'private' },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
  },
  uniques: [{ name: 'uq_device_profiles_organization_name', columns: ['organizationId', 'name'] }],
  indices: [
    { name: 'ix_device_profiles_organization_created', columns: ['organizationId', 'createdAt'] },
    { name: 'ix_device_profiles_visibility', columns: ['visibility'] },
  ],
  foreignKeys: [
    { target: 'Organization', columnNames: ['organization_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
  ],
});
