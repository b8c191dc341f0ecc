import { forbidden, notFound, unauthenticated } from '../errors.js';
import type { Role } from '../modules/memberships/role.js';
import type { Actor, TokenActor, UserActor } from './actor.js';
import { ROLE_PERMISSIONS, SCOPE_PERMISSIONS } from './permissions.js';
import type { Permission } from './permissions.js';

// Who may do what: pure rules over an Actor and a membership, no GraphQL and no database. The
// GraphQL guards (graphql/guards.ts) and the upload route feed them the request's actor and a
// membership lookup.

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

const invalidBearer = 'The bearer token is invalid, revoked or expired';

export function requireUser(actor: Actor): UserActor {
  if (actor.kind === 'user') return actor;
  if (actor.kind === 'token') throw forbidden('API tokens cannot do this; sign in as a user');
  throw unauthenticated(actor.kind === 'invalid' ? invalidBearer : undefined);
}

export function requireAuthenticated(actor: Actor): UserActor | TokenActor {
  if (actor.kind === 'user' || actor.kind === 'token') return actor;
  throw unauthenticated(actor.kind === 'invalid' ? invalidBearer : undefined);
}

/** A member's scope: the permissions of their role. */
export function memberScope(organizationId: string, actor: UserActor, role: Role): OrgScope {
  return { organizationId, actor, role, permissions: new Set(ROLE_PERMISSIONS[role]) };
}

/** Looks up the signed-in user's role in an organization (null when not a member). */
export type MembershipLookup = (organizationId: string) => Promise<{ readonly role: Role } | null>;

/** The caller's scope in an organization it can see, or NOT_FOUND exactly as for a missing one. */
export async function resolveScope(actor: Actor, organizationId: string, membershipOf: MembershipLookup): Promise<OrgScope> {
  const caller = requireAuthenticated(actor);
  if (!isUuid(organizationId)) throw notFound('Organization');
  if (caller.kind === 'token') {
    if (caller.organizationId !== organizationId) throw notFound('Organization');
    const permissions = new Set(caller.scopes.flatMap((s) => SCOPE_PERMISSIONS[s]));
    return { organizationId, actor: caller, role: undefined, permissions };
  }
  const membership = await membershipOf(organizationId);
  if (!membership) throw notFound('Organization');
  return memberScope(organizationId, caller, membership.role);
}

export function demand(scope: OrgScope, permission: Permission): OrgScope {
  if (!scope.permissions.has(permission)) {
    throw forbidden(scope.role ? `The ${scope.role} role does not allow this` : `This API token lacks the scope for this`);
  }
  return scope;
}

/** Who did it, for audit events. */
export const actorIds = (scope: Pick<OrgScope, 'actor'>): { actorUserId: string | null; actorTokenId: string | null } =>
  scope.actor.kind === 'user'
    ? { actorUserId: scope.actor.userId, actorTokenId: null }
    : { actorUserId: null, actorTokenId: scope.actor.tokenId };
