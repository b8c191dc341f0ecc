import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { DataSource } from 'typeorm';
import { memberScope } from '../auth/policy.js';
import { global } from '../database/tenant.js';
import { OrganizationEntity } from '../modules/organizations/organization.entity.js';
import type { Services } from '../services.js';

export const DEMO = {
  slug: 'demo',
  email: 'demo@actnas.local',
  password: 'actnas-demo-password',
} as const;

const require = createRequire(import.meta.url);
const exampleTable = (metric: string): Promise<string> =>
  readFile(require.resolve(`@actnas/core/examples/yolov5nu-synthetic/${metric}.csv`), 'utf8');

export interface DemoSeed {
  readonly created: boolean;
  readonly organizationId: string;
  readonly searchRequestId: string | null;
}

/**
 * A demo organization: a device profile, yolov5nu, its latency / memory / accuracy tables and one
 * search (solved by the workers). The tables are @actnas/core's SYNTHETIC examples and say so in
 * their provenance. Does nothing when the demo organization exists.
 */
export async function seedDemo(dataSource: DataSource, services: Services, now: Date): Promise<DemoSeed> {
  const existing = await global(dataSource, OrganizationEntity).findOneBy({ slug: DEMO.slug });
  if (existing) return { created: false, organizationId: existing.id, searchRequestId: null };
  const { user } = await services.users.signUp({ email: DEMO.email, password: DEMO.password, name: 'Demo user' }, now);
  const actor = { kind: 'user' as const, userId: user.id, sessionId: '' };
  const organization = await services.organizations.create(actor, { name: 'Demo organization', slug: DEMO.slug });
  const scope = memberScope(organization.id, actor, 'owner');
  const profile = await services.deviceProfiles.create(scope, {
    organizationId: organization.id,
    name: 'Raspberry Pi 5 · onnxruntime CPU (synthetic)',
    processor: 'Cortex-A76 ×4',
    runtime: 'onnxruntime',
    runtimeVersion: '1.30.0',
    threads: 4,
    inputSize: 640,
    memoryLimitKb: 1_048_576,
    fusedActivations: ['relu', 'relu6', 'leakyrelu', 'hardsigmoid'],
  });
  const spec = await services.modelSpecs.registerBuiltin(scope, { organizationId: organization.id, builtinName: 'yolov5nu' });
  const tables = [];
  for (const metric of ['latency', 'memory', 'accuracy'] as const) {
    tables.push(
      await services.costTables.publish(scope, {
        organizationId: organization.id,
        deviceProfileId: profile.id,
        modelSpecId: spec.id,
        metric,
        format: 'csv',
        content: await exampleTable(metric),
        provenance: { source: 'synthetic', producer: '@actnas/core examples', note: 'SYNTHETIC demo data, not measured on any device' },
      }),
    );
  }
  const project = await services.projects.create(scope, { organizationId: organization.id, name: 'yolov5nu on Raspberry Pi 5', description: 'Demo project with synthetic tables.' });
  const search = await services.searchRequests.submit(scope, {
    organizationId: organization.id,
    projectId: project.id,
    modelSpecId: spec.id,
    costTableIds: tables.map((t) => t.id),
    objective: { sense: 'min', metric: { metric: 'latency' } },
    budgets: [{ metric: { metric: 'accuracy' }, bound: 'min', value: -0.005, of: 'delta' }],
    strategy: 'ilp',
    k: 5,
    diversity: 2,
    idempotencyKey: 'demo-seed',
  });
  return { created: true, organizationId: organization.id, searchRequestId: search.id };
}
