import type { DataSource, EntitySchema, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { leanQuery, leanTable } from './lean.js';
import { badInput } from '../errors.js';

export interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
}

export interface Edge<T> {
  readonly cursor: string;
  readonly node: T;
}

export interface Connection<T> {
  readonly edges: readonly Edge<T>[];
  readonly nodes: readonly T[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

interface CursorKey {
  readonly createdAt: Date;
  readonly id: string;
}

/** Opaque to clients: base64url of the row's (created_at, id) keyset position. */
export function encodeCursor(row: CursorKey): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): CursorKey {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const createdAt = new Date(String(at));
    if (typeof id !== 'string' || Number.isNaN(createdAt.getTime())) throw new Error('bad cursor');
    return { createdAt, id };
  } catch {
    throw badInput(['after'], 'Invalid cursor');
  }
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(['first'], `first must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/**
 * Keyset pagination over (created_at, id). The query builder must already carry the caller's
 * tenant filter; this only adds ordering, the cursor predicate and the limit.
 */
export async function paginate<T extends ObjectLiteral & CursorKey>(
  query: SelectQueryBuilder<T>,
  args: PageArgs,
  direction: 'ASC' | 'DESC' = 'ASC',
): Promise<Connection<T>> {
  const limit = pageSize(args.first);
  const alias = query.alias;
  if (args.after) {
    const cursor = decodeCursor(args.after);
    const op = direction === 'ASC' ? '>' : '<';
    query.andWhere(`(${alias}.created_at, ${alias}.id) ${op} (:cursorAt, :cursorId)`, {
      cursorAt: cursor.createdAt,
      cursorId: cursor.id,
    });
  }
  const rows = await query
    .orderBy(`${alias}.createdAt`, direction)
    .addOrderBy(`${alias}.id`, direction)
    // limit, not take: joins here only filter, so no two-query pagination is needed.
    .limit(limit + 1)
    .getMany();
  return connectionOf(rows, limit);
}

// Cursors are encoded when read: most pages (the dashboard's) select `nodes` and never ask for them.
function connectionOf<T extends CursorKey>(rows: readonly T[], limit: number): Connection<T> {
  const nodes = rows.slice(0, limit);
  const edges = nodes.map((node) => ({
    node,
    get cursor() {
      return encodeCursor(node);
    },
  }));
  const last = nodes.at(-1);
  return {
    edges,
    nodes,
    pageInfo: {
      hasNextPage: rows.length > limit,
      get endCursor() {
        return last ? encodeCursor(last) : null;
      },
    },
  };
}

export interface LeanPageQuery {
  readonly entity: EntitySchema;
  readonly alias: string;
  /** Joins after `FROM table alias`, for filtering only. */
  readonly joins?: string;
  /** The caller's tenant filter (and any other), with `$1…$n` placeholders for `values`. */
  readonly where: string;
  readonly values: readonly unknown[];
}

/** `paginate` for the hot lists: the same keyset pages, as one prepared statement without the query builder. */
export async function paginateLean<T extends CursorKey>(
  dataSource: DataSource,
  query: LeanPageQuery,
  args: PageArgs,
  direction: 'ASC' | 'DESC' = 'ASC',
): Promise<Connection<T>> {
  const limit = pageSize(args.first);
  const { alias } = query;
  const { table, columns } = leanTable(dataSource, query.entity, alias);
  const values = [...query.values];
  let where = `(${query.where})`;
  if (args.after) {
    const cursor = decodeCursor(args.after);
    values.push(cursor.createdAt, cursor.id);
    where += ` AND (${alias}.created_at, ${alias}.id) ${direction === 'ASC' ? '>' : '<'} ($${values.length - 1}, $${values.length})`;
  }
  values.push(limit + 1);
  const text = `SELECT ${columns} FROM ${table} ${alias}${query.joins ? ` ${query.joins}` : ''} WHERE ${where}
    ORDER BY ${alias}.created_at ${direction}, ${alias}.id ${direction} LIMIT $${values.length}`;
  return connectionOf(await leanQuery<T>(dataSource, text, values), limit);
}

/** Maps a connection's nodes (e.g. to attach the caller's scope) keeping cursors. */
export function mapConnection<T, U>(connection: Connection<T>, map: (node: T) => U): Connection<U> {
  const edges = connection.edges.map((edge) => ({
    node: map(edge.node),
    get cursor() {
      return edge.cursor;
    },
  }));
  return { edges, nodes: edges.map((e) => e.node), pageInfo: connection.pageInfo };
}
