import { scopeIn } from '../../graphql/guards.js';
import { notFound } from '../../errors.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { jobAgent, jobModelSpec } from './leased-job.fields.js';

export const profilingJobResolvers: Resolvers = {
  Organization: {
    profilingJobs: async (organization, args, ctx) => ctx.services.profilingJobs.list(await scopeIn(ctx, organization.id), args),
    profilingJob: async (organization, { id }, ctx) => ctx.services.profilingJobs.get(await scopeIn(ctx, organization.id), id),
  },
  // The job was reached through its organization; these read that organization's rows only.
  ProfilingJob: {
    deviceProfile: async (job, _args, ctx) => {
      const profile = await ctx.loaders.deviceProfileOf.load({ organizationId: job.organizationId, id: job.deviceProfileId });
      if (!profile) throw notFound('Device profile');
      return profile;
    },
    modelSpec: (job, _args, ctx) => jobModelSpec(job, ctx.loaders),
    agent: (job, _args, ctx) => jobAgent(job, ctx.loaders),
    costTables: (job, _args, ctx) => ctx.services.costTables.ownedByIds(job, job.costTableIds),
  },
  Mutation: {
    createProfilingJob: async (_root, { input }, ctx) => ctx.services.profilingJobs.create(await scopeIn(ctx, input.organizationId), input),
    leaseProfilingJob: async (_root, { input }, ctx) => ctx.services.profilingJobs.lease(await scopeIn(ctx, input.organizationId), input, ctx.now),
    reportProfilingProgress: async (_root, { input }, ctx) =>
      ctx.services.profilingJobs.reportProgress(await scopeIn(ctx, input.organizationId), input, ctx.now),
    completeProfilingJob: async (_root, { input }, ctx) =>
      ctx.services.profilingJobs.complete(await scopeIn(ctx, input.organizationId), input, ctx.now),
    failProfilingJob: async (_root, { input }, ctx) => ctx.services.profilingJobs.fail(await scopeIn(ctx, input.organizationId), input, ctx.now),
  },
};
