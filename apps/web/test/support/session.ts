import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext } from 'playwright-core';
import { graphql } from './platform';
import type { Platform } from './platform';

export const PASSWORD = 'correct horse battery';

/** A user signed up through the API, and their GraphQL calls (as a CI script or the dashboard's server would make them). */
export interface ApiUser {
  readonly token: string;
  readonly email: string;
  call<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** The raw answer, errors included. */
  raw<T>(query: string, variables?: Record<string, unknown>): ReturnType<typeof graphql<T>>;
}

export async function signUpViaApi(platform: Platform, name: string, email = `${name.toLowerCase().replace(/\W+/g, '-')}-${randomBytes(3).toString('hex')}@example.test`): Promise<ApiUser> {
  const answer = await graphql<{ signUp: { token: string } }>(platform.apiUrl, undefined, 'mutation($input: SignUpInput!) { signUp(input: $input) { token } }', {
    input: { name, email, password: PASSWORD },
  });
  const token = answer.data?.signUp.token;
  if (!token) throw new Error(`sign-up failed: ${JSON.stringify(answer.errors)}`);
  const raw = <T>(query: string, variables: Record<string, unknown> = {}) => graphql<T>(platform.apiUrl, token, query, variables);
  return {
    token,
    email,
    raw,
    async call<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const result = await raw<T>(query, variables);
      if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
      return result.data;
    },
  };
}

/** A browser context already signed in as `user`: the dashboard's session cookie holds their token. */
export async function signedInContext(browser: Browser, platform: Platform, user: ApiUser, viewport = { width: 1440, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  await context.addCookies([{ name: 'actnas_session', value: user.token, url: platform.webUrl, httpOnly: true, sameSite: 'Lax' }]);
  return context;
}

export interface OrgSetup {
  readonly id: string;
  readonly slug: string;
  readonly deviceId: string;
  readonly modelSpecId: string;
}

/** Registers a device profile (ONNX Runtime on a Cortex-A76, fusing ReLU and ReLU6) and returns its id. */
export async function createDevice(user: ApiUser, organizationId: string, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { createDeviceProfile } = await user.call<{ createDeviceProfile: { id: string } }>('mutation($input: CreateDeviceProfileInput!) { createDeviceProfile(input: $input) { id } }', {
    input: { organizationId, name, processor: 'Cortex-A76', runtime: 'onnxruntime', runtimeVersion: '1.30.0', threads: 4, inputSize: 640, fusedActivations: ['relu', 'relu6'], ...extra },
  });
  return createDeviceProfile.id;
}

/** An organization with one device profile and the built-in yolov5nu registered. */
export async function setUpOrganization(user: ApiUser, name: string, slug: string, deviceName: string): Promise<OrgSetup> {
  const { createOrganization } = await user.call<{ createOrganization: { id: string } }>('mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }', { input: { name, slug } });
  const organizationId = createOrganization.id;
  const deviceId = await createDevice(user, organizationId, deviceName);
  const { registerBuiltinModelSpec } = await user.call<{ registerBuiltinModelSpec: { id: string } }>('mutation($input: RegisterBuiltinModelSpecInput!) { registerBuiltinModelSpec(input: $input) { id } }', {
    input: { organizationId, builtinName: 'yolov5nu' },
  });
  return { id: organizationId, slug, deviceId, modelSpecId: registerBuiltinModelSpec.id };
}

/** Publishes a CSV cost table through the API and returns its id. */
export async function publishTable(user: ApiUser, org: OrgSetup, metric: 'LATENCY' | 'MEMORY' | 'ACCURACY', content: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { publishCostTable } = await user.call<{ publishCostTable: { id: string } }>('mutation($input: PublishCostTableInput!) { publishCostTable(input: $input) { id } }', {
    input: { organizationId: org.id, deviceProfileId: org.deviceId, modelSpecId: org.modelSpecId, metric, format: 'CSV', content, provenance: { source: 'SYNTHETIC' }, ...extra },
  });
  return publishCostTable.id;
}

/** @actnas/core's synthetic yolov5nu example tables (read as files: web tests reach the platform through the API only). */
export function exampleTable(metric: 'latency' | 'memory' | 'accuracy'): Promise<string> {
  return readFile(new URL(`../../../../packages/core/examples/yolov5nu-synthetic/${metric}.csv`, import.meta.url), 'utf8');
}

/** The CSV without the rows of the sites `drop` picks. */
export function withoutSites(csv: string, drop: (site: string) => boolean): string {
  return csv
    .split('\n')
    .filter((line, i) => i === 0 || !drop(line.split(',')[0] ?? ''))
    .join('\n');
}
