import { randomUUID } from 'node:crypto';
import { buildGraph, emitOnnx, parseModelYaml } from '@actnas/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateInvitationDocument,
  CreateProfilingJobDocument,
  MembersDocument,
  PublishCostTableDocument,
  RegisterBuiltinModelSpecDocument,
  SubmitSearchDocument,
  SetDeviceProfileVisibilityDocument,
  VerifyProposalSetDocument,
} from '../client/generated.js';
import { buildSchema } from '../src/graphql/schema.js';
import type { Client, GraphQLResponse } from './support/client.js';
import { exampleTable } from './support/examples.js';
import { waitForSearch } from './support/search-fixture.js';
import { createApiToken, createDeviceProfile, createOrganization, createProject, signUp } from './support/fixtures.js';
import type { OrgFixture } from './support/fixtures.js';
import { startTestServer } from './support/server.js';
import type { TestServer } from './support/server.js';

/** The ids an attacker aims at: organization A's real ones, or ids that exist nowhere. */
interface Target {
  readonly orgId: string;
  readonly slug: string;
  readonly projectId: string;
  readonly privateProfileId: string;
  readonly partnerProfileId: string;
  readonly membershipId: string;
  readonly invitationId: string;
  readonly invitationToken: string;
  readonly tokenId: string;
  readonly modelSpecId: string;
  readonly costTableId: string;
  /** A's device profile shared with B, with one table left to follow it and one restricted (PRIVATE). */
  readonly sharedWithBProfileId: string;
  readonly inheritingCostTableId: string;
  readonly restrictedCostTableId: string;
  readonly searchRequestId: string;
  readonly profilingJobId: string;
  readonly proposalSetId: string;
  readonly verificationJobId: string;
  /** An uploaded ONNX spec of A with a profiling job on it (its file is downloadable by A's agents). */
  readonly uploadedSpecId: string;
}
/** The attacker's own organization (B). */
interface Own {
  readonly orgId: string;
  readonly slug: string;
}

interface Case {
  readonly name: string;
  /** The root Query/Mutation field it exercises (coverage is checked against the schema). */
  readonly field: string;
  readonly query: string;
  readonly vars: (target: Target, own: Own) => Record<string, unknown>;
  /** For success-by-design cases (own data, public catalog): what must not leak. */
  readonly allowed?: (response: GraphQLResponse<unknown>, a: Target) => void;
  /** Anonymous callers may use it (the public catalog). */
  readonly anonymousAllowed?: boolean;
}

const viaOrg = (field: string, selection: string): Case => ({
  name: `organization(A).${field}`,
  field: 'organization',
  query: `query($slug: String!) { organization(slug: $slug) { id ${selection} } }`,
  vars: (t) => ({ slug: t.slug }),
});
const viaOwn = (name: string, selection: string, vars: (t: Target) => Record<string, unknown>, params: string): Case => ({
  name: `organization(B).${name}(A's id)`,
  field: 'organization',
  query: `query($slug: String!, ${params}) { organization(slug: $slug) { id ${selection} } }`,
  vars: (t, own) => ({ slug: own.slug, ...vars(t) }),
});
const mutation = (field: string, inputType: string, input: (t: Target, own: Own) => Record<string, unknown>, selection = '', label = ''): Case => ({
  name: `${field}${label}`,
  field,
  query: `mutation($input: ${inputType}!) { ${field}(input: $input) ${selection} }`,
  vars: (t, own) => ({ input: input(t, own) }),
});
const inA = (t: Target) => ({ organizationId: t.orgId });
const inOwn = (_t: Target, own: Own) => ({ organizationId: own.orgId });

const profileFields = {
  name: 'x',
  processor: 'x',
  runtime: 'x',
  runtimeVersion: '1',
  threads: 1,
  inputSize: 320,
};

const tableFields = (t: Target) => ({
  deviceProfileId: t.privateProfileId,
  modelSpecId: t.modelSpecId,
  metric: 'LATENCY',
  format: 'CSV',
  content: 'layer,activation,delta\nmodel.0.act,relu,-1\n',
});

const searchFields = (t: Target) => ({
  projectId: t.projectId,
  modelSpecId: t.modelSpecId,
  costTableIds: [t.costTableId],
  objective: { sense: 'MIN', metric: { metric: 'LATENCY' } },
});

const jobFields = (t: Target) => ({ deviceProfileId: t.privateProfileId, modelSpecId: t.modelSpecId, metrics: ['LATENCY'] });

const cases: readonly Case[] = [
  viaOrg('organization', ''),
  viaOrg('members', 'members { nodes { id } }'),
  viaOrg('invitations', 'invitations { nodes { id } }'),
  viaOrg('apiTokens', 'apiTokens { nodes { id } }'),
  viaOrg('projects', 'projects { nodes { id } }'),
  viaOrg('project', 'project(id: "00000000-0000-4000-8000-000000000000") { id }'),
  viaOrg('deviceProfiles', 'deviceProfiles { nodes { id } }'),
  viaOrg('sharedDeviceProfiles', 'sharedDeviceProfiles { nodes { id } }'),
  viaOrg('auditEvents', 'auditEvents { nodes { id } }'),
  viaOrg('modelSpecs', 'modelSpecs { nodes { id } }'),
  viaOrg('costTables', 'costTables { nodes { id } }'),
  viaOwn('modelSpec', 'modelSpec(id: $id) { id name }', (t) => ({ id: t.modelSpecId }), '$id: ID!'),
  viaOwn('costTable', 'costTable(id: $id) { id csv }', (t) => ({ id: t.costTableId }), '$id: ID!'),
  {
    ...viaOwn('costTables', 'costTables(deviceProfileId: $id) { nodes { id } }', (t) => ({ id: t.privateProfileId }), '$id: ID'),
    allowed: (response, a) => expect(JSON.stringify(response.data)).not.toContain(a.costTableId),
  },
  viaOwn('costTable[restricted, profile shared with B]', 'costTable(id: $id) { id csv }', (t) => ({ id: t.restrictedCostTableId }), '$id: ID!'),
  {
    ...viaOwn('costTables[profile shared with B]', 'costTables(deviceProfileId: $id) { nodes { id } }', (t) => ({ id: t.sharedWithBProfileId }), '$id: ID'),
    allowed: (response, a) => {
      expect(JSON.stringify(response.data)).toContain(a.inheritingCostTableId);
      expect(JSON.stringify(response.data)).not.toContain(a.restrictedCostTableId);
    },
  },
  {
    name: 'organization(B).costTables[all]',
    field: 'organization',
    query: `query($slug: String!) { organization(slug: $slug) { costTables(first: 100) { nodes { id } } } }`,
    vars: (_t, own) => ({ slug: own.slug }),
    allowed: (response, a) => {
      expect(JSON.stringify(response.data)).toContain(a.inheritingCostTableId);
      expect(JSON.stringify(response.data)).not.toContain(a.restrictedCostTableId);
    },
  },
  viaOwn('searchRequest', 'searchRequest(id: $id) { id status }', (t) => ({ id: t.searchRequestId }), '$id: ID!'),
  viaOrg('profilingJobs', 'profilingJobs { nodes { id } }'),
  viaOwn('profilingJob', 'profilingJob(id: $id) { id status }', (t) => ({ id: t.profilingJobId }), '$id: ID!'),
  viaOrg('verificationJobs', 'verificationJobs { nodes { id } }'),
  viaOwn('verificationJob', 'verificationJob(id: $id) { id status }', (t) => ({ id: t.verificationJobId }), '$id: ID!'),
  viaOwn('project', 'project(id: $id) { id name }', (t) => ({ id: t.projectId }), '$id: ID!'),
  viaOwn('deviceProfile', 'deviceProfile(id: $id) { id name }', (t) => ({ id: t.privateProfileId }), '$id: ID!'),
  viaOwn('deviceProfile[shared with someone else]', 'deviceProfile(id: $id) { id }', (t) => ({ id: t.partnerProfileId }), '$id: ID!'),
  {
    name: 'organization(B).sharedDeviceProfiles',
    field: 'organization',
    query: `query($slug: String!) { organization(slug: $slug) { sharedDeviceProfiles { nodes { id } } } }`,
    vars: (_t, own) => ({ slug: own.slug }),
    allowed: (response, a) => {
      expect(JSON.stringify(response.data)).not.toContain(a.privateProfileId);
      expect(JSON.stringify(response.data)).not.toContain(a.partnerProfileId);
    },
  },
  {
    name: 'organizations',
    field: 'organizations',
    query: `{ organizations { nodes { id } } }`,
    vars: () => ({}),
    allowed: (response, a) => expect(JSON.stringify(response.data)).not.toContain(a.orgId),
  },
  {
    name: 'publicDeviceProfiles',
    field: 'publicDeviceProfiles',
    query: `{ publicDeviceProfiles(first: 100) { nodes { id sharedWith { id } editable } } }`,
    vars: () => ({}),
    anonymousAllowed: true,
    allowed: (response, a) => {
      const text = JSON.stringify(response.data);
      expect(text).not.toContain(a.privateProfileId);
      expect(text).not.toContain(a.partnerProfileId);
      expect(text).not.toContain('"editable":true');
      expect(text).not.toContain('"sharedWith":[');
    },
  },
  {
    name: 'builtinModelNames',
    field: 'builtinModelNames',
    query: `{ builtinModelNames }`,
    vars: () => ({}),
    anonymousAllowed: true,
    allowed: () => undefined,
  },
  {
    name: 'me',
    field: 'me',
    query: `{ me { id } }`,
    vars: () => ({}),
    allowed: () => undefined,
  },
  mutation('updateOrganization', 'UpdateOrganizationInput', (t) => ({ ...inA(t), name: 'pwned' }), '{ id }'),
  mutation('updateMembershipRole', 'UpdateMembershipRoleInput', (t) => ({ ...inA(t), membershipId: t.membershipId, role: 'OWNER' }), '{ id }'),
  mutation('updateMembershipRole', 'UpdateMembershipRoleInput', (t, o) => ({ ...inOwn(t, o), membershipId: t.membershipId, role: 'VIEWER' }), '{ id }', ' via B'),
  mutation('removeMembership', 'RemoveMembershipInput', (t) => ({ ...inA(t), membershipId: t.membershipId })),
  mutation('removeMembership', 'RemoveMembershipInput', (t, o) => ({ ...inOwn(t, o), membershipId: t.membershipId }), '', ' via B'),
  mutation('createInvitation', 'CreateInvitationInput', (t) => ({ ...inA(t), email: 'spy@example.test', role: 'OWNER' }), '{ token }'),
  mutation('acceptInvitation', 'AcceptInvitationInput', (t) => ({ token: t.invitationToken }), '{ id }'),
  mutation('revokeInvitation', 'RevokeInvitationInput', (t) => ({ ...inA(t), id: t.invitationId }), '{ id }'),
  mutation('revokeInvitation', 'RevokeInvitationInput', (t, o) => ({ ...inOwn(t, o), id: t.invitationId }), '{ id }', ' via B'),
  mutation('createApiToken', 'CreateApiTokenInput', (t) => ({ ...inA(t), name: 'spy', scopes: ['READ'] }), '{ secret }'),
  mutation('revokeApiToken', 'RevokeApiTokenInput', (t) => ({ ...inA(t), id: t.tokenId }), '{ id }'),
  mutation('revokeApiToken', 'RevokeApiTokenInput', (t, o) => ({ ...inOwn(t, o), id: t.tokenId }), '{ id }', ' via B'),
  mutation('createProject', 'CreateProjectInput', (t) => ({ ...inA(t), name: 'spy' }), '{ id }'),
  mutation('updateProject', 'UpdateProjectInput', (t) => ({ ...inA(t), id: t.projectId, name: 'pwned' }), '{ id }'),
  mutation('updateProject', 'UpdateProjectInput', (t, o) => ({ ...inOwn(t, o), id: t.projectId, name: 'pwned' }), '{ id }', ' via B'),
  mutation('deleteProject', 'DeleteProjectInput', (t) => ({ ...inA(t), id: t.projectId })),
  mutation('deleteProject', 'DeleteProjectInput', (t, o) => ({ ...inOwn(t, o), id: t.projectId }), '', ' via B'),
  mutation('createDeviceProfile', 'CreateDeviceProfileInput', (t) => ({ ...inA(t), ...profileFields }), '{ id }'),
  mutation('updateDeviceProfile', 'UpdateDeviceProfileInput', (t) => ({ ...inA(t), id: t.privateProfileId, threads: 2 }), '{ id }'),
  mutation('updateDeviceProfile', 'UpdateDeviceProfileInput', (t, o) => ({ ...inOwn(t, o), id: t.privateProfileId, threads: 2 }), '{ id }', ' via B'),
  mutation('setDeviceProfileVisibility', 'SetDeviceProfileVisibilityInput', (t) => ({ ...inA(t), id: t.privateProfileId, visibility: 'PUBLIC' }), '{ id }'),
  mutation('setDeviceProfileVisibility', 'SetDeviceProfileVisibilityInput', (t, o) => ({ ...inOwn(t, o), id: t.privateProfileId, visibility: 'PUBLIC' }), '{ id }', ' via B'),
  mutation('deleteDeviceProfile', 'DeleteDeviceProfileInput', (t) => ({ ...inA(t), id: t.privateProfileId })),
  mutation('deleteDeviceProfile', 'DeleteDeviceProfileInput', (t, o) => ({ ...inOwn(t, o), id: t.privateProfileId }), '', ' via B'),
  mutation('registerBuiltinModelSpec', 'RegisterBuiltinModelSpecInput', (t) => ({ ...inA(t), builtinName: 'yolov5nu', name: 'spy' }), '{ id }'),
  mutation('uploadModelSpec', 'UploadModelSpecInput', (t) => ({ ...inA(t), name: 'spy', format: 'YAML', content: 'nc: 1' }), '{ id }'),
  mutation('publishCostTable', 'PublishCostTableInput', (t) => ({ ...inA(t), ...tableFields(t) }), '{ id }'),
  mutation('publishCostTable', 'PublishCostTableInput', (t, o) => ({ ...inOwn(t, o), ...tableFields(t) }), '{ id }', ' via B'),
  mutation('setCostTableVisibility', 'SetCostTableVisibilityInput', (t) => ({ ...inA(t), id: t.restrictedCostTableId, visibility: 'INHERIT' }), '{ id }'),
  mutation('setCostTableVisibility', 'SetCostTableVisibilityInput', (t, o) => ({ ...inOwn(t, o), id: t.restrictedCostTableId, visibility: 'INHERIT' }), '{ id }', ' via B'),
  mutation('submitSearch', 'SubmitSearchInput', (t) => ({ ...inA(t), ...searchFields(t) }), '{ id }'),
  mutation('submitSearch', 'SubmitSearchInput', (t, o) => ({ ...inOwn(t, o), ...searchFields(t) }), '{ id }', ' via B'),
  mutation('createProfilingJob', 'CreateProfilingJobInput', (t) => ({ ...inA(t), ...jobFields(t) }), '{ id }'),
  mutation('createProfilingJob', 'CreateProfilingJobInput', (t, o) => ({ ...inOwn(t, o), ...jobFields(t) }), '{ id }', ' via B'),
  mutation('leaseProfilingJob', 'LeaseProfilingJobInput', (t) => inA(t), '{ leaseId }'),
  {
    ...mutation('leaseProfilingJob', 'LeaseProfilingJobInput', (t, o) => inOwn(t, o), '{ leaseId job { id } }', ' in B'),
    allowed: (response, a) => expect(JSON.stringify(response.data)).not.toContain(a.profilingJobId),
  },
  ...(['reportProfilingProgress', 'completeProfilingJob', 'failProfilingJob'] as const).flatMap((field) => {
    const type = `${field[0]!.toUpperCase()}${field.slice(1)}Input`;
    const extra = { reportProfilingProgress: { progress: 0.5 }, completeProfilingJob: { tables: [{ metric: 'LATENCY', format: 'CSV', content: 'x' }] }, failProfilingJob: { message: 'x' } }[field];
    return [
      mutation(field, type, (t) => ({ ...inA(t), jobId: t.profilingJobId, leaseId: t.profilingJobId, ...extra }), '{ id }'),
      mutation(field, type, (t, o) => ({ ...inOwn(t, o), jobId: t.profilingJobId, leaseId: t.profilingJobId, ...extra }), '{ id }', ' via B'),
    ];
  }),
  mutation('verifyProposalSet', 'VerifyProposalSetInput', (t) => ({ ...inA(t), proposalSetId: t.proposalSetId, deviceProfileId: t.privateProfileId }), '{ id }'),
  mutation('verifyProposalSet', 'VerifyProposalSetInput', (t, o) => ({ ...inOwn(t, o), proposalSetId: t.proposalSetId, deviceProfileId: t.privateProfileId }), '{ id }', ' via B'),
  mutation('leaseVerificationJob', 'LeaseVerificationJobInput', (t) => inA(t), '{ leaseId }'),
  {
    ...mutation('leaseVerificationJob', 'LeaseVerificationJobInput', (t, o) => inOwn(t, o), '{ leaseId job { id } }', ' in B'),
    allowed: (response, a) => expect(JSON.stringify(response.data)).not.toContain(a.verificationJobId),
  },
  ...(['reportVerificationProgress', 'completeVerificationJob', 'failVerificationJob'] as const).flatMap((field) => {
    const type = `${field[0]!.toUpperCase()}${field.slice(1)}Input`;
    const extra = {
      reportVerificationProgress: { progress: 0.5 },
      completeVerificationJob: { measurements: [{ rank: 1, metric: 'LATENCY', measured: -1, runs: 1 }] },
      failVerificationJob: { message: 'x' },
    }[field];
    return [
      mutation(field, type, (t) => ({ ...inA(t), jobId: t.verificationJobId, leaseId: t.verificationJobId, ...extra }), '{ id }'),
      mutation(field, type, (t, o) => ({ ...inOwn(t, o), jobId: t.verificationJobId, leaseId: t.verificationJobId, ...extra }), '{ id }', ' via B'),
    ];
  }),
];

/** Root fields that act on no organization's data (the caller's own account). */
const NOT_TENANT_SCOPED = new Set(['signUp', 'signIn', 'signOut', 'createOrganization', 'activationKinds', 'updateAccount', 'changePassword']);

let t: TestServer;
let a: OrgFixture;
let b: OrgFixture;
let own: Own;
let real: Target;
let missing: Target;
let attackers: readonly { readonly label: string; readonly client: Client }[];

/** Every row of organization A, as JSON, to prove nothing changed. */
async function snapshotOfA(): Promise<string> {
  const tables = ['memberships', 'invitations', 'api_tokens', 'projects', 'device_profiles', 'device_profile_shares', 'model_specs', 'cost_tables', 'search_requests', 'proposal_sets', 'profiling_jobs', 'verification_jobs', 'proposal_measurements', 'audit_events'];
  const rows: Record<string, unknown> = {
    organizations: await t.server.dataSource.query(`SELECT * FROM organizations WHERE id = $1`, [a.id]),
  };
  for (const table of tables) {
    rows[table] = await t.server.dataSource.query(`SELECT * FROM ${table} WHERE organization_id = $1 ORDER BY created_at, 1`, [a.id]);
  }
  return JSON.stringify(rows);
}

beforeAll(async () => {
  t = await startTestServer();
  [a, b] = await Promise.all([createOrganization(t.client, 'tenant-a'), createOrganization(t.client, 'tenant-b')]);
  const c = await createOrganization(t.client, 'tenant-c');
  const member = await signUp(t.client, 'a-member');
  const invited = await a.owner.client.data(CreateInvitationDocument, { input: { organizationId: a.id, email: member.email, role: 'MEMBER' } });
  const pending = await a.owner.client.data(CreateInvitationDocument, {
    input: { organizationId: a.id, email: 'someone-else@example.test', role: 'ADMIN' },
  });
  await member.client.raw(`mutation($t: String!) { acceptInvitation(input: { token: $t }) { id } }`, { t: invited.createInvitation.token });
  const members = await a.owner.client.data(MembersDocument, { slug: a.slug });
  const publicProfileId = await createDeviceProfile(a.owner.client, a.id);
  const partnerProfileId = await createDeviceProfile(a.owner.client, a.id);
  await a.owner.client.data(SetDeviceProfileVisibilityDocument, { input: { organizationId: a.id, id: publicProfileId, visibility: 'PUBLIC' } });
  await a.owner.client.data(SetDeviceProfileVisibilityDocument, {
    input: { organizationId: a.id, id: partnerProfileId, visibility: 'SHARED', sharedWith: [c.slug] },
  });
  const tokenSecret = await createApiToken(a.owner.client, a.id, ['READ']);
  const [token] = await t.server.dataSource.query<{ id: string }[]>(`SELECT id FROM api_tokens WHERE organization_id = $1`, [a.id]);
  const privateProfileId = await createDeviceProfile(a.owner.client, a.id);
  const spec = await a.owner.client.data(RegisterBuiltinModelSpecDocument, { input: { organizationId: a.id, builtinName: 'yolov5nu' } });
  const table = await a.owner.client.data(PublishCostTableDocument, {
    input: {
      organizationId: a.id,
      deviceProfileId: privateProfileId,
      modelSpecId: spec.registerBuiltinModelSpec.id,
      metric: 'LATENCY',
      format: 'CSV',
      content: await exampleTable('latency'),
    },
  });
  const sharedWithBProfileId = await createDeviceProfile(a.owner.client, a.id);
  await a.owner.client.data(SetDeviceProfileVisibilityDocument, {
    input: { organizationId: a.id, id: sharedWithBProfileId, visibility: 'SHARED', sharedWith: [b.slug] },
  });
  const [inheriting, restricted] = await Promise.all(
    (['INHERIT', 'PRIVATE'] as const).map(async (visibility, i) =>
      a.owner.client.data(PublishCostTableDocument, {
        input: {
          organizationId: a.id,
          deviceProfileId: sharedWithBProfileId,
          modelSpecId: spec.registerBuiltinModelSpec.id,
          metric: i === 0 ? 'LATENCY' : 'MEMORY',
          format: 'CSV',
          content: await exampleTable(i === 0 ? 'latency' : 'memory'),
          visibility,
        },
      }),
    ),
  );
  const projectId = await createProject(a.owner.client, a.id);
  const search = await a.owner.client.data(SubmitSearchDocument, {
    input: {
      organizationId: a.id,
      projectId,
      modelSpecId: spec.registerBuiltinModelSpec.id,
      costTableIds: [table.publishCostTable.id],
      objective: { sense: 'MIN', metric: { metric: 'LATENCY' } },
    },
  });
  const searched = await waitForSearch(a, search.submitSearch.id);
  const proposalSetId = searched.proposalSet!.id;
  const verification = await a.owner.client.data(VerifyProposalSetDocument, {
    input: { organizationId: a.id, proposalSetId, deviceProfileId: privateProfileId, ranks: [1] },
  });
  const job = await a.owner.client.data(CreateProfilingJobDocument, {
    input: { organizationId: a.id, deviceProfileId: privateProfileId, modelSpecId: spec.registerBuiltinModelSpec.id, metrics: ['LATENCY'] },
  });
  const uploadedSpecId = await uploadTinyOnnx(a, 'a-uploaded');
  await a.owner.client.data(CreateProfilingJobDocument, { input: { organizationId: a.id, deviceProfileId: privateProfileId, modelSpecId: uploadedSpecId, metrics: ['MEMORY'] } });
  real = {
    orgId: a.id,
    slug: a.slug,
    projectId,
    privateProfileId,
    partnerProfileId,
    membershipId: members.organization.members.nodes.find((m) => m.user.id === member.userId)!.id,
    invitationId: pending.createInvitation.invitation.id,
    invitationToken: pending.createInvitation.token,
    tokenId: token!.id,
    modelSpecId: spec.registerBuiltinModelSpec.id,
    costTableId: table.publishCostTable.id,
    sharedWithBProfileId,
    inheritingCostTableId: inheriting!.publishCostTable.id,
    restrictedCostTableId: restricted!.publishCostTable.id,
    searchRequestId: search.submitSearch.id,
    profilingJobId: job.createProfilingJob.id,
    proposalSetId,
    verificationJobId: verification.verifyProposalSet.id,
    uploadedSpecId,
  };
  expect(tokenSecret).toMatch(/^actnas_pat_/);
  missing = {
    orgId: randomUUID(),
    slug: 'no-such-organization',
    projectId: randomUUID(),
    privateProfileId: randomUUID(),
    partnerProfileId: randomUUID(),
    membershipId: randomUUID(),
    invitationId: randomUUID(),
    invitationToken: 'actnas_inv_doesnotexist',
    tokenId: randomUUID(),
    modelSpecId: randomUUID(),
    costTableId: randomUUID(),
    sharedWithBProfileId: randomUUID(),
    inheritingCostTableId: randomUUID(),
    restrictedCostTableId: randomUUID(),
    searchRequestId: randomUUID(),
    profilingJobId: randomUUID(),
    proposalSetId: randomUUID(),
    verificationJobId: randomUUID(),
    uploadedSpecId: randomUUID(),
  };
  const bToken = await createApiToken(b.owner.client, b.id, ['READ', 'SEARCH_WRITE', 'DEVICES_WRITE', 'AGENT']);
  own = { orgId: b.id, slug: b.slug };
  attackers = [
    { label: 'owner of B', client: b.owner.client },
    { label: 'API token of B (all scopes)', client: t.client.as(bToken) },
  ];
});
afterAll(async () => {
  await t?.close();
});

async function uploadTinyOnnx(org: OrgFixture, name: string): Promise<string> {
  const onnx = emitOnnx(buildGraph(parseModelYaml('nc: 1\nbackbone:\n  - [-1, 1, Conv, [3, 1, 1]]\nhead: []\n', { name: 'tiny' }), { imgsz: 32 }));
  const response = await fetch(new URL(`/uploads/model-specs?${new URLSearchParams({ organizationId: org.id, name, format: 'onnx' })}`, t.server.url), {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${org.owner.token}` },
    body: onnx,
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** `GET /model-specs/:id/file` of a target's uploaded spec, in the organization `orgId`. */
const download = (target: Target, orgId: string, token: string | undefined) =>
  fetch(new URL(`/model-specs/${target.uploadedSpecId}/file?organizationId=${orgId}`, t.server.url), { headers: token ? { authorization: `Bearer ${token}` } : {} });
const httpError = async (response: Response) => ({ status: response.status, body: (await response.json()) as unknown });

const comparable = (response: GraphQLResponse<unknown>) => ({
  data: response.data ?? null,
  errors: response.errors?.map((e) => ({ message: e.message, code: e.extensions?.code })),
});

describe('cross-tenant isolation (organization A vs. B and anonymous)', () => {
  it('covers every root query and mutation of the schema', () => {
    const schema = buildSchema();
    const roots = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    const covered = new Set([...cases.map((c) => c.field), ...NOT_TENANT_SCOPED]);
    expect(roots.filter((field) => !covered.has(field))).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.name}: B sees and changes nothing of A; hidden answers like missing`, async () => {
      for (const attacker of attackers) {
        const onReal = await attacker.client.raw(c.query, c.vars(real, own));
        if (c.allowed) {
          if (onReal.errors && attacker.label.includes('token') && c.field === 'me') continue;
          expect(onReal.errors, `${attacker.label}: ${JSON.stringify(onReal.errors)}`).toBeUndefined();
          c.allowed(onReal, real);
          continue;
        }
        const onMissing = await attacker.client.raw(c.query, c.vars(missing, own));
        expect(onReal.errors?.length, `${attacker.label} got data: ${JSON.stringify(onReal.data)}`).toBeGreaterThan(0);
        expect(comparable(onReal), attacker.label).toEqual(comparable(onMissing));
        if (c.vars(real, own)['slug'] === real.slug || (c.vars(real, own)['input'] as { organizationId?: string })?.organizationId === real.orgId) {
          expect(onReal.errors![0]!.extensions?.code, attacker.label).toBe('NOT_FOUND');
        }
      }
    });

    it(`${c.name}: anonymous callers ${c.anonymousAllowed ? 'see only public data' : 'are UNAUTHENTICATED'}`, async () => {
      const response = await t.client.raw(c.query, c.vars(real, own));
      if (c.anonymousAllowed) {
        expect(response.errors).toBeUndefined();
        c.allowed?.(response, real);
      } else {
        expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      }
    });
  }

  it('GET /model-specs/:id/file: B downloads nothing of A, in A or in B, answered like a missing spec; anonymous callers are UNAUTHENTICATED', async () => {
    expect((await download(real, real.orgId, a.owner.token)).status).toBe(200);
    for (const attacker of attackers) {
      for (const orgId of [real.orgId, own.orgId]) {
        const onReal = await httpError(await download(real, orgId, attacker.client.token));
        expect(onReal.status, `${attacker.label} in ${orgId === own.orgId ? 'B' : 'A'}`).toBe(404);
        expect(onReal, attacker.label).toEqual(await httpError(await download(missing, orgId === real.orgId ? missing.orgId : orgId, attacker.client.token)));
      }
    }
    const anonymous = await httpError(await download(real, real.orgId, undefined));
    expect(anonymous).toMatchObject({ status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
  });

  it('left every row of A untouched (no writes, no audit events)', async () => {
    const before = await snapshotOfA();
    for (const attacker of attackers) await download(real, real.orgId, attacker.client.token);
    for (const c of cases) {
      for (const attacker of attackers) await attacker.client.raw(c.query, c.vars(real, own));
      await t.client.raw(c.query, c.vars(real, own));
    }
    expect(await snapshotOfA()).toBe(before);
  });
});
