import { authorize } from '../../graphql/guards.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';

export const auditEventResolvers: Resolvers = {
  Organization: {
    auditEvents: async (organization, args, ctx) =>
      ctx.services.audit.list(await authorize(ctx, organization.id, 'audit:read'), args),
  },
  AuditEvent: {
    actor: (event) => ({ userId: event.actorUserId, tokenId: event.actorTokenId, organizationId: event.organizationId }),
  },
  AuditActor: {
    user: (actor, _args, ctx) => (actor.userId ? ctx.loaders.userById.load(actor.userId) : null),
    apiTokenPrefix: async (actor, _args, ctx) => {
      if (!actor.tokenId || !actor.organizationId) return null;
      const token = await ctx.loaders.apiTokenOf.load({ organizationId: actor.organizationId, id: actor.tokenId });
      return token?.prefix ?? null;
    },
  },
};
