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
/** Tables measured with `actnas profile` on a real runtime (see that folder's README). */
const MEASURED = '@actnas/core/examples/yolov5nu-ort-cpu';
const METRICS = ['latency', 'memory', 'accuracy'] as const;
type Metric = (typeof METRICS)[number];

/** That folder's provenance.json, written by its measure.sh. */
interface MeasuredProvenance {
  readonly host: {
    readonly cpu: string;
    readonly vcpus: number;
    readonly memoryGiB: number;
    readonly kernel: string;
    readonly node: string;
    readonly onnxruntime: string;
    readonly shared: string;
  };
  readonly tables: Record<
    Metric,
    {
      readonly command: string;
      readonly started: string;
      readonly finished: string;
      readonly loadAverage1m: { readonly min: number; readonly median: number; readonly max: number };
    }
  >;
}

interface CostTableJson {
  readonly reference?: number;
  readonly provenance: { readonly note?: string } & Record<string, unknown>;
}

/** The demo search's latency budget: this share of the all-SiLU model's latency saved (the paper's gains are 6–23 %). */
const DEMO_SPEEDUP = 0.06;

function referenceOf(tableJson: string): number {
  const { reference } = JSON.parse(tableJson) as CostTableJson;
  if (reference === undefined) throw new Error('the demo latency table has no reference value');
  return reference;
}

const readMeasured = async (file: string): Promise<string> => readFile(require.resolve(`${MEASURED}/${file}`), 'utf8');

/**
 * The table as the CLI wrote it, its provenance note completed with what the CLI does not
 * record: when, on which host, how busy that host was, and the command.
 */
function withRunProvenance(tableJson: string, metric: Metric, provenance: MeasuredProvenance): string {
  const table = JSON.parse(tableJson) as CostTableJson;
  const { host } = provenance;
  const run = provenance.tables[metric];
  const load = run.loadAverage1m;
  const note = [
    table.provenance.note,
    `measured ${run.started} to ${run.finished}`,
    `host: ${host.cpu}, ${host.vcpus} vCPUs, ${host.memoryGiB} GiB, Linux ${host.kernel}, Node ${host.node}, onnxruntime-node ${host.onnxruntime}`,
    `${host.shared}; 1-minute load average ${load.min}–${load.max} (median ${load.median}) during the run${metric === 'latency' ? ', so the latency cells are noisier than on an idle device' : ''}`,
    `command: ${run.command}`,
  ].join('; ');
  return JSON.stringify({ ...table, provenance: { ...table.provenance, note } });
}

export interface DemoSeed {
  readonly created: boolean;
  readonly organizationId: string;
  readonly searchRequestId: string | null;
}

/**
 * A demo organization: this host as a device profile (onnxruntime CPU, 1 thread), yolov5nu, its
 * latency / memory / NWOT accuracy tables measured here by `actnas profile`, and one search
 * (solved by the workers). Does nothing when the demo organization exists.
 */
export async function seedDemo(dataSource: DataSource, services: Services, now: Date): Promise<DemoSeed> {
  const existing = await global(dataSource, OrganizationEntity).findOneBy({ slug: DEMO.slug });
  if (existing) return { created: false, organizationId: existing.id, searchRequestId: null };
  const provenance = JSON.parse(await readMeasured('provenance.json')) as MeasuredProvenance;
  const { user } = await services.users.signUp({ email: DEMO.email, password: DEMO.password, name: 'Demo user' }, now);
  const actor = { kind: 'user' as const, userId: user.id, sessionId: '' };
  const organization = await services.organizations.create(actor, { name: 'Demo organization', slug: DEMO.slug });
  const scope = memberScope(organization.id, actor, 'owner');
  const { host } = provenance;
  const profile = await services.deviceProfiles.create(scope, {
    organizationId: organization.id,
    name: `Demo host · onnxruntime ${host.onnxruntime} CPU, 1 thread`,
    processor: `${host.cpu} (${host.vcpus} vCPUs, shared)`,
    runtime: 'onnxruntime',
    runtimeVersion: host.onnxruntime,
    threads: 1,
    inputSize: 640,
    // onnxruntime's CPU provider fuses these into the preceding Conv; SiLU and Hardswish run apart.
    fusedActivations: ['relu', 'relu6', 'leakyrelu', 'hardsigmoid'],
  });
  const spec = await services.modelSpecs.registerBuiltin(scope, { organizationId: organization.id, builtinName: 'yolov5nu' });
  const tables = [];
  const contents = new Map<Metric, string>();
  for (const metric of METRICS) {
    contents.set(metric, await readMeasured(`${metric}.json`));
    tables.push(
      await services.costTables.publish(scope, {
        organizationId: organization.id,
        deviceProfileId: profile.id,
        modelSpecId: spec.id,
        metric,
        format: 'json',
        content: withRunProvenance(contents.get(metric)!, metric, provenance),
      }),
    );
  }
  const project = await services.projects.create(scope, {
    organizationId: organization.id,
    name: 'yolov5nu on the demo host',
    description: 'Demo project: yolov5nu latency (micro blocks), memory (arena planner) and NWOT accuracy tables measured by actnas profile on onnxruntime CPU, 1 thread.',
  });
  const search = await services.searchRequests.submit(scope, {
    organizationId: organization.id,
    projectId: project.id,
    modelSpecId: spec.id,
    costTableIds: tables.map((t) => t.id),
    // A budget that binds, so the proposals trade one metric for another. Minimum latency with the
    // NWOT score kept at the all-SiLU reference's does not: all-ReLU is both the fastest and above
    // the reference, so every proposal is (nearly) all-ReLU. The highest NWOT score of a model at
    // least DEMO_SPEEDUP faster than all-SiLU is a mixed model (LeakyReLU where it scores, ReLU6
    // and ReLU where they are cheap).
    objective: { sense: 'max', metric: { metric: 'accuracy' } },
    budgets: [{ metric: { metric: 'latency' }, bound: 'max', value: -DEMO_SPEEDUP * referenceOf(contents.get('latency')!), of: 'delta' }],
    strategy: 'ilp',
    k: 5,
    diversity: 2,
    idempotencyKey: 'demo-seed',
  });
  return { created: true, organizationId: organization.id, searchRequestId: search.id };
}
