import { costTableToCsv } from '@actnas/core';
import { scopeIn } from '../../graphql/guards.js';
import { badInput, notFound } from '../../errors.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { toCoreTable } from './cost-table.service.js';

export const costTableResolvers: Resolvers = {
  Organization: {
    costTables: async (organization, { deviceProfileId, modelSpecId, metric, ...page }, ctx) => {
      if (metric === 'peak_memory') throw badInput(['metric'], 'PEAK_MEMORY is a budget, not a table metric: filter by MEMORY');
      return ctx.services.costTables.list(await scopeIn(ctx, organization.id), { deviceProfileId, modelSpecId, metric }, page);
    },
    costTable: async (organization, { id }, ctx) => ctx.services.costTables.get(await scopeIn(ctx, organization.id), id),
    costTableCheck: async (organization, { input }, ctx) => ctx.services.costTables.check(await scopeIn(ctx, organization.id), input),
  },
  Mutation: {
    publishCostTable: async (_root, { input }, ctx) => ctx.services.costTables.publish(await scopeIn(ctx, input.organizationId), input),
    setCostTableVisibility: async (_root, { input }, ctx) =>
      ctx.services.costTables.setVisibility(await scopeIn(ctx, input.organizationId), input),
  },
  CostTable: {
    // The table was reached through a visible profile; these look up its owner's rows only.
    deviceProfile: async (table, _args, ctx) => {
      const profile = await ctx.loaders.deviceProfileOf.load({ organizationId: table.organizationId, id: table.deviceProfileId });
      if (!profile) throw notFound('Device profile');
      return profile;
    },
    modelSpecName: async (table, _args, ctx) =>
      (await ctx.loaders.modelSpecOf.load({ organizationId: table.organizationId, id: table.modelSpecId }))?.name ?? '',
    sha256: (table) => table.contentSha256,
    partial: (table) => table.missingSites.length > 0,
    sites: async (table, _args, ctx) => (await ctx.services.costTables.cellsOf(table)).sites,
    cells: async (table, _args, ctx) => (await ctx.services.costTables.cellsOf(table)).cells,
    csv: async (table, _args, ctx) => costTableToCsv(toCoreTable({ ...table, ...(await ctx.services.costTables.cellsOf(table)) }, table.deviceProfileId)),
  },
};
