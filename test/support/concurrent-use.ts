/**
 * Drives one organization of a running API the way a team uses it at once: dashboard readers
 * (each its own user, each page loading the queries the dashboard's pages send), searches
 * submitted and followed until they finish, and a device agent reporting progress on a leased
 * profiling job and then uploading its table. Records every HTTP request.
 *
 * Used by the embedded-default concurrency test and by `npm run bench -w @actnas/web`.
 */
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, print, visit } from 'graphql';
import type { DefinitionNode, DocumentNode, FragmentDefinitionNode, OperationDefinitionNode } from 'graphql';

const root = fileURLToPath(new URL('../..', import.meta.url));
const webOperations = join(root, 'apps/web/src/graphql/operations');
const exampleTables = join(root, 'packages/core/examples/yolov5nu-synthetic');

export interface ConcurrentUseOptions {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  readonly apiUrl: string;
  /** How long readers read and the agent reports (searches may finish after it). */
  readonly durationMs: number;
  readonly readers: number;
  readonly searches: number;
  /** How long a search may take to finish after the load ends. */
  readonly searchGraceMs?: number;
  readonly log?: (line: string) => void;
}

export interface RequestSample {
  /** e.g. `read:ProjectDashboard`, `search:submit`, `agent:progress` */
  readonly kind: string;
  /** HTTP status; 0 when the request failed without a response (connection refused or reset). */
  readonly status: number;
  readonly ms: number;
  /** GraphQL error codes (or the transport error) of this request. */
  readonly errors: readonly string[];
}

export interface SearchOutcome {
  readonly id: string;
  readonly strategy: string;
  readonly status: string;
  readonly error: string | null;
  readonly version: number | null;
  /** Milliseconds from submission until it was seen finished. */
  readonly ms: number;
}

export interface ConcurrentUseReport {
  readonly durationMs: number;
  readonly samples: readonly RequestSample[];
  readonly requests: number;
  readonly serverErrors: number;
  readonly failedRequests: number;
  readonly graphqlErrors: readonly string[];
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly searches: readonly SearchOutcome[];
  readonly agent: { readonly reports: number; readonly status: string; readonly tables: number };
}

interface GraphQLResult<T> {
  readonly status: number;
  readonly data?: T;
  readonly errors: readonly string[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Named operations of the dashboard (apps/web's .graphql files), each with the fragments it spreads. */
interface DashboardOperation {
  readonly text: string;
  readonly variables: readonly string[];
}

async function dashboardOperations(): Promise<(name: string) => DashboardOperation> {
  const files = (await readdir(webOperations)).filter((f) => f.endsWith('.graphql'));
  const definitions: DefinitionNode[] = [];
  for (const file of files) definitions.push(...parse(await readFile(join(webOperations, file), 'utf8')).definitions);
  const fragments = new Map(definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  return (name) => {
    const operation = definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === name);
    if (!operation) throw new Error(`the dashboard has no operation ${name} (apps/web/src/graphql/operations)`);
    const needed = new Map<string, FragmentDefinitionNode>();
    const collect = (node: DefinitionNode): void => {
      visit(node, {
        FragmentSpread(spread) {
          const fragment = fragments.get(spread.name.value);
          if (fragment && !needed.has(fragment.name.value)) {
            needed.set(fragment.name.value, fragment);
            collect(fragment);
          }
        },
      });
    };
    collect(operation);
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...needed.values()] };
    return { text: print(document), variables: (operation.variableDefinitions ?? []).map((v) => v.variable.name.value) };
  };
}

class Recorder {
  readonly samples: RequestSample[] = [];

  constructor(private readonly url: string) {}

  async graphql<T>(kind: string, token: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> {
    const started = performance.now();
    let status = 0;
    let errors: string[];
    let data: T | undefined;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      status = response.status;
      const text = await response.text();
      try {
        const body = JSON.parse(text) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
        data = body.data ?? undefined;
        errors = (body.errors ?? []).map((e) => `${e.extensions?.code ?? 'NO_CODE'}: ${e.message}`);
      } catch {
        errors = [`non-JSON answer: ${text.slice(0, 200)}`];
      }
    } catch (error) {
      errors = [`transport: ${(error as Error).message}`];
    }
    this.samples.push({ kind, status, ms: performance.now() - started, errors });
    return { status, ...(data === undefined ? {} : { data }), errors };
  }

  /** A setup step that must work; throws with the answer otherwise. */
  async must<T>(kind: string, token: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await this.graphql<T>(kind, token, query, variables);
    if (!result.data || result.errors.length > 0) throw new Error(`${kind} failed (${result.status}): ${result.errors.join('; ')}`);
    return result.data;
  }
}

const SIGN_UP = `mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }`;
const CREATE_ORG = `mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id slug } }`;
const CREATE_PROJECT = `mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }`;
const CREATE_DEVICE = `mutation($i: CreateDeviceProfileInput!) { createDeviceProfile(input: $i) { id } }`;
const REGISTER_MODEL = `mutation($i: RegisterBuiltinModelSpecInput!) { registerBuiltinModelSpec(input: $i) { id } }`;
const PUBLISH = `mutation($i: PublishCostTableInput!) { publishCostTable(input: $i) { id } }`;
const INVITE = `mutation($i: CreateInvitationInput!) { createInvitation(input: $i) { token } }`;
const ACCEPT = `mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { id } }`;
const CREATE_TOKEN = `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }`;
const CREATE_JOB = `mutation($i: CreateProfilingJobInput!) { createProfilingJob(input: $i) { id } }`;
const LEASE = `mutation($i: LeaseProfilingJobInput!) { leaseProfilingJob(input: $i) { leaseId job { id } } }`;
const PROGRESS = `mutation($i: ReportProfilingProgressInput!) { reportProfilingProgress(input: $i) { id progress } }`;
const COMPLETE = `mutation($i: CompleteProfilingJobInput!) { completeProfilingJob(input: $i) { id status costTables { id } } }`;
const SUBMIT = `mutation($i: SubmitSearchInput!) { submitSearch(input: $i) { id } }`;
const SEARCH_STATUS = `query($slug: String!, $id: ID!) { organization(slug: $slug) { searchRequest(id: $id) { status error { code message } proposalSet { version } } } }`;

/** The strategies the searches rotate through (the dashboard's "also run LZCM and naive" among them). */
const SEARCH_PLANS = [
  { strategy: 'ILP', k: 5, diversity: 2 },
  { strategy: 'LZCM', k: 1, diversity: 1 },
  { strategy: 'NAIVE', k: 1, diversity: 1 },
  { strategy: 'ILP', k: 10, diversity: 3 },
  { strategy: 'RANDOM', k: 3, diversity: 1 },
] as const;

interface Organization {
  readonly id: string;
  readonly slug: string;
  readonly ownerToken: string;
  readonly projectId: string;
  readonly modelSpecId: string;
  readonly deviceProfileId: string;
  readonly tableIds: readonly string[];
}

async function setUp(api: Recorder, readers: number): Promise<{ org: Organization; readerTokens: string[]; agentToken: string; jobId: string }> {
  const tag = randomBytes(4).toString('hex');
  const password = 'concurrent-use-password';
  const owner = await api.must<{ signUp: { token: string } }>('setup', undefined, SIGN_UP, { i: { email: `owner-${tag}@load.test`, password, name: 'Load owner' } });
  const ownerToken = owner.signUp.token;
  const org = (await api.must<{ createOrganization: { id: string; slug: string } }>('setup', ownerToken, CREATE_ORG, { i: { name: `Load ${tag}`, slug: `load-${tag}` } })).createOrganization;
  const organizationId = org.id;
  const projectId = (await api.must<{ createProject: { id: string } }>('setup', ownerToken, CREATE_PROJECT, { i: { organizationId, name: 'Detector under load' } })).createProject.id;
  const deviceProfileId = (
    await api.must<{ createDeviceProfile: { id: string } }>('setup', ownerToken, CREATE_DEVICE, {
      i: { organizationId, name: 'Load device', processor: 'Cortex-A76', runtime: 'onnxruntime', runtimeVersion: '1.30.0', threads: 4, inputSize: 640, fusedActivations: ['relu', 'relu6', 'leakyrelu', 'hardsigmoid'] },
    })
  ).createDeviceProfile.id;
  const modelSpecId = (await api.must<{ registerBuiltinModelSpec: { id: string } }>('setup', ownerToken, REGISTER_MODEL, { i: { organizationId, builtinName: 'yolov5nu' } })).registerBuiltinModelSpec.id;
  const tableIds: string[] = [];
  for (const metric of ['latency', 'memory', 'accuracy']) {
    const content = await readFile(join(exampleTables, `${metric}.csv`), 'utf8');
    const published = await api.must<{ publishCostTable: { id: string } }>('setup', ownerToken, PUBLISH, {
      i: { organizationId, deviceProfileId, modelSpecId, metric: metric.toUpperCase(), format: 'CSV', content, provenance: { source: 'SYNTHETIC', note: 'concurrent-use driver' } },
    });
    tableIds.push(published.publishCostTable.id);
  }
  const readerTokens: string[] = [];
  for (let i = 0; i < readers; i++) {
    const email = `reader-${i}-${tag}@load.test`;
    const invitation = await api.must<{ createInvitation: { token: string } }>('setup', ownerToken, INVITE, { i: { organizationId, email, role: 'VIEWER' } });
    const reader = await api.must<{ signUp: { token: string } }>('setup', undefined, SIGN_UP, { i: { email, password, name: `Reader ${i}` } });
    await api.must('setup', reader.signUp.token, ACCEPT, { i: { token: invitation.createInvitation.token } });
    readerTokens.push(reader.signUp.token);
  }
  const agentToken = (await api.must<{ createApiToken: { secret: string } }>('setup', ownerToken, CREATE_TOKEN, { i: { organizationId, name: `agent-${tag}`, scopes: ['AGENT'] } })).createApiToken.secret;
  const jobId = (await api.must<{ createProfilingJob: { id: string } }>('setup', ownerToken, CREATE_JOB, { i: { organizationId, deviceProfileId, modelSpecId, metrics: ['LATENCY'] } })).createProfilingJob.id;
  return { org: { id: organizationId, slug: org.slug, ownerToken, projectId, modelSpecId, deviceProfileId, tableIds }, readerTokens, agentToken, jobId };
}

function searchInput(org: Organization, plan: (typeof SEARCH_PLANS)[number], key: string): Record<string, unknown> {
  return {
    organizationId: org.id,
    projectId: org.projectId,
    modelSpecId: org.modelSpecId,
    costTableIds: org.tableIds,
    objective: { sense: 'MIN', metric: { metric: 'LATENCY' } },
    budgets: [{ metric: { metric: 'ACCURACY' }, bound: 'MIN', value: -0.005, of: 'DELTA' }],
    strategy: plan.strategy,
    k: plan.k,
    diversity: plan.diversity,
    idempotencyKey: key,
  };
}

/** Submits a search and polls it (as the dashboard's search page does) until it finishes. */
async function followSearch(api: Recorder, org: Organization, index: number, deadline: number): Promise<SearchOutcome> {
  const plan = SEARCH_PLANS[index % SEARCH_PLANS.length]!;
  const submitted = performance.now();
  const key = `load-${index}-${randomBytes(4).toString('hex')}`;
  let id: string | undefined;
  // A submit answered with an error is retried with the same key, as a CI script would.
  while (!id && Date.now() < deadline) {
    const answer = await api.graphql<{ submitSearch: { id: string } }>('search:submit', org.ownerToken, SUBMIT, { i: searchInput(org, plan, key) });
    id = answer.data?.submitSearch.id;
    if (!id) await sleep(500);
  }
  if (!id) return { id: '', strategy: plan.strategy, status: 'NOT_SUBMITTED', error: null, version: null, ms: performance.now() - submitted };
  for (;;) {
    const answer = await api.graphql<{ organization: { searchRequest: { status: string; error: { code: string; message: string } | null; proposalSet: { version: number } | null } } }>(
      'search:status',
      org.ownerToken,
      SEARCH_STATUS,
      { slug: org.slug, id },
    );
    const request = answer.data?.organization.searchRequest;
    if (request && (request.status === 'SUCCEEDED' || request.status === 'FAILED')) {
      return {
        id,
        strategy: plan.strategy,
        status: request.status,
        error: request.error ? `${request.error.code}: ${request.error.message}` : null,
        version: request.proposalSet?.version ?? null,
        ms: performance.now() - submitted,
      };
    }
    if (Date.now() > deadline) return { id, strategy: plan.strategy, status: request?.status ?? 'UNKNOWN', error: 'did not finish in time', version: null, ms: performance.now() - submitted };
    await sleep(500);
  }
}

/**
 * One reader: loads dashboard pages one after another until `until`. A page is steps of queries
 * run at once; a step may use what an earlier one answered, as the page's server component does.
 */
async function read(api: Recorder, operation: (name: string) => DashboardOperation, org: Organization, token: string, offset: number, until: number): Promise<void> {
  // strips: the version page draws ten (STRIPS_SHOWN in apps/web); jobs: it lists five (JOBS_SHOWN).
  const known: Record<string, unknown> = { slug: org.slug, projectId: org.projectId, modelSpecId: org.modelSpecId, version: 1, strips: 10, jobs: 5 };
  const request = async (name: string): Promise<void> => {
    const { text, variables } = operation(name);
    const missing = variables.filter((v) => !(v in known));
    if (missing.length > 0) throw new Error(`the dashboard's ${name} now needs $${missing.join(', $')}: teach test/support/concurrent-use.ts its value`);
    const answer = await api.graphql<{ organization?: { project?: { proposalSet?: { id?: string } | null } } }>(`read:${name}`, token, text, Object.fromEntries(variables.map((v) => [v, known[v]])));
    const setId = answer.data?.organization?.project?.proposalSet?.id;
    if (name === 'ProposalSetVersion' && setId) known['proposalSetId'] = setId;
  };
  const layout = ['Viewer', 'OrganizationShell'];
  const pages: readonly (readonly (readonly string[])[])[] = [
    [[...layout, 'ProjectDashboard']],
    // The version page then asks which devices can verify the set, and the set's verification jobs
    // (until version 1 exists, the page is a 404 and asks nothing more).
    [[...layout, 'ProposalSetVersion'], ['VerifyOptions']],
    [[...layout, 'CostTables']],
    [[...layout, 'DeviceProfiles']],
    [[...layout, 'ProfilingJobs']],
  ];
  for (let n = offset; Date.now() < until; n++) {
    for (const step of pages[n % pages.length]!) {
      const ready = step.filter((name) => name !== 'VerifyOptions' || 'proposalSetId' in known);
      await Promise.all(ready.map(request));
    }
  }
}

/** The agent: leases the job, reports progress every 250 ms until `until`, then uploads its table. */
async function runAgent(api: Recorder, org: Organization, agentToken: string, jobId: string, started: number, until: number): Promise<ConcurrentUseReport['agent']> {
  const lease = await api.must<{ leaseProfilingJob: { leaseId: string; job: { id: string } } }>('agent:lease', agentToken, LEASE, { i: { organizationId: org.id, agentName: 'load-agent' } });
  const { leaseId } = lease.leaseProfilingJob;
  let reports = 0;
  while (Date.now() < until) {
    const progress = Math.min(0.99, (Date.now() - started) / (until - started));
    const answer = await api.graphql('agent:progress', agentToken, PROGRESS, { i: { organizationId: org.id, jobId, leaseId, progress } });
    if (answer.errors.length === 0) reports++;
    await sleep(250);
  }
  const content = await readFile(join(exampleTables, 'latency.csv'), 'utf8');
  const done = await api.graphql<{ completeProfilingJob: { status: string; costTables: { id: string }[] } }>('agent:complete', agentToken, COMPLETE, {
    i: { organizationId: org.id, jobId, leaseId, tables: [{ metric: 'LATENCY', format: 'CSV', content, provenance: { source: 'SYNTHETIC', producer: 'load agent' } }] },
  });
  return { reports, status: done.data?.completeProfilingJob.status ?? `not completed (${done.errors.join('; ')})`, tables: done.data?.completeProfilingJob.costTables.length ?? 0 };
}

/** Sets up an organization, then runs readers, searches and an agent at once for `durationMs`. */
export async function driveConcurrentUse(options: ConcurrentUseOptions): Promise<ConcurrentUseReport> {
  const log = options.log ?? (() => {});
  const setupApi = new Recorder(options.apiUrl);
  const operation = await dashboardOperations();
  const { org, readerTokens, agentToken, jobId } = await setUp(setupApi, options.readers);
  // Version 1 exists before the readers start, so the version page has something to show.
  const first = await followSearch(setupApi, org, 0, Date.now() + 120_000);
  if (first.status !== 'SUCCEEDED') throw new Error(`the set-up search did not succeed: ${first.status} ${first.error ?? ''}`);
  log(`set up ${org.slug}: ${options.readers} readers, ${options.searches} searches, 1 agent for ${options.durationMs / 1000} s`);

  const api = new Recorder(options.apiUrl);
  const started = Date.now();
  const until = started + options.durationMs;
  const searchDeadline = until + (options.searchGraceMs ?? 60_000);
  const spacing = (options.durationMs * 0.8) / Math.max(1, options.searches);
  const searches = Array.from({ length: options.searches }, async (_, i) => {
    await sleep(i * spacing);
    return followSearch(api, org, i, searchDeadline);
  });
  const readers = readerTokens.map((token, i) => read(api, operation, org, token, i, until));
  const agent = runAgent(api, org, agentToken, jobId, started, until);
  const [outcomes, agentOutcome] = await Promise.all([Promise.all(searches), agent, Promise.all(readers)]);
  const elapsed = Date.now() - started;

  const samples = api.samples;
  const times = samples.map((s) => s.ms);
  return {
    durationMs: elapsed,
    samples,
    requests: samples.length,
    serverErrors: samples.filter((s) => s.status >= 500).length,
    failedRequests: samples.filter((s) => s.status === 0).length,
    graphqlErrors: samples.flatMap((s) => s.errors.map((e) => `${s.kind} ${e}`)),
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    searches: outcomes,
    agent: agentOutcome,
  };
}

/** One line per request kind: count, p50, p99 and errors. */
export function summarize(report: ConcurrentUseReport): string {
  const kinds = new Map<string, RequestSample[]>();
  for (const sample of report.samples) kinds.set(sample.kind, [...(kinds.get(sample.kind) ?? []), sample]);
  const lines = [...kinds].map(([kind, samples]) => {
    const ms = samples.map((s) => s.ms);
    const errors = samples.filter((s) => s.status >= 500 || s.status === 0 || s.errors.length > 0).length;
    return `${kind.padEnd(32)} ${String(samples.length).padStart(6)} req  p50 ${percentile(ms, 50).toFixed(0).padStart(5)} ms  p99 ${percentile(ms, 99).toFixed(0).padStart(5)} ms  errors ${errors}`;
  });
  const searches = report.searches.map((s) => `${s.strategy}:${s.status}${s.version ? ` v${s.version}` : ''} in ${(s.ms / 1000).toFixed(1)} s${s.error ? ` (${s.error})` : ''}`);
  return [
    `${report.requests} requests in ${(report.durationMs / 1000).toFixed(1)} s, p50 ${report.p50Ms.toFixed(0)} ms, p99 ${report.p99Ms.toFixed(0)} ms, 5xx ${report.serverErrors}, no answer ${report.failedRequests}, GraphQL errors ${report.graphqlErrors.length}`,
    ...lines,
    `searches: ${searches.join(', ')}`,
    `agent: ${report.agent.reports} progress reports, job ${report.agent.status}, ${report.agent.tables} table(s)`,
  ].join('\n');
}
