import { requireUser, scopeIn } from '../../graphql/guards.js';
import { notFound } from '../../errors.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';

export const invitationResolvers: Resolvers = {
  Organization: {
    invitations: async (organization, args, ctx) => ctx.services.invitations.list(await scopeIn(ctx, organization.id), args),
  },
  Invitation: {
    invitedBy: async (invitation, _args, ctx) => {
      const user = await ctx.loaders.userById.load(invitation.invitedById);
      if (!user) throw notFound('User');
      return user;
    },
  },
  Mutation: {
    createInvitation: async (_root, { input }, ctx) =>
      ctx.services.invitations.create(await scopeIn(ctx, input.organizationId), input, ctx.now),
    acceptInvitation: (_root, { input }, ctx) => ctx.services.invitations.accept(requireUser(ctx), input, ctx.now),
    revokeInvitation: async (_root, { input }, ctx) =>
      ctx.services.invitations.revoke(await scopeIn(ctx, input.organizationId), input, ctx.now),
  },
};
