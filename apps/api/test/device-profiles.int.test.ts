import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateDeviceProfileDocument,
  DeleteDeviceProfileDocument,
  DeviceProfileDocument,
  DeviceProfilesDocument,
  PublicDeviceProfilesDocument,
  SetDeviceProfileVisibilityDocument,
  SharedDeviceProfilesDocument,
  UpdateDeviceProfileDocument,
} from '../client/generated.js';
import { errorOf } from './support/client.js';
import { createApiToken, createDeviceProfile, createOrganization, deviceProfileInput } from './support/fixtures.js';
import type { OrgFixture } from './support/fixtures.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

let t: TestServer;
let owner: OrgFixture;
let partner: OrgFixture;
let outsider: OrgFixture;
beforeAll(async () => {
  t = await startTestServer();
  [owner, partner, outsider] = await Promise.all([
    createOrganization(t.client, 'owner'),
    createOrganization(t.client, 'partner'),
    createOrganization(t.client, 'outsider'),
  ]);
});
afterAll(async () => {
  await t?.close();
});

describe('device profiles', () => {
  it('creates a private profile with normalised fused activations', async () => {
    const { createDeviceProfile } = await owner.owner.client.data(CreateDeviceProfileDocument, {
      input: deviceProfileInput(owner.id, { name: 'pi5', fusedActivations: ['ReLU', 'relu', 'ReLU6'] }),
    });
    expect(createDeviceProfile).toMatchObject({
      name: 'pi5',
      visibility: 'PRIVATE',
      editable: true,
      fusedActivations: ['relu', 'relu6'],
      owner: { id: owner.id },
      sharedWith: [],
    });
    const { organization } = await owner.owner.client.data(DeviceProfilesDocument, { slug: owner.slug });
    expect(organization.deviceProfiles.nodes.map((p) => p.id)).toContain(createDeviceProfile.id);
  });

  it('rejects invalid fields with their path', async () => {
    const cases = [
      [{ fusedActivations: ['relu', 'warp-drive'] }, ['input', 'fusedActivations', 1]],
      [{ inputSize: 641 }, ['input', 'inputSize']],
      [{ threads: 0 }, ['input', 'threads']],
      [{ name: '  ' }, ['input', 'name']],
    ] as const;
    for (const [override, field] of cases) {
      const response = await owner.owner.client.request(CreateDeviceProfileDocument, {
        input: deviceProfileInput(owner.id, override as never),
      });
      expect(errorOf(response), JSON.stringify(override)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('shares read-only with named organizations and hides it from the rest', async () => {
    const id = await createDeviceProfile(owner.owner.client, owner.id);
    const hiddenBefore = errorOf(await partner.owner.client.request(DeviceProfileDocument, { slug: partner.slug, id }));
    expect(hiddenBefore).toEqual({ code: 'NOT_FOUND', message: 'Device profile not found' });

    const { setDeviceProfileVisibility } = await owner.owner.client.data(SetDeviceProfileVisibilityDocument, {
      input: { organizationId: owner.id, id, visibility: 'SHARED', sharedWith: [partner.slug] },
    });
    expect(setDeviceProfileVisibility.sharedWith).toEqual([{ id: partner.id, slug: partner.slug }]);

    const seen = await partner.owner.client.data(DeviceProfileDocument, { slug: partner.slug, id });
    expect(seen.organization.deviceProfile).toMatchObject({ id, editable: false, sharedWith: null, owner: { slug: owner.slug } });
    const listed = await partner.owner.client.data(SharedDeviceProfilesDocument, { slug: partner.slug });
    expect(listed.organization.sharedDeviceProfiles.nodes.map((p) => p.id)).toEqual([id]);

    const edit = await partner.owner.client.request(UpdateDeviceProfileDocument, { input: { organizationId: partner.id, id, threads: 1 } });
    expect(errorOf(edit).code).toBe('FORBIDDEN');
    const del = await partner.owner.client.request(DeleteDeviceProfileDocument, { input: { organizationId: partner.id, id } });
    expect(errorOf(del).code).toBe('FORBIDDEN');

    const hidden = errorOf(await outsider.owner.client.request(DeviceProfileDocument, { slug: outsider.slug, id }));
    const missing = errorOf(
      await outsider.owner.client.request(DeviceProfileDocument, { slug: outsider.slug, id: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(hidden).toEqual(missing);
    const outsiderEdit = await outsider.owner.client.request(UpdateDeviceProfileDocument, {
      input: { organizationId: outsider.id, id, threads: 1 },
    });
    expect(errorOf(outsiderEdit).code).toBe('NOT_FOUND');

    await owner.owner.client.data(SetDeviceProfileVisibilityDocument, { input: { organizationId: owner.id, id, visibility: 'PRIVATE' } });
    expect(errorOf(await partner.owner.client.request(DeviceProfileDocument, { slug: partner.slug, id })).code).toBe('NOT_FOUND');
  });

  it('names unknown share targets by index', async () => {
    const id = await createDeviceProfile(owner.owner.client, owner.id);
    const response = await owner.owner.client.request(SetDeviceProfileVisibilityDocument, {
      input: { organizationId: owner.id, id, visibility: 'SHARED', sharedWith: [partner.slug, 'no-such-org'] },
    });
    expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'sharedWith', 1] });
    const empty = await owner.owner.client.request(SetDeviceProfileVisibilityDocument, {
      input: { organizationId: owner.id, id, visibility: 'SHARED', sharedWith: [] },
    });
    expect(errorOf(empty)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'sharedWith'] });
  });

  it('publishes to the public catalog, readable anonymously and by any organization', async () => {
    const id = await createDeviceProfile(owner.owner.client, owner.id);
    await owner.owner.client.data(SetDeviceProfileVisibilityDocument, { input: { organizationId: owner.id, id, visibility: 'PUBLIC' } });
    const { publicDeviceProfiles } = await t.client.data(PublicDeviceProfilesDocument, {});
    const entry = publicDeviceProfiles.nodes.find((p) => p.id === id);
    expect(entry).toMatchObject({ editable: false, sharedWith: null });
    const viaOutsider = await outsider.owner.client.data(DeviceProfileDocument, { slug: outsider.slug, id });
    expect(viaOutsider.organization.deviceProfile.id).toBe(id);
  });

  it('lets a devices:write token create and edit, but not a read token', async () => {
    const writer = t.client.as(await createApiToken(owner.owner.client, owner.id, ['DEVICES_WRITE']));
    const reader = t.client.as(await createApiToken(owner.owner.client, owner.id, ['READ']));
    const { createDeviceProfile } = await writer.data(CreateDeviceProfileDocument, { input: deviceProfileInput(owner.id) });
    const updated = await writer.data(UpdateDeviceProfileDocument, {
      input: { organizationId: owner.id, id: createDeviceProfile.id, threads: 2, accelerator: 'NPU' },
    });
    expect(updated.updateDeviceProfile).toMatchObject({ threads: 2, accelerator: 'NPU' });
    const denied = await reader.request(CreateDeviceProfileDocument, { input: deviceProfileInput(owner.id) });
    expect(errorOf(denied).code).toBe('FORBIDDEN');
  });
});
