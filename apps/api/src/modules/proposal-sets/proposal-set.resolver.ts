import { scopeIn } from '../../graphql/guards.js';
import { badInput, notFound } from '../../errors.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';
import type { LoopProposal } from '../searches/search-verification.js';
import { exportProposal } from './proposal-export.js';

const pairs = (sites: readonly string[], activations: readonly string[]) =>
  sites.map((site, i) => ({ site, activation: activations[i] ?? '' }));

export const proposalSetResolvers: Resolvers = {
  Project: {
    proposalSets: async (project, args, ctx) => ctx.services.proposalSets.list(await scopeIn(ctx, project.organizationId), project, args),
    latestProposalSet: async (project, _args, ctx) =>
      ctx.services.proposalSets.latest(await scopeIn(ctx, project.organizationId), project, ctx.loaders.latestProposalSet),
    proposalSet: async (project, { version }, ctx) =>
      ctx.services.proposalSets.byVersion(await scopeIn(ctx, project.organizationId), project, version),
    proposalSetDiff: async (project, { from, to }, ctx) =>
      ctx.services.proposalSets.diff(await scopeIn(ctx, project.organizationId), project, from, to),
  },
  ProposalSet: {
    version: (set) => set.version ?? 0,
    draft: (set) => set.version === null,
    status: (set) => set.result.status,
    strategy: (set) => set.result.strategy,
    objective: (set) => set.result.objective,
    budgets: (set) => [...set.result.budgets],
    proposals: (set, { first }) => {
      if (first != null && first < 0) throw badInput(['first'], 'first is a count of proposals, 0 or more');
      const reference = set.result.baselines.find((b) => b.name === 'all-reference')?.activations;
      const proposals = first == null ? set.result.proposals : set.result.proposals.slice(0, Math.max(0, first));
      return proposals.map((proposal) => ({ proposal, sites: set.result.sites, reference, set }));
    },
    proposal: (set, { rank }) => {
      const proposal = set.result.proposals.find((p) => p.rank === rank);
      if (!proposal) return null;
      return { proposal, sites: set.result.sites, reference: set.result.baselines.find((b) => b.name === 'all-reference')?.activations, set };
    },
    baselines: (set) =>
      set.result.baselines.map((b) => ({
        name: b.name,
        available: b.available,
        activations: b.activations ? pairs(set.result.sites, b.activations) : [],
        totals: [...(b.totals ?? [])],
        feasible: b.feasible ?? null,
      })),
    result: (set) => set.result,
    export: async (set, { rank, format }, ctx) => {
      const scope = await scopeIn(ctx, set.organizationId);
      const proposal = set.result.proposals.find((p) => p.rank === rank);
      if (!proposal) throw notFound('Proposal');
      const request = await ctx.loaders.searchRequestOf.load({ organizationId: set.organizationId, id: set.searchRequestId });
      if (!request) throw notFound('Search request');
      const spec = await ctx.services.modelSpecs.get(scope, request.modelSpecId);
      const file = await ctx.services.modelSpecs.content(scope, spec);
      return ctx.exports.run(() => exportProposal(spec, file, set.result, proposal, format, set.version ?? 0));
    },
    searchRequest: async (set, _args, ctx) => {
      // Batched: a page of proposal sets asks for its search requests in one query.
      const request = await ctx.loaders.searchRequestOf.load({ organizationId: set.organizationId, id: set.searchRequestId });
      if (!request) throw notFound('Search request');
      return request;
    },
  },
  Proposal: {
    rank: ({ proposal }) => proposal.rank,
    objective: ({ proposal }) => proposal.objective,
    feasible: ({ proposal }) => proposal.feasible,
    changedSites: ({ proposal }) => proposal.changedSites,
    activations: ({ proposal, sites }) => pairs(sites, proposal.activations),
    changes: ({ proposal, sites, reference }) =>
      pairs(sites, proposal.activations).filter((pair, i) => (reference ? reference[i] !== pair.activation : true)),
    totals: ({ proposal }) => [...proposal.totals],
    measuredFeasible: ({ proposal }) => (proposal as Partial<LoopProposal>).measuredFeasible ?? null,
    measuredObjective: ({ proposal }) => (proposal as Partial<LoopProposal>).measuredObjective ?? null,
    verifiedRound: ({ proposal }) => ((proposal as Partial<LoopProposal>).measuredFeasible === undefined ? null : ((proposal as Partial<LoopProposal>).round ?? null)),
  },
  MetricTotal: {
    deviceProfileId: (total) => total.device ?? null,
  },
  MetricDelta: {
    deviceProfileId: (delta) => delta.device,
  },
};
