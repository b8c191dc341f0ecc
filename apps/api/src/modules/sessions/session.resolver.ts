import { requireUser } from '../../graphql/guards.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';

export const sessionResolvers: Resolvers = {
  Mutation: {
    signIn: (_root, { input }, ctx) => ctx.services.sessions.signIn(input, ctx.now, ctx.clientAddress),
    signOut: (_root, _args, ctx) => ctx.services.sessions.signOut(requireUser(ctx), ctx.now),
  },
};
