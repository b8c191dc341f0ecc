import { BUILTIN_MODEL_NAMES } from '@actnas/core';
import { scopeIn } from '../../graphql/guards.js';
import { modelFilePath } from './model-file.route.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';

export const modelSpecResolvers: Resolvers = {
  Query: {
    builtinModelNames: () => [...BUILTIN_MODEL_NAMES],
  },
  Organization: {
    modelSpecs: async (organization, args, ctx) => ctx.services.modelSpecs.list(await scopeIn(ctx, organization.id), args),
    modelSpec: async (organization, { id }, ctx) => ctx.services.modelSpecs.get(await scopeIn(ctx, organization.id), id),
  },
  ModelSpec: {
    sha256: (spec) => spec.blobSha256,
    downloadPath: (spec) => (spec.blobSha256 ? modelFilePath(spec) : null),
    siteCount: (spec) => spec.sites.length,
  },
  Mutation: {
    registerBuiltinModelSpec: async (_root, { input }, ctx) =>
      ctx.services.modelSpecs.registerBuiltin(await scopeIn(ctx, input.organizationId), input),
    uploadModelSpec: async (_root, { input }, ctx) => ctx.services.modelSpecs.upload(await scopeIn(ctx, input.organizationId), input),
  },
};
