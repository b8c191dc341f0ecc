import { createHash } from 'node:crypto';
import type { DataSource, EntitySchema } from 'typeorm';
import { isTransientDatabaseError } from '../errors.js';
import { connectionLost } from './pool-errors.js';

// The hot read paths (every dashboard request) skip TypeORM's query builder and entity hydration:
// building the SQL and mapping the rows cost more CPU than PostgreSQL spends on the query. They
// still run on TypeORM's pool, as named prepared statements, so PostgreSQL parses and plans each
// text once per connection.

interface PgQueryConfig {
  readonly name?: string;
  readonly text: string;
  readonly values: readonly unknown[];
}

interface PgPool {
  query(config: PgQueryConfig): Promise<{ rows: unknown[] }>;
}

/** The columns of an entity as a select list whose result keys are the entity's property names. */
export interface LeanTable {
  /** e.g. `projects` */
  readonly table: string;
  /** e.g. `project.id AS "id", project.organization_id AS "organizationId", …` */
  readonly columns: string;
}

const statementNames = new Map<string, string>();

/** A prepared statement's name must always mean the same text on a connection: name it by its hash. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `lean_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

function poolOf(dataSource: DataSource): PgPool {
  const pool = (dataSource.driver as unknown as { master?: PgPool }).master;
  if (!pool) throw new Error('the data source is not connected to PostgreSQL');
  return pool;
}

/**
 * Runs a parameterized statement (a constant text, values apart) and returns its rows. A read that
 * fails because its connection died (PostgreSQL restarted, the connection was terminated) is
 * retried at once on another connection, up to READ_ATTEMPTS times: it changed nothing, so that is safe.
 */
export async function leanQuery<T>(dataSource: DataSource, text: string, values: readonly unknown[]): Promise<T[]> {
  const config = { name: statementName(text), text, values };
  for (let attempt = 1; ; attempt++) {
    try {
      return (await poolOf(dataSource).query(config)).rows as T[];
    } catch (error) {
      if (!isTransientDatabaseError(error)) throw error;
      connectionLost(poolOf(dataSource));
      if (attempt >= READ_ATTEMPTS || !READ.test(text)) throw error;
    }
  }
}

// The retry runs on a connection opened after the failure was seen (connectionLost drops the older
// idle ones), so one more try is nearly always enough; no back-off, as the failure was the
// connection's, not the server's load.
const READ_ATTEMPTS = 3;

const READ = /^\s*(SELECT|WITH)\b(?![\s\S]*\b(INSERT|UPDATE|DELETE)\b)/i;

const tables = new WeakMap<DataSource, Map<string, LeanTable>>();

/**
 * The select list of `entity` under `alias`, from TypeORM's metadata (columns with `select: false`
 * left out, as TypeORM does). Only for entities whose column types `pg` parses itself: enum arrays
 * and bigints would come back as text.
 */
export function leanTable(dataSource: DataSource, entity: EntitySchema, alias: string): LeanTable {
  let byKey = tables.get(dataSource);
  if (!byKey) tables.set(dataSource, (byKey = new Map()));
  const key = `${entity.options.name}:${alias}`;
  let table = byKey.get(key);
  if (!table) {
    const metadata = dataSource.getMetadata(entity);
    const columns = metadata.columns
      .filter((column) => column.isSelect)
      .map((column) => `${alias}.${column.databaseName} AS "${column.propertyName}"`)
      .join(', ');
    table = { table: metadata.tableName, columns };
    byKey.set(key, table);
  }
  return table;
}
