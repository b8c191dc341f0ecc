import { forbidden, notFound, unauthenticated } from '../errors.js';
import type { Context } from '../graphql/context.js';
import type { Role } from '../modules/memberships/role.js';
import type { TokenActor, UserActor } from './actor.js';
import { ROLE_PERMISSIONS, SCOPE_PERMISSIONS } from './permissions.js';
import type { Permission } from './permissions.js';

/**
 * The caller's standing inside one organization. Every org-owned read or write takes one of
 * these first; services filter by `organizationId` from here, never by a row id alone.
 */
export interface OrgScope {
  readonly organizationId: string;
  readonly actor: UserActor | TokenActor;
  /** The member's role; undefined for API tokens, which act through scopes. */
  readonly role: Role | undefined;
  readonly permissions: ReadonlySet<Permission>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

export function requireUser(ctx: Context): UserActor {
  if (ctx.actor.kind === 'user') return ctx.actor;
  if (ctx.actor.kind === 'token') throw forbidden('API tokens cannot do this; sign in as a user');
  throw unauthenticated(ctx.actor.kind === 'invalid' ? 'The bearer token is invalid, revoked or expired' : undefined);
}

export function requireAuthenticated(ctx: Context): UserActor | TokenActor {
  if (ctx.actor.kind === 'user' || ctx.actor.kind === 'token') return ctx.actor;
  throw unauthenticated(ctx.actor.kind === 'invalid' ? 'The bearer token is invalid, revoked or expired' : undefined);
}

/** The caller's scope in an organization it can see, or NOT_FOUND exactly as for a missing one. */
export async function scopeIn(ctx: Context, organizationId: string): Promise<OrgScope> {
  const actor = requireAuthenticated(ctx);
  if (!isUuid(organizationId)) throw notFound('Organization');
  if (actor.kind === 'token') {
    if (actor.organizationId !== organizationId) throw notFound('Organization');
    const permissions = new Set(actor.scopes.flatMap((s) => SCOPE_PERMISSIONS[s]));
    return { organizationId, actor, role: undefined, permissions };
  }
  const membership = await ctx.loaders.viewerMembership.load(organizationId);
  if (!membership) throw notFound('Organization');
  return { organizationId, actor, role: membership.role, permissions: new Set(ROLE_PERMISSIONS[membership.role]) };
}

export function demand(scope: OrgScope, permission: Permission): OrgScope {
  if (!scope.permissions.has(permission)) {
    throw forbidden(scope.role ? `The ${scope.role} role does not allow this` : `This API token lacks the scope for this`);
  }
  return scope;
}

/** scopeIn + demand: the usual first line of an org-owned operation. */
export async function authorize(ctx: Context, organizationId: string, permission: Permission): Promise<OrgScope> {
  return demand(await scopeIn(ctx, organizationId), permission);
}

/** Who did it, for audit events. */
export const actorIds = (scope: Pick<OrgScope, 'actor'>): { actorUserId: string | null; actorTokenId: string | null } =>
  scope.actor.kind === 'user'
    ? { actorUserId: scope.actor.userId, actorTokenId: null }
    : { actorUserId: null, actorTokenId: scope.actor.tokenId };
