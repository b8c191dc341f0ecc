import { randomBytes } from 'node:crypto';
import {
  CreateApiTokenDocument,
  CreateDeviceProfileDocument,
  CreateOrganizationDocument,
  CreateProjectDocument,
  SignUpDocument,
} from '../../client/generated.js';
import type { ApiTokenScope, CreateDeviceProfileInput } from '../../client/generated.js';
import type { Client } from './client.js';

const unique = (): string => randomBytes(4).toString('hex');

export interface SignedUp {
  readonly client: Client;
  readonly token: string;
  readonly userId: string;
  readonly email: string;
}

export async function signUp(anonymous: Client, name = 'user'): Promise<SignedUp> {
  const email = `${name}-${unique()}@example.test`;
  const { signUp: auth } = await anonymous.data(SignUpDocument, {
    input: { email, password: 'correct horse battery', name },
  });
  return { client: anonymous.as(auth.token), token: auth.token, userId: auth.user.id, email };
}

export interface OrgFixture {
  readonly owner: SignedUp;
  readonly id: string;
  readonly slug: string;
}

export async function createOrganization(anonymous: Client, slugBase = 'org'): Promise<OrgFixture> {
  const owner = await signUp(anonymous, `${slugBase}-owner`);
  const slug = `${slugBase}-${unique()}`;
  const { createOrganization: org } = await owner.client.data(CreateOrganizationDocument, { input: { name: slugBase, slug } });
  return { owner, id: org.id, slug };
}

export async function createProject(client: Client, organizationId: string, name = `project-${unique()}`): Promise<string> {
  const { createProject } = await client.data(CreateProjectDocument, { input: { organizationId, name } });
  return createProject.id;
}

export const deviceProfileInput = (organizationId: string, overrides: Partial<CreateDeviceProfileInput> = {}): CreateDeviceProfileInput => ({
  organizationId,
  name: `rpi5-${unique()}`,
  processor: 'Cortex-A76',
  accelerator: null,
  runtime: 'onnxruntime',
  runtimeVersion: '1.30.0',
  threads: 4,
  inputSize: 640,
  memoryLimitKb: 524_288,
  fusedActivations: ['relu', 'relu6', 'LeakyReLU'],
  ...overrides,
});

export async function createDeviceProfile(client: Client, organizationId: string): Promise<string> {
  const { createDeviceProfile } = await client.data(CreateDeviceProfileDocument, { input: deviceProfileInput(organizationId) });
  return createDeviceProfile.id;
}

export async function createApiToken(client: Client, organizationId: string, scopes: ApiTokenScope[]): Promise<string> {
  const { createApiToken } = await client.data(CreateApiTokenDocument, { input: { organizationId, name: `ci-${unique()}`, scopes } });
  return createApiToken.secret;
}
