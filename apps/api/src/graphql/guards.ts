import type { TokenActor, UserActor } from '../auth/actor.js';
import type { Permission } from '../auth/permissions.js';
import { demand, requireAuthenticated as authenticatedActor, requireUser as userActor, resolveScope } from '../auth/policy.js';
import type { OrgScope } from '../auth/policy.js';
import type { Context } from './context.js';

// The GraphQL side of the access policy (auth/policy.ts): the request's actor, and memberships
// through the request's DataLoader.

export const requireUser = (ctx: Context): UserActor => userActor(ctx.actor);

export const requireAuthenticated = (ctx: Context): UserActor | TokenActor => authenticatedActor(ctx.actor);

/** The caller's scope in an organization it can see, or NOT_FOUND exactly as for a missing one. */
export function scopeIn(ctx: Context, organizationId: string): Promise<OrgScope> {
  return resolveScope(ctx.actor, organizationId, (id) => ctx.loaders.viewerMembership.load(id));
}

/** scopeIn + demand: the usual first line of an org-owned operation. */
export async function authorize(ctx: Context, organizationId: string, permission: Permission): Promise<OrgScope> {
  return demand(await scopeIn(ctx, organizationId), permission);
}
