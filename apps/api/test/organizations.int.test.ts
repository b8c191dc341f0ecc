import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AcceptInvitationDocument,
  ApiTokensDocument,
  AuditEventsDocument,
  CreateApiTokenDocument,
  CreateInvitationDocument,
  CreateOrganizationDocument,
  CreateProjectDocument,
  InvitationsDocument,
  MembersDocument,
  OrganizationDocument,
  OrganizationsDocument,
  ProjectsDocument,
  RemoveMembershipDocument,
  RevokeApiTokenDocument,
  RevokeInvitationDocument,
  UpdateMembershipRoleDocument,
  UpdateOrganizationDocument,
} from '../client/generated.js';
import type { Role } from '../client/generated.js';
import { errorOf } from './support/client.js';
import { createOrganization, signUp } from './support/fixtures.js';
import type { OrgFixture, SignedUp } from './support/fixtures.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

async function invite(org: OrgFixture, role: Role, by = org.owner): Promise<SignedUp & { membershipId: string }> {
  const person = await signUp(t.client, role.toLowerCase());
  const { createInvitation } = await by.client.data(CreateInvitationDocument, {
    input: { organizationId: org.id, email: person.email, role },
  });
  await person.client.data(AcceptInvitationDocument, { input: { token: createInvitation.token } });
  const { organization } = await org.owner.client.data(MembersDocument, { slug: org.slug, first: 100 });
  const membership = organization.members.nodes.find((m) => m.user.id === person.userId)!;
  return { ...person, membershipId: membership.id };
}

describe('organizations', () => {
  it('creates an organization with its creator as owner and lists it', async () => {
    const org = await createOrganization(t.client, 'acme');
    const { organization } = await org.owner.client.data(OrganizationDocument, { slug: org.slug });
    expect(organization).toMatchObject({ id: org.id, slug: org.slug, viewerRole: 'OWNER' });
    const { organizations } = await org.owner.client.data(OrganizationsDocument, {});
    expect(organizations.edges.map((e) => e.node.id)).toEqual([org.id]);

    const taken = await org.owner.client.request(CreateOrganizationDocument, { input: { name: 'x', slug: org.slug } });
    expect(errorOf(taken).code).toBe('CONFLICT');
    const badSlug = await org.owner.client.request(CreateOrganizationDocument, { input: { name: 'x', slug: 'No Spaces' } });
    expect(errorOf(badSlug)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'slug'] });
  });

  it('paginates with opaque cursors and no overlap', async () => {
    const org = await createOrganization(t.client, 'pages');
    for (let i = 0; i < 5; i++) {
      await org.owner.client.data(CreateProjectDocument, { input: { organizationId: org.id, name: `p${i}` } });
    }
    const first = await org.owner.client.data(ProjectsDocument, { slug: org.slug, first: 2 });
    expect(first.organization.projects.pageInfo.hasNextPage).toBe(true);
    const seen = first.organization.projects.edges.map((e) => e.node.name);
    let after = first.organization.projects.pageInfo.endCursor;
    while (after) {
      const page = await org.owner.client.data(ProjectsDocument, { slug: org.slug, first: 2, after });
      seen.push(...page.organization.projects.edges.map((e) => e.node.name));
      after = page.organization.projects.pageInfo.hasNextPage ? page.organization.projects.pageInfo.endCursor : null;
    }
    expect(seen).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    const bad = await org.owner.client.request(ProjectsDocument, { slug: org.slug, after: 'not-a-cursor' });
    expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['after'] });
    const tooMany = await org.owner.client.request(ProjectsDocument, { slug: org.slug, first: 1000 });
    expect(errorOf(tooMany).code).toBe('BAD_USER_INPUT');
  });
});

describe('invitations and roles', () => {
  it('invites by token, bound to the invitee email, usable once', async () => {
    const org = await createOrganization(t.client, 'inv');
    const invitee = await signUp(t.client, 'invitee');
    const stranger = await signUp(t.client, 'stranger');
    const { createInvitation } = await org.owner.client.data(CreateInvitationDocument, {
      input: { organizationId: org.id, email: invitee.email, role: 'MEMBER' },
    });
    expect(createInvitation.token).toMatch(/^actnas_inv_/);

    const wrongPerson = await stranger.client.request(AcceptInvitationDocument, { input: { token: createInvitation.token } });
    expect(errorOf(wrongPerson).code).toBe('NOT_FOUND');
    const { acceptInvitation } = await invitee.client.data(AcceptInvitationDocument, { input: { token: createInvitation.token } });
    expect(acceptInvitation).toMatchObject({ id: org.id, viewerRole: 'MEMBER' });
    const again = await invitee.client.request(AcceptInvitationDocument, { input: { token: createInvitation.token } });
    expect(errorOf(again)).toEqual(errorOf(wrongPerson));

    const { organization } = await org.owner.client.data(InvitationsDocument, { slug: org.slug });
    expect(organization.invitations.nodes[0]).toMatchObject({ email: invitee.email, role: 'MEMBER' });
    expect(organization.invitations.nodes[0]!.acceptedAt).not.toBeNull();
  });

  it('revoked invitations cannot be accepted', async () => {
    const org = await createOrganization(t.client, 'rev');
    const invitee = await signUp(t.client, 'invitee');
    const { createInvitation } = await org.owner.client.data(CreateInvitationDocument, {
      input: { organizationId: org.id, email: invitee.email, role: 'VIEWER' },
    });
    await org.owner.client.data(RevokeInvitationDocument, { input: { organizationId: org.id, id: createInvitation.invitation.id } });
    const accepted = await invitee.client.request(AcceptInvitationDocument, { input: { token: createInvitation.token } });
    expect(errorOf(accepted).code).toBe('NOT_FOUND');
  });

  it('enforces roles: viewers read, members write, admins manage, owners own', async () => {
    const org = await createOrganization(t.client, 'roles');
    const viewer = await invite(org, 'VIEWER');
    const member = await invite(org, 'MEMBER');
    const admin = await invite(org, 'ADMIN');

    expect((await viewer.client.data(ProjectsDocument, { slug: org.slug })).organization.projects.edges).toEqual([]);
    const viewerWrite = await viewer.client.request(CreateProjectDocument, { input: { organizationId: org.id, name: 'v' } });
    expect(errorOf(viewerWrite).code).toBe('FORBIDDEN');
    await member.client.data(CreateProjectDocument, { input: { organizationId: org.id, name: 'm' } });

    const memberInvites = await member.client.request(CreateInvitationDocument, {
      input: { organizationId: org.id, email: 'x@example.test', role: 'VIEWER' },
    });
    expect(errorOf(memberInvites).code).toBe('FORBIDDEN');
    const memberRename = await member.client.request(UpdateOrganizationDocument, { input: { organizationId: org.id, name: 'n' } });
    expect(errorOf(memberRename).code).toBe('FORBIDDEN');
    await admin.client.data(UpdateOrganizationDocument, { input: { organizationId: org.id, name: 'Renamed' } });

    const promote = await admin.client.data(UpdateMembershipRoleDocument, {
      input: { organizationId: org.id, membershipId: viewer.membershipId, role: 'MEMBER' },
    });
    expect(promote.updateMembershipRole.role).toBe('MEMBER');
    const adminMakesOwner = await admin.client.request(UpdateMembershipRoleDocument, {
      input: { organizationId: org.id, membershipId: member.membershipId, role: 'OWNER' },
    });
    expect(errorOf(adminMakesOwner).code).toBe('FORBIDDEN');
    const adminInvitesOwner = await admin.client.request(CreateInvitationDocument, {
      input: { organizationId: org.id, email: 'o@example.test', role: 'OWNER' },
    });
    expect(errorOf(adminInvitesOwner).code).toBe('FORBIDDEN');
  });

  it('keeps the last owner, lets members leave and admins remove', async () => {
    const org = await createOrganization(t.client, 'owners');
    const member = await invite(org, 'MEMBER');
    const admin = await invite(org, 'ADMIN');
    const { organization } = await org.owner.client.data(MembersDocument, { slug: org.slug });
    const ownerMembership = organization.members.nodes.find((m) => m.role === 'OWNER')!;

    const demote = await org.owner.client.request(UpdateMembershipRoleDocument, {
      input: { organizationId: org.id, membershipId: ownerMembership.id, role: 'ADMIN' },
    });
    expect(errorOf(demote).code).toBe('CONFLICT');
    const leave = await org.owner.client.request(RemoveMembershipDocument, {
      input: { organizationId: org.id, membershipId: ownerMembership.id },
    });
    expect(errorOf(leave).code).toBe('CONFLICT');
    const adminRemovesOwner = await admin.client.request(RemoveMembershipDocument, {
      input: { organizationId: org.id, membershipId: ownerMembership.id },
    });
    expect(errorOf(adminRemovesOwner).code).toBe('FORBIDDEN');

    await member.client.data(RemoveMembershipDocument, { input: { organizationId: org.id, membershipId: member.membershipId } });
    const gone = await member.client.request(OrganizationDocument, { slug: org.slug });
    expect(errorOf(gone).code).toBe('NOT_FOUND');
  });
});

describe('API tokens', () => {
  it('shows the secret once, stores its hash, honours scopes, expiry and revocation', async () => {
    const org = await createOrganization(t.client, 'tokens');
    const { createApiToken } = await org.owner.client.data(CreateApiTokenDocument, {
      input: { organizationId: org.id, name: 'ci', scopes: ['READ'] },
    });
    const { secret, apiToken } = createApiToken;
    expect(secret.startsWith(apiToken.prefix)).toBe(true);
    const stored = await t.server.dataSource.query<{ secret_hash: string }[]>('SELECT secret_hash FROM api_tokens WHERE id = $1', [
      apiToken.id,
    ]);
    expect(stored[0]!.secret_hash).not.toContain(secret);

    const ci = t.client.as(secret);
    expect((await ci.data(OrganizationDocument, { slug: org.slug })).organization.viewerRole).toBeNull();
    expect((await ci.data(ProjectsDocument, { slug: org.slug })).organization.projects.edges).toEqual([]);
    const write = await ci.request(CreateProjectDocument, { input: { organizationId: org.id, name: 'x' } });
    expect(errorOf(write).code).toBe('FORBIDDEN');
    const mint = await ci.request(CreateApiTokenDocument, { input: { organizationId: org.id, name: 'x', scopes: ['READ'] } });
    expect(errorOf(mint).code).toBe('FORBIDDEN');

    const { organization } = await org.owner.client.data(ApiTokensDocument, { slug: org.slug });
    expect(organization.apiTokens.nodes[0]).toMatchObject({ id: apiToken.id, scopes: ['READ'] });
    expect(organization.apiTokens.nodes[0]!.lastUsedAt).not.toBeNull();

    await org.owner.client.data(RevokeApiTokenDocument, { input: { organizationId: org.id, id: apiToken.id } });
    expect(errorOf(await ci.request(OrganizationDocument, { slug: org.slug })).code).toBe('UNAUTHENTICATED');

    const past = await org.owner.client.request(CreateApiTokenDocument, {
      input: { organizationId: org.id, name: 'old', scopes: ['READ'], expiresAt: '2000-01-01T00:00:00.000Z' },
    });
    expect(errorOf(past)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'expiresAt'] });
    const none = await org.owner.client.request(CreateApiTokenDocument, { input: { organizationId: org.id, name: 'n', scopes: [] } });
    expect(errorOf(none)).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'scopes'] });
  });

  it('expired tokens are refused', async () => {
    const org = await createOrganization(t.client, 'expiry');
    const { createApiToken } = await org.owner.client.data(CreateApiTokenDocument, {
      input: { organizationId: org.id, name: 'short', scopes: ['READ'], expiresAt: new Date(Date.now() + 60_000).toISOString() },
    });
    await t.server.dataSource.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      createApiToken.apiToken.id,
    ]);
    const response = await t.client.as(createApiToken.secret).request(OrganizationDocument, { slug: org.slug });
    expect(errorOf(response).code).toBe('UNAUTHENTICATED');
  });
});

describe('audit events', () => {
  it('records who did what, newest first, for admins only', async () => {
    const org = await createOrganization(t.client, 'audit');
    const member = await invite(org, 'MEMBER');
    await member.client.data(CreateProjectDocument, { input: { organizationId: org.id, name: 'audited' } });
    const { organization } = await org.owner.client.data(AuditEventsDocument, { slug: org.slug });
    const [latest] = organization.auditEvents.nodes;
    expect(latest).toMatchObject({ action: 'project.create', targetType: 'project', actor: { user: { id: member.userId } } });
    expect(organization.auditEvents.nodes.map((e) => e.action)).toEqual([
      'project.create',
      'invitation.accept',
      'invitation.create',
      'organization.create',
    ]);
    expect(errorOf(await member.client.request(AuditEventsDocument, { slug: org.slug })).code).toBe('FORBIDDEN');
  });
});
