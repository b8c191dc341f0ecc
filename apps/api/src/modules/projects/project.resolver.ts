import { scopeIn } from '../../graphql/guards.js';
import { notFound } from '../../errors.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';

export const projectResolvers: Resolvers = {
  Organization: {
    projects: async (organization, args, ctx) => ctx.services.projects.list(await scopeIn(ctx, organization.id), args),
    project: async (organization, { id }, ctx) => ctx.services.projects.get(await scopeIn(ctx, organization.id), id),
  },
  Project: {
    organization: async (project, _args, ctx) => {
      const organization = await ctx.loaders.organizationById.load(project.organizationId);
      if (!organization) throw notFound('Organization');
      return organization;
    },
  },
  Mutation: {
    createProject: async (_root, { input }, ctx) => ctx.services.projects.create(await scopeIn(ctx, input.organizationId), input),
    updateProject: async (_root, { input }, ctx) => ctx.services.projects.update(await scopeIn(ctx, input.organizationId), input),
    deleteProject: async (_root, { input }, ctx) => ctx.services.projects.delete(await scopeIn(ctx, input.organizationId), input),
  },
};
