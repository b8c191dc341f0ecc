import { scopeIn } from '../../graphql/guards.js';
import { notFound } from '../../errors.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';

export const apiTokenResolvers: Resolvers = {
  Organization: {
    apiTokens: async (organization, args, ctx) => ctx.services.apiTokens.list(await scopeIn(ctx, organization.id), args),
  },
  ApiToken: {
    createdBy: async (token, _args, ctx) => {
      const user = await ctx.loaders.userById.load(token.createdById);
      if (!user) throw notFound('User');
      return user;
    },
  },
  Mutation: {
    createApiToken: async (_root, { input }, ctx) =>
      ctx.services.apiTokens.create(await scopeIn(ctx, input.organizationId), input, ctx.now),
    revokeApiToken: async (_root, { input }, ctx) =>
      ctx.services.apiTokens.revoke(await scopeIn(ctx, input.organizationId), input, ctx.now),
  },
};
