import { scopeIn } from '../../graphql/guards.js';
import { notFound } from '../../errors.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';

export const searchRequestResolvers: Resolvers = {
  Mutation: {
    submitSearch: async (_root, { input }, ctx) => ctx.services.searchRequests.submit(await scopeIn(ctx, input.organizationId), input),
  },
  Organization: {
    searchRequest: async (organization, { id }, ctx) => ctx.services.searchRequests.get(await scopeIn(ctx, organization.id), id),
  },
  Project: {
    searchRequests: async (project, args, ctx) =>
      ctx.services.searchRequests.listByProject(await scopeIn(ctx, project.organizationId), project.id, args),
  },
  SearchRequest: {
    error: (request) => (request.errorCode ? { code: request.errorCode, message: request.errorMessage ?? '' } : null),
    strategy: (request) => request.spec.strategy,
    k: (request) => request.spec.k,
    spec: (request) => request.spec,
    project: async (request, _args, ctx) => {
      const project = await ctx.loaders.projectOf.load({ organizationId: request.organizationId, id: request.projectId });
      if (!project) throw notFound('Project');
      return project;
    },
    proposalSet: async (request, _args, ctx) =>
      request.proposalSetId ? ctx.services.proposalSets.byId(await scopeIn(ctx, request.organizationId), request.proposalSetId) : null,
  },
};
