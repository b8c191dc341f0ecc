import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivationKindsDocument, CreateDeviceProfileDocument, DeviceProfileDocument, UpdateDeviceProfileDocument } from '../client/generated.js';
import { errorOf } from './support/client.js';
import { createOrganization, deviceProfileInput } from './support/fixtures.js';
import type { OrgFixture } from './support/fixtures.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

let t: TestServer;
let org: OrgFixture;

beforeAll(async () => {
  t = await startTestServer();
  org = await createOrganization(t.client, 'edits');
});
afterAll(async () => {
  await t?.close();
});

describe('device profile edits', () => {
  it('lists every activation kind a profile may fuse, anonymously', async () => {
    const { activationKinds } = await t.client.data(ActivationKindsDocument);
    expect(activationKinds.slice(0, 5).map((k) => k.id)).toEqual(['relu', 'silu', 'hardswish', 'relu6', 'leakyrelu']);
    expect(activationKinds).toContainEqual({ id: 'hardsigmoid', label: 'Hardsigmoid' });
  });

  it('round-trips every field: a full update stores what it sends, null clears the optional ones, omitted ones stay', async () => {
    const client = org.owner.client;
    const { createDeviceProfile } = await client.data(CreateDeviceProfileDocument, { input: deviceProfileInput(org.id, { accelerator: 'NPU', fusedActivations: ['relu', 'relu6', 'hardsigmoid'] }) });
    const id = createDeviceProfile.id;
    const read = async () => (await client.data(DeviceProfileDocument, { slug: org.slug, id })).organization.deviceProfile;
    const stored = await read();
    expect(stored).toMatchObject({ accelerator: 'NPU', memoryLimitKb: 524_288, fusedActivations: ['relu', 'relu6', 'hardsigmoid'] });

    const full = { name: 'Renamed', processor: 'Cortex-A78', accelerator: null, runtime: 'tflite', runtimeVersion: '2.17', threads: 2, inputSize: 320, memoryLimitKb: null, fusedActivations: ['ReLU', 'HardSigmoid'] };
    await client.data(UpdateDeviceProfileDocument, { input: { organizationId: org.id, id, ...full } });
    expect(await read()).toMatchObject({ ...full, fusedActivations: ['relu', 'hardsigmoid'] });

    await client.data(UpdateDeviceProfileDocument, { input: { organizationId: org.id, id, accelerator: '', fusedActivations: [] } });
    expect(await read()).toMatchObject({ name: 'Renamed', accelerator: null, threads: 2, fusedActivations: [] });

    await client.data(UpdateDeviceProfileDocument, { input: { organizationId: org.id, id, name: null, threads: null } });
    expect(await read()).toMatchObject({ name: 'Renamed', threads: 2 });

    const unknown = await client.request(UpdateDeviceProfileDocument, { input: { organizationId: org.id, id, fusedActivations: ['relu', 'Sigmoid'] } });
    expect(errorOf(unknown)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'fusedActivations', 1] });
  });
});
