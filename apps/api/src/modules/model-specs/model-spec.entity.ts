import { EntitySchema } from 'typeorm';

export const MODEL_SPEC_KINDS = ['builtin', 'yaml', 'onnx'] as const;
export type ModelSpecKind = (typeof MODEL_SPEC_KINDS)[number];

export interface ModelSite {
  readonly name: string;
  /** The activation id the model has there (the reference of the search space). */
  readonly reference: string;
}

/** A model an organization searches over: a built-in name or an uploaded YAML/ONNX file. */
export interface ModelSpec {
  id: string;
  organizationId: string;
  name: string;
  kind: ModelSpecKind;
  builtinName: string | null;
  /** SHA-256 of the uploaded file, which is stored once in model_blobs. */
  blobSha256: string | null;
  sizeBytes: number | null;
  sites: ModelSite[];
  createdById: string | null;
  createdAt: Date;
}

export const ModelSpecEntity = new EntitySchema<ModelSpec>({
  name: 'ModelSpec',
  tableName: 'model_specs',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    organizationId: { name: 'organization_id', type: 'uuid' },
    name: { type: 'varchar', length: 200 },
    kind: { type: 'enum', enum: [...MODEL_SPEC_KINDS], enumName: 'model_spec_kind' },
    builtinName: { name: 'builtin_name', type: 'varchar', length: 100, nullable: true },
    blobSha256: { name: 'blob_sha256', type: 'char', length: 64, nullable: true },
    sizeBytes: { name: 'size_bytes', type: 'integer', nullable: true },
    sites: { type: 'jsonb' },
    createdById: { name: 'created_by_id', type: 'uuid', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
  },
  uniques: [{ name: 'uq_model_specs_organization_name', columns: ['organizationId', 'name'] }],
  indices: [{ name: 'ix_model_specs_organization_created', columns: ['organizationId', 'createdAt'] }],
  foreignKeys: [
    { target: 'Organization', columnNames: ['organization_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    { target: 'ModelBlob', columnNames: ['blob_sha256'], referencedColumnNames: ['sha256'], onDelete: 'RESTRICT' },
  ],
});
