import { EntitySchema } from 'typeorm';

export interface User {
  id: string;
  /** Lower-cased and trimmed before it is stored, so the unique index is case-insensitive. */
  email: string;
  name: string;
  passwordHash: string;
  createdAt: Date;
}

export const UserEntity = new EntitySchema<User>({
  name: 'User',
  tableName: 'users',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    email: { type: 'varchar', length: 320, unique: true },
    name: { type: 'varchar', length: 200 },
    passwordHash: { name: 'password_hash', type: 'varchar', length: 200 },
    createdAt: { name: 'created_at', type: 'timestamptz', precision: 3, createDate: true },
  },
});
