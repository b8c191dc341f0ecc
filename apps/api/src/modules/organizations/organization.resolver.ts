import { authorize, requireAuthenticated, requireUser } from '../../graphql/guards.js';
import { notFound } from '../../errors.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';

export const organizationResolvers: Resolvers = {
  Query: {
    organization: async (_root, { slug }, ctx) => {
      const visible = await ctx.services.organizations.visibleBySlug(requireAuthenticated(ctx), slug);
      if (!visible) throw notFound('Organization');
      if (visible.membership) ctx.loaders.viewerMembership.prime(visible.organization.id, visible.membership);
      await authorize(ctx, visible.organization.id, 'read');
      return visible.organization;
    },
    organizations: (_root, args, ctx) => ctx.services.organizations.list(requireAuthenticated(ctx), args),
  },
  Mutation: {
    createOrganization: (_root, { input }, ctx) => ctx.services.organizations.create(requireUser(ctx), input),
    updateOrganization: async (_root, { input }, ctx) =>
      ctx.services.organizations.update(await authorize(ctx, input.organizationId, 'organization:manage'), input),
  },
  Organization: {
    viewerRole: async (organization, _args, ctx) =>
      ctx.actor.kind === 'user' ? ((await ctx.loaders.viewerMembership.load(organization.id))?.role ?? null) : null,
  },
};
