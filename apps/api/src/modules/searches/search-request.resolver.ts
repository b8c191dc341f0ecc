import { scopeIn } from '../../graphql/guards.js';
import { notFound } from '../../errors.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { initialVerification } from './search-verification.js';

export const searchRequestResolvers: Resolvers = {
  MetricRef: {
    deviceProfileId: (ref) => ref.device ?? null,
  },
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
  SearchVerification: {
    rounds: ({ verify }) => verify.rounds,
    round: ({ state }) => state.round,
    deviceProfileId: ({ verify }) => verify.deviceProfileId,
    deviceProfile: async ({ request, verify }, _args, ctx) => {
      await scopeIn(ctx, request.organizationId);
      return ctx.services.deviceProfiles.findVisible(request, verify.deviceProfileId).catch(() => null);
    },
    ranks: ({ verify }) => (verify.ranks ? [...verify.ranks] : null),
    history: ({ request, state }) => state.rounds.map((round) => ({ request, round })),
    jobs: async ({ request, state }, _args, ctx) => {
      const scope = await scopeIn(ctx, request.organizationId);
      return Promise.all(state.rounds.flatMap((r) => (r.jobId ? [ctx.services.verificationJobs.get(scope, r.jobId)] : [])));
    },
    stoppedBy: ({ state }) => state.stoppedBy,
    met: ({ state }) => (state.stoppedBy === null ? null : (state.met ?? state.stoppedBy === 'met')),
    missed: ({ state }) => [...state.missed],
  },
  SearchVerificationRound: {
    round: ({ round }) => round.round,
    budgets: ({ round }) => [...round.budgets],
    status: ({ round }) => round.status,
    proposals: ({ round }) => round.ranks.length,
    measured: ({ round }) => round.measuredRanks.length,
    measuredFeasible: ({ round }) => round.measuredFeasible,
    verificationJob: async ({ request, round }, _args, ctx) => (round.jobId ? ctx.services.verificationJobs.get(await scopeIn(ctx, request.organizationId), round.jobId) : null),
    tightened: ({ round }) => [...round.tightened],
  },
  SearchRequest: {
    verification: (request) => {
      const verify = request.spec.verify;
      if (!verify) return null;
      return { request, verify, state: request.verification ?? initialVerification(request.spec.budgets) };
    },
    error: (request) => (request.errorCode ? { code: request.errorCode, message: request.errorMessage ?? '' } : null),
    strategy: (request) => request.spec.strategy,
    k: (request) => request.spec.k,
    spec: (request) => request.spec,
    objective: (request) => {
      const objective = request.spec.objective;
      return objective.sense === 'weighted' ? { sense: objective.sense, metric: null, terms: [...objective.terms] } : { sense: objective.sense, metric: objective.metric, terms: [] };
    },
    // PEAK_MEMORY budgets are kept apart in the spec (they bound live-set rows, not a sum of cells).
    budgets: (request) => [
      ...request.spec.budgets,
      ...(request.spec.peakMemory ?? []).map((peak) => ({ metric: { metric: 'peak_memory' as const, ...(peak.device ? { device: peak.device } : {}) }, bound: 'max' as const, value: peak.maxKB, of: 'total' as const })),
    ],
    diversity: (request) => request.spec.diversity,
    locks: (request) => Object.entries(request.spec.locks).map(([site, activation]) => ({ site, activation })),
    modelSpec: async (request, _args, ctx) => {
      await scopeIn(ctx, request.organizationId);
      const spec = await ctx.loaders.modelSpecOf.load({ organizationId: request.organizationId, id: request.modelSpecId });
      if (!spec) throw notFound('Model spec');
      return spec;
    },
    costTables: async (request, _args, ctx) => {
      await scopeIn(ctx, request.organizationId);
      const tables = await Promise.all(request.costTableIds.map((id) => ctx.loaders.visibleCostTable.load({ organizationId: request.organizationId, id })));
      return tables.filter((table) => table !== null);
    },
    comparisons: async (request, _args, ctx) => ctx.services.searchRequests.comparisonsOf(await scopeIn(ctx, request.organizationId), request.id),
    comparisonOf: async (request, _args, ctx) => {
      if (!request.comparisonOfId) return null;
      await scopeIn(ctx, request.organizationId);
      return ctx.loaders.searchRequestOf.load({ organizationId: request.organizationId, id: request.comparisonOfId });
    },
    project: async (request, _args, ctx) => {
      const project = await ctx.loaders.projectOf.load({ organizationId: request.organizationId, id: request.projectId });
      if (!project) throw notFound('Project');
      return project;
    },
    proposalSet: async (request, _args, ctx) =>
      request.proposalSetId ? ctx.services.proposalSets.byId(await scopeIn(ctx, request.organizationId), request.proposalSetId) : null,
  },
};
