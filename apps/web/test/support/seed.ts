import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { graphql } from './platform';

// The synthetic yolov5nu example tables shipped with the repository (read as data files).
const examples = fileURLToPath(new URL('../../../../packages/core/examples/yolov5nu-synthetic/', import.meta.url));

export const exampleTable = (metric: 'latency' | 'memory' | 'accuracy'): Promise<string> => readFile(join(examples, `${metric}.csv`), 'utf8');

/** The latency example with a 95% CI per cell (delta ± 2 std), as a measured table has. */
export async function latencyWithCi(scale = 1): Promise<string> {
  const lines = (await exampleTable('latency')).trim().split('\n');
  const header = lines[0]!.split(',');
  const at = (name: string): number => header.indexOf(name);
  return [
    `${lines[0]},ci_low,ci_high`,
    ...lines.slice(1).map((line) => {
      const cells = line.split(',');
      const delta = Number(cells[at('delta')]) * scale;
      const std = Number(cells[at('std')] || 0) * scale;
      cells[at('delta')] = delta.toFixed(4);
      cells[at('std')] = cells[at('std')] ? std.toFixed(4) : '';
      return `${cells.join(',')},${std ? (delta - 2 * std).toFixed(4) : ''},${std ? (delta + 2 * std).toFixed(4) : ''}`;
    }),
  ].join('\n');
}

/** A caller of the API with one user's session, as the dashboard is for that user. */
export class ApiUser {
  constructor(
    readonly apiUrl: string,
    readonly token: string,
  ) {}

  static async signUp(apiUrl: string, email: string, name: string): Promise<ApiUser> {
    const r = await graphql<{ signUp: { token: string } }>(apiUrl, undefined, 'mutation($i: SignUpInput!) { signUp(input: $i) { token } }', { i: { email, name, password: 'correct horse battery' } });
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return new ApiUser(apiUrl, r.data.signUp.token);
  }

  async run<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const r = await graphql<T>(this.apiUrl, this.token, query, variables);
    if (!r.data || r.errors) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(r.errors)}`);
    return r.data;
  }

  /** Signs a browser context in as this user (the dashboard's httpOnly session cookie). */
  async signIn(context: BrowserContext, webUrl: string): Promise<void> {
    await context.addCookies([{ name: 'actnas_session', value: this.token, url: webUrl, httpOnly: true, sameSite: 'Lax' }]);
  }

  async organization(name: string, slug: string): Promise<string> {
    return (await this.run<{ createOrganization: { id: string } }>('mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }', { i: { name, slug } })).createOrganization.id;
  }

  async project(organizationId: string, name: string): Promise<string> {
    return (await this.run<{ createProject: { id: string } }>('mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }', { i: { organizationId, name } })).createProject.id;
  }

  async device(organizationId: string, name: string): Promise<string> {
    const i = { organizationId, name, processor: 'Cortex-A76', runtime: 'onnxruntime', runtimeVersion: '1.30', threads: 4, inputSize: 640, fusedActivations: ['relu', 'relu6'] };
    return (await this.run<{ createDeviceProfile: { id: string } }>('mutation($i: CreateDeviceProfileInput!) { createDeviceProfile(input: $i) { id } }', { i })).createDeviceProfile.id;
  }

  async model(organizationId: string, builtinName = 'yolov5nu'): Promise<string> {
    return (await this.run<{ registerBuiltinModelSpec: { id: string } }>('mutation($i: RegisterBuiltinModelSpecInput!) { registerBuiltinModelSpec(input: $i) { id } }', { i: { organizationId, builtinName } })).registerBuiltinModelSpec.id;
  }

  async table(organizationId: string, deviceProfileId: string, modelSpecId: string, metric: 'LATENCY' | 'MEMORY' | 'ACCURACY', content: string): Promise<string> {
    const i = { organizationId, deviceProfileId, modelSpecId, metric, format: 'CSV', content, provenance: { source: 'SYNTHETIC' } };
    return (await this.run<{ publishCostTable: { id: string } }>('mutation($i: PublishCostTableInput!) { publishCostTable(input: $i) { id } }', { i })).publishCostTable.id;
  }

  async visibility(organizationId: string, id: string, visibility: 'PRIVATE' | 'SHARED' | 'PUBLIC', sharedWith: readonly string[] = []): Promise<void> {
    await this.run('mutation($i: SetDeviceProfileVisibilityInput!) { setDeviceProfileVisibility(input: $i) { id } }', { i: { organizationId, id, visibility, sharedWith } });
  }
}
