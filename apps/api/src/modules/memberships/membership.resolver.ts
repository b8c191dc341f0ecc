import { authorize, scopeIn } from '../../graphql/guards.js';
import { notFound } from '../../errors.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';

export const membershipResolvers: Resolvers = {
  Organization: {
    members: async (organization, args, ctx) => ctx.services.memberships.list(await authorize(ctx, organization.id, 'read'), args),
  },
  Membership: {
    user: async (membership, _args, ctx) => {
      const user = await ctx.loaders.userById.load(membership.userId);
      if (!user) throw notFound('User');
      return user;
    },
  },
  Mutation: {
    updateMembershipRole: async (_root, { input }, ctx) =>
      ctx.services.memberships.updateRole(await scopeIn(ctx, input.organizationId), input),
    removeMembership: async (_root, { input }, ctx) =>
      ctx.services.memberships.remove(await scopeIn(ctx, input.organizationId), input),
  },
};
