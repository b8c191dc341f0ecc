import { scopeIn } from '../../graphql/guards.js';
import { notFound } from '../../errors.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { jobAgent, jobModelSpec } from '../profiling-jobs/leased-job.fields.js';

export const verificationJobResolvers: Resolvers = {
  Organization: {
    verificationJobs: async (organization, args, ctx) => ctx.services.verificationJobs.list(await scopeIn(ctx, organization.id), args),
    verificationJob: async (organization, { id }, ctx) => ctx.services.verificationJobs.get(await scopeIn(ctx, organization.id), id),
  },
  Proposal: {
    // The proposal was reached through its set's organization; its measurements are that organization's rows.
    measurements: async ({ proposal, set }, _args, ctx) =>
      (await ctx.loaders.proposalMeasurements.load({ organizationId: set.organizationId, id: set.id })).filter((m) => m.rank === proposal.rank),
  },
  ProposalMeasurement: {
    measured: (measurement) => measurement.measuredDelta,
  },
  // The job was reached through its organization; these read that organization's rows (the device profile as it may see it).
  VerificationJob: {
    proposalSet: async (job, _args, ctx) => {
      const set = await ctx.services.proposalSets.byId(job, job.proposalSetId);
      if (!set) throw notFound('Proposal set');
      return set;
    },
    deviceProfile: async (job, _args, ctx) => ctx.services.deviceProfiles.findVisible(job, job.deviceProfileId),
    modelSpec: (job, _args, ctx) => jobModelSpec(job, ctx.loaders),
    agent: (job, _args, ctx) => jobAgent(job, ctx.loaders),
    measurements: (job, _args, ctx) => ctx.services.verificationJobs.measurementsOfJob(job),
  },
  Mutation: {
    verifyProposalSet: async (_root, { input }, ctx) => ctx.services.verificationJobs.verify(await scopeIn(ctx, input.organizationId), input),
    leaseVerificationJob: async (_root, { input }, ctx) => ctx.services.verificationJobs.lease(await scopeIn(ctx, input.organizationId), input, ctx.now),
    reportVerificationProgress: async (_root, { input }, ctx) =>
      ctx.services.verificationJobs.reportProgress(await scopeIn(ctx, input.organizationId), input, ctx.now),
    completeVerificationJob: async (_root, { input }, ctx) =>
      ctx.services.verificationJobs.complete(await scopeIn(ctx, input.organizationId), input, ctx.now),
    failVerificationJob: async (_root, { input }, ctx) => ctx.services.verificationJobs.fail(await scopeIn(ctx, input.organizationId), input, ctx.now),
  },
};
