import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AcceptInvitationDocument,
  CreateInvitationDocument,
  CreateProjectDocument,
  MembersDocument,
  ProjectsDocument,
  RemoveMembershipDocument,
  UpdateMembershipRoleDocument,
} from '../client/generated.js';
import type { Role } from '../client/generated.js';
import { errorOf } from './support/client.js';
import { createApiToken, createOrganization, signUp } from './support/fixtures.js';
import type { OrgFixture, SignedUp } from './support/fixtures.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

// With the response cache on (the default): every answer below must reflect the change made just before.
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

async function invite(org: OrgFixture, role: Role): Promise<SignedUp & { membershipId: string }> {
  const person = await signUp(t.client, role.toLowerCase());
  const { createInvitation } = await org.owner.client.data(CreateInvitationDocument, { input: { organizationId: org.id, email: person.email, role } });
  await person.client.data(AcceptInvitationDocument, { input: { token: createInvitation.token } });
  const { organization } = await org.owner.client.data(MembersDocument, { slug: org.slug, first: 100 });
  return { ...person, membershipId: organization.members.nodes.find((m) => m.user.id === person.userId)!.id };
}

const readProjects = (token: string, org: OrgFixture) => t.client.as(token).request(ProjectsDocument, { slug: org.slug });

describe('API tokens end with their creator’s standing', () => {
  it('revokes an admin’s tokens when the admin is removed, and keeps the owner’s', async () => {
    const org = await createOrganization(t.client, 'tokens');
    const admin = await invite(org, 'ADMIN');
    const adminToken = await createApiToken(admin.client, org.id, ['READ']);
    const ownerToken = await createApiToken(org.owner.client, org.id, ['READ']);
    expect((await readProjects(adminToken, org)).errors).toBeUndefined();
    await org.owner.client.data(RemoveMembershipDocument, { input: { organizationId: org.id, membershipId: admin.membershipId } });
    expect(errorOf(await readProjects(adminToken, org)).code).toBe('UNAUTHENTICATED');
    expect((await readProjects(ownerToken, org)).errors).toBeUndefined();
  });

  it('revokes them when the creator is demoted below admin (promoting again does not bring them back)', async () => {
    const org = await createOrganization(t.client, 'demoted');
    const admin = await invite(org, 'ADMIN');
    const token = await createApiToken(admin.client, org.id, ['READ']);
    await org.owner.client.data(UpdateMembershipRoleDocument, { input: { organizationId: org.id, membershipId: admin.membershipId, role: 'MEMBER' } });
    expect(errorOf(await readProjects(token, org)).code).toBe('UNAUTHENTICATED');
    await org.owner.client.data(UpdateMembershipRoleDocument, { input: { organizationId: org.id, membershipId: admin.membershipId, role: 'ADMIN' } });
    expect(errorOf(await readProjects(token, org)).code).toBe('UNAUTHENTICATED');
  });

  it('stops a token whose creator’s membership vanished behind the API’s back', async () => {
    const org = await createOrganization(t.client, 'vanished');
    const admin = await invite(org, 'ADMIN');
    const token = await createApiToken(admin.client, org.id, ['READ']);
    expect((await readProjects(token, org)).errors).toBeUndefined();
    const client = new pg.Client({ connectionString: t.database.url });
    await client.connect();
    await client.query(`DELETE FROM memberships WHERE id = $1`, [admin.membershipId]);
    await client.end();
    // The NOTIFY of that write empties the cache; give it a moment to arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(errorOf(await readProjects(token, org)).code).toBe('UNAUTHENTICATED');
  });
});

describe('role changes', () => {
  it('take effect on the next request, both ways', async () => {
    const org = await createOrganization(t.client, 'roles');
    const member = await invite(org, 'MEMBER');
    await member.client.data(CreateProjectDocument, { input: { organizationId: org.id, name: 'before' } });
    await org.owner.client.data(UpdateMembershipRoleDocument, { input: { organizationId: org.id, membershipId: member.membershipId, role: 'VIEWER' } });
    expect(errorOf(await member.client.request(CreateProjectDocument, { input: { organizationId: org.id, name: 'after demotion' } })).code).toBe('FORBIDDEN');
    await org.owner.client.data(UpdateMembershipRoleDocument, { input: { organizationId: org.id, membershipId: member.membershipId, role: 'MEMBER' } });
    expect((await member.client.request(CreateProjectDocument, { input: { organizationId: org.id, name: 'after promotion' } })).errors).toBeUndefined();
    await org.owner.client.data(RemoveMembershipDocument, { input: { organizationId: org.id, membershipId: member.membershipId } });
    expect(errorOf(await member.client.request(ProjectsDocument, { slug: org.slug })).code).toBe('NOT_FOUND');
  });
});
