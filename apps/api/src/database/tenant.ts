import type { DataSource, EntityManager, EntitySchema, FindOptionsOrder, FindOptionsWhere, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { leanQuery, leanTable } from './lean.js';
import type { Connection, LeanPageQuery, PageArgs } from './pagination.js';
import { paginate, paginateLean } from './pagination.js';
import { queryRows } from './query-rows.js';

// The only way services reach the database. Rows an organization owns are read and written
// through `owned(…)`, which puts the organization into every statement it builds (and refuses raw
// SQL that does not filter on it); tables nobody owns through `global(…)`, whose type refuses an
// owned entity; and the few reads that must cross organizations through `crossTenant(…)` with a
// reason from a closed list. ESLint (eslint.config.js, "tenant scoping") forbids repositories,
// query builders and raw SQL anywhere else in apps/api/src.

/** The organization a statement is for: an OrgScope, or a row already reached through one. */
export interface OrgRef {
  readonly organizationId: string;
}

/** A row that belongs to one organization. */
export type OwnedRow = ObjectLiteral & { organizationId: string | null };

/** Entities with an `organizationId` are owned: `global` will not take them. */
type GlobalEntity<T extends ObjectLiteral> = EntitySchema<T> & ('organizationId' extends keyof T ? never : unknown);

/**
 * Why a read or write may ignore the caller's organization. Each is reviewed where it is used:
 * - `authentication`: a bearer secret names its session or API token before any organization is known;
 * - `invitation-token`: accepting an invitation finds it by its secret;
 * - `viewer-memberships`: the signed-in user's memberships across organizations;
 * - `shared-visibility`: device profiles and their cost tables other organizations shared or made public
 *   (the query itself filters by the viewer organization's grants);
 * - `user-events`: audit events of a user outside any organization (sign-up, sign-in);
 * - `job-owner`: a queued job enqueued before jobs carried their organization;
 * - `worker-lease`: requeueing searches whose worker died, whatever their organization.
 */
export type CrossTenantReason = 'authentication' | 'invitation-token' | 'viewer-memberships' | 'shared-visibility' | 'user-events' | 'job-owner' | 'worker-lease';

type Handle = DataSource | EntityManager;
// A DataSource has a manager; an EntityManager (of a transaction or not) is one.
const managerOf = (handle: Handle): EntityManager => ('manager' in handle ? handle.manager : handle);

/** The conditions of a lookup; the organization is added by the repository and cannot be overridden. */
export type OwnedWhere<T extends OwnedRow> = Omit<FindOptionsWhere<T>, 'organizationId'>;

const SCOPED_SQL = /\borganization_id\s*=\s*\$1\b/;
const checked = new Set<string>();

/** Raw SQL of an owned table must filter on the organization as its first parameter. */
function assertScopedSql(text: string): void {
  if (checked.has(text)) return;
  if (!SCOPED_SQL.test(text)) throw new Error(`unscoped SQL: an owned table's statement must filter "organization_id = $1": ${text.slice(0, 200)}`);
  checked.add(text);
}

/** One organization's rows of one entity. */
export class OwnedRepository<T extends OwnedRow> {
  readonly #manager: EntityManager;

  constructor(
    manager: EntityManager,
    readonly entity: EntitySchema<T>,
    readonly organizationId: string,
  ) {
    this.#manager = manager;
  }

  get #repository(): Repository<T> {
    return this.#manager.getRepository(this.entity);
  }

  #where(where: OwnedWhere<T> = {} as OwnedWhere<T>): FindOptionsWhere<T> {
    return { ...where, organizationId: this.organizationId } as FindOptionsWhere<T>;
  }

  findOne(where: OwnedWhere<T>): Promise<T | null> {
    return this.#repository.findOneBy(this.#where(where));
  }

  find(where: OwnedWhere<T> = {} as OwnedWhere<T>, order?: FindOptionsOrder<T>): Promise<T[]> {
    return this.#repository.find({ where: this.#where(where), ...(order ? { order } : {}) });
  }

  exists(where: OwnedWhere<T>): Promise<boolean> {
    return this.#repository.existsBy(this.#where(where));
  }

  count(where: OwnedWhere<T> = {} as OwnedWhere<T>): Promise<number> {
    return this.#repository.countBy(this.#where(where));
  }

  async maximum(column: keyof T & string, where: OwnedWhere<T> = {} as OwnedWhere<T>): Promise<number | null> {
    return this.#repository.maximum(column as never, this.#where(where));
  }

  /** Creates and saves a row of this organization (generated columns come back filled in). */
  save(values: Omit<Partial<T>, 'organizationId'>): Promise<T> {
    const repository = this.#repository;
    return repository.save(repository.create({ ...values, organizationId: this.organizationId } as unknown as T));
  }

  async insert(values: Omit<Partial<T>, 'organizationId'> | readonly Omit<Partial<T>, 'organizationId'>[]): Promise<void> {
    const rows = (Array.isArray(values) ? values : [values]).map((row) => ({ ...row, organizationId: this.organizationId }));
    if (rows.length > 0) await this.#repository.insert(rows as never);
  }

  async update(where: OwnedWhere<T>, changes: Omit<Partial<T>, 'organizationId'>): Promise<number> {
    return (await this.#repository.update(this.#where(where), changes as never)).affected ?? 0;
  }

  async delete(where: OwnedWhere<T>): Promise<number> {
    return (await this.#repository.delete(this.#where(where))).affected ?? 0;
  }

  /**
   * A query builder that already filters on the organization. `where` on it adds a condition
   * (it cannot replace the organization's), so callers may use either.
   */
  select(alias: string): SelectQueryBuilder<T> {
    const query = this.#repository.createQueryBuilder(alias).andWhere(`${alias}.organization_id = :__ownerOrganizationId`, {
      __ownerOrganizationId: this.organizationId,
    });
    query.where = query.andWhere.bind(query);
    return query;
  }

  /** Locks one row of this organization for the rest of the transaction. */
  async lock(id: string): Promise<T | null> {
    return this.select('locked').andWhere('locked.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  /** Raw SQL (in the manager's transaction); `$1` is the organization and must be filtered on. */
  async sql<R>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    assertScopedSql(text);
    return queryRows<R>(this.#manager, text, [this.organizationId, ...values]);
  }

  /** Raw SQL as a named prepared statement on the pool (hot read paths; not in a transaction). */
  async lean<R>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    assertScopedSql(text);
    return leanQuery<R>(this.#manager.connection, text, [this.organizationId, ...values]);
  }

  /** The entity's select list under `alias`, for `lean` statements. */
  columns(alias: string): { readonly table: string; readonly columns: string } {
    return leanTable(this.#manager.connection, this.entity as EntitySchema, alias);
  }

  /** A keyset page of this organization's rows, optionally narrowed by more conditions (`$2…`). */
  page(args: PageArgs, options: { readonly alias: string; readonly where?: string; readonly values?: readonly unknown[]; readonly direction?: 'ASC' | 'DESC' }): Promise<Connection<T>> {
    const { alias, where, values = [], direction = 'ASC' } = options;
    return paginateLean<T & { createdAt: Date; id: string }>(
      this.#manager.connection,
      { entity: this.entity as EntitySchema, alias, where: `${alias}.organization_id = $1${where ? ` AND (${where})` : ''}`, values: [this.organizationId, ...values] },
      args,
      direction,
    ) as Promise<Connection<T>>;
  }

  /** Pages a query built from `select` (keyset over created_at, id). */
  paginate(query: SelectQueryBuilder<T>, args: PageArgs, direction: 'ASC' | 'DESC' = 'ASC'): Promise<Connection<T>> {
    return paginate(query as SelectQueryBuilder<T & { createdAt: Date; id: string }>, args, direction) as Promise<Connection<T>>;
  }
}

/** `organizationId`'s rows of `entity`, through a data source or a transaction's manager. */
export function owned<T extends OwnedRow>(handle: Handle, entity: EntitySchema<T>, scope: OrgRef): OwnedRepository<T> {
  if (!scope.organizationId) throw new Error('owned() needs an organization');
  return new OwnedRepository(managerOf(handle), entity, scope.organizationId);
}

/** A table no organization owns (users, sessions, organizations, model blobs). */
export function global<T extends ObjectLiteral>(handle: Handle, entity: GlobalEntity<T>): Repository<T> {
  return managerOf(handle).getRepository(entity);
}

/** A deliberate read or write across organizations, for one of the reasons above. */
export function crossTenant<T extends ObjectLiteral>(handle: Handle, entity: EntitySchema<T>, _reason: CrossTenantReason): Repository<T> {
  return managerOf(handle).getRepository(entity);
}

/** Raw SQL across organizations (or on global tables), for one of the reasons above. */
export function crossTenantSql<R>(handle: Handle, _reason: CrossTenantReason | 'global', text: string, values: readonly unknown[]): Promise<R[]> {
  const manager = managerOf(handle);
  // Hot paths (authentication, memberships) run on the pool as prepared statements.
  if (!manager.queryRunner) return leanQuery<R>(manager.connection, text, values);
  return queryRows<R>(manager, text, values);
}

/** Pages a query built from `global` or `crossTenant` (a query builder comes from nowhere else). */
export function paginateQuery<T extends ObjectLiteral & { createdAt: Date; id: string }>(query: SelectQueryBuilder<T>, args: PageArgs, direction: 'ASC' | 'DESC' = 'ASC'): Promise<Connection<T>> {
  return paginate(query, args, direction);
}

/** `paginateLean` across organizations, for one of the reasons above (the `where` narrows to what the viewer may read). */
export function crossTenantPage<T extends { createdAt: Date; id: string }>(dataSource: DataSource, _reason: CrossTenantReason, query: LeanPageQuery, args: PageArgs, direction: 'ASC' | 'DESC' = 'ASC'): Promise<Connection<T>> {
  return paginateLean<T>(dataSource, query, args, direction);
}
