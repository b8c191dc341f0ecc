import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AcceptInvitationDocument,
  CostTableDocument,
  CreateInvitationDocument,
  DeleteDeviceProfileDocument,
  PublishCostTableDocument,
  RegisterBuiltinModelSpecDocument,
} from '../client/generated.js';
import type { Role } from '../client/generated.js';
import { exampleTable } from './support/examples.js';
import { createDeviceProfile, createOrganization, signUp } from './support/fixtures.js';
import type { OrgFixture, SignedUp } from './support/fixtures.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

let t: TestServer;
let org: OrgFixture;
let member: SignedUp;
let admin: SignedUp;
beforeAll(async () => {
  t = await startTestServer({ searchWorkers: 0 });
  org = await createOrganization(t.client, 'delete');
  const invite = async (role: Role): Promise<SignedUp> => {
    const person = await signUp(t.client, role.toLowerCase());
    const { createInvitation } = await org.owner.client.data(CreateInvitationDocument, { input: { organizationId: org.id, email: person.email, role } });
    await person.client.data(AcceptInvitationDocument, { input: { token: createInvitation.token } });
    return person;
  };
  member = await invite('MEMBER');
  admin = await invite('ADMIN');
});
afterAll(async () => {
  await t?.close();
});

const remove = (who: SignedUp, id: string) => who.client.request(DeleteDeviceProfileDocument, { input: { organizationId: org.id, id } });

describe('deleting a device profile', () => {
  it('needs ADMIN', async () => {
    const id = await createDeviceProfile(member.client, org.id);
    expect((await remove(member, id)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await admin.client.data(DeleteDeviceProfileDocument, { input: { organizationId: org.id, id } })).deleteDeviceProfile).toBe(id);
  });

  it('is refused, with the counts of what would go, while the profile has published tables; they stay readable', async () => {
    const id = await createDeviceProfile(member.client, org.id);
    const { registerBuiltinModelSpec } = await member.client.data(RegisterBuiltinModelSpecDocument, { input: { organizationId: org.id, builtinName: 'yolov5nu', name: 'spec-for-delete' } });
    const { publishCostTable } = await member.client.data(PublishCostTableDocument, {
      input: { organizationId: org.id, deviceProfileId: id, modelSpecId: registerBuiltinModelSpec.id, metric: 'LATENCY', format: 'CSV', content: await exampleTable('latency') },
    });
    const refused = (await remove(org.owner, id)).errors?.[0];
    expect(refused).toMatchObject({ extensions: { code: 'CONFLICT', field: ['input', 'id'], costTables: 1, profilingJobs: 0 } });
    expect(refused?.message).toMatch(/1 published cost table/);
    const { organization } = await member.client.data(CostTableDocument, { slug: org.slug, id: publishCostTable.id });
    expect(organization.costTable.id).toBe(publishCostTable.id);
  });
});
