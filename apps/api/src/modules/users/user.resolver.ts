import { requireUser } from '../../graphql/guards.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';

export const userResolvers: Resolvers = {
  Query: {
    me: (_root, _args, ctx) => ctx.services.users.get(requireUser(ctx).userId),
  },
  Mutation: {
    signUp: (_root, { input }, ctx) => ctx.services.users.signUp(input, ctx.now),
    updateAccount: (_root, { input }, ctx) => ctx.services.users.updateAccount(requireUser(ctx), input),
    changePassword: (_root, { input }, ctx) => ctx.services.users.changePassword(requireUser(ctx), input, ctx.now),
  },
};
