import { scopeIn } from '../../graphql/guards.js';
import type { OrgScope } from '../../auth/policy.js';
import type { Context } from '../../graphql/context.js';
import { notFound } from '../../errors.js';
import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { activationKinds } from './device-profile.service.js';

/** The caller's scope in the profile's owner organization, if it belongs there. */
async function ownerScope(ctx: Context, organizationId: string): Promise<OrgScope | null> {
  if (ctx.actor.kind !== 'user' && ctx.actor.kind !== 'token') return null;
  return scopeIn(ctx, organizationId).catch(() => null);
}

export const deviceProfileResolvers: Resolvers = {
  Query: {
    publicDeviceProfiles: (_root, args, ctx) => ctx.services.deviceProfiles.listPublic(args),
    activationKinds: () => activationKinds(),
  },
  Organization: {
    deviceProfiles: async (organization, args, ctx) =>
      ctx.services.deviceProfiles.listOwned(await scopeIn(ctx, organization.id), args),
    sharedDeviceProfiles: async (organization, args, ctx) =>
      ctx.services.deviceProfiles.listSharedWith(await scopeIn(ctx, organization.id), args),
    deviceProfile: async (organization, { id }, ctx) =>
      ctx.services.deviceProfiles.getVisible(await scopeIn(ctx, organization.id), id),
  },
  DeviceProfile: {
    owner: async (profile, _args, ctx) => {
      const organization = await ctx.loaders.organizationById.load(profile.organizationId);
      if (!organization) throw notFound('Organization');
      return organization;
    },
    sharedWith: async (profile, _args, ctx) => {
      const scope = await ownerScope(ctx, profile.organizationId);
      return scope ? ctx.services.deviceProfiles.sharedWith(scope, profile) : null;
    },
    editable: async (profile, _args, ctx) =>
      (await ownerScope(ctx, profile.organizationId))?.permissions.has('devices:write') ?? false,
  },
  Mutation: {
    createDeviceProfile: async (_root, { input }, ctx) =>
      ctx.services.deviceProfiles.create(await scopeIn(ctx, input.organizationId), input),
    updateDeviceProfile: async (_root, { input }, ctx) =>
      ctx.services.deviceProfiles.update(await scopeIn(ctx, input.organizationId), input),
    setDeviceProfileVisibility: async (_root, { input }, ctx) =>
      ctx.services.deviceProfiles.setVisibility(await scopeIn(ctx, input.organizationId), input),
    deleteDeviceProfile: async (_root, { input }, ctx) =>
      ctx.services.deviceProfiles.delete(await scopeIn(ctx, input.organizationId), input),
  },
};
