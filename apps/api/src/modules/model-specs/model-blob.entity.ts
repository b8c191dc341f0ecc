import { EntitySchema } from 'typeorm';

/**
 * Uploaded model files, content-addressed: identical uploads (from any organization) are stored
 * once. Never reachable by hash from the API; only through an organization's model_specs row.
 */
export interface ModelBlob {
  sha256: string;
  content: Buffer;
  sizeBytes: number;
  createdAt: Date;
}

export const ModelBlobEntity = new EntitySchema<ModelBlob>({
  name: 'ModelBlob',
  tableName: 'model_blobs',
  columns: {
    sha256: { type: 'char', length: 64, primary: true },
    content: { type: 'bytea' },
    sizeBytes: { name: 'size_bytes', type: 'integer' },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
  },
});
