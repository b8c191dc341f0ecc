import { createHash } from 'node:crypto';
import type {
  BudgetInput, Metric, MetricRefInput, ObjectiveInput, PlatformCostTableSummaryFragment, PlatformDeviceFragment, PlatformSearchFragment, SearchStrategy, SubmitSearchInput,
} from '../graphql/generated.js';
import { PlatformCostTableDocument, PlatformSearchRequestDocument, PlatformSubmitSearchDocument } from '../graphql/generated.js';
import { CliError, CliUsageError, EXIT_FAILURE, EXIT_OK, EXIT_TIMEOUT, EXIT_USAGE } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';
import { pollUntil } from '../shared/poll.js';
import { statusLine } from '../shared/status-line.js';
import { intFlag, numberFlag } from '../shared/flags.js';
import { findTable, resolveDevice, resolveModel, resolveProject } from './names.js';
import type { Platform, PlatformFlags } from './platform-session.js';
import { connect } from './platform-session.js';
import { formatSearch } from './search-report.js';

export interface SubmitFlags extends PlatformFlags {
  readonly project: string;
  readonly model: string;
  readonly device: readonly string[];
  readonly table: readonly string[];
  readonly objective: string;
  readonly maxAccuracyDrop?: string;
  readonly maxLatency?: string;
  readonly maxMemory?: string;
  readonly maxPeakMemory?: string;
  readonly k: string;
  readonly diversity: string;
  readonly strategy: string;
  readonly candidates?: string;
  readonly lock: readonly string[];
  readonly idempotencyKey?: string;
  readonly wait?: boolean;
  readonly timeout: string;
  /** Verify each round's proposals on a device (an agent measures them) and tighten broken budgets, for at most N rounds. */
  readonly verifyRounds?: string;
  /** The device profile to verify on (name or id); default: the only --device. */
  readonly verifyDevice?: string;
}

const STRATEGIES = ['ilp', 'exact', 'random', 'lzcm', 'naive', 'pareto'] as const;
const METRIC_NAMES: Readonly<Record<string, Metric>> = { latency: 'LATENCY', memory: 'MEMORY', accuracy: 'ACCURACY' };

/** What the flags ask for, checked before any request. */
interface Plan {
  readonly objective: { readonly sense: 'MIN' | 'MAX'; readonly metric: Metric; readonly device?: string };
  readonly budgets: readonly { readonly metric: Metric; readonly bound: 'MAX' | 'MIN'; readonly of: 'TOTAL' | 'DELTA'; readonly value: number; readonly perDevice: boolean }[];
  readonly k: number;
  readonly diversity: number;
  readonly strategy: SearchStrategy;
  readonly candidates?: readonly string[];
  readonly locks: readonly { readonly site: string; readonly activation: string }[];
  readonly timeoutMs: number;
  readonly verifyRounds?: number;
}

function parseObjective(text: string): Plan['objective'] {
  const m = /^(min|max)-([a-z]+)(?:@(.+))?$/.exec(text);
  const metric = m ? METRIC_NAMES[m[2]!] : undefined;
  if (!m || !metric) throw new CliUsageError(`bad --objective "${text}" (use min-latency, min-memory, max-accuracy, or min-latency@DEVICE with several devices)`);
  return { sense: m[1] === 'min' ? 'MIN' : 'MAX', metric, ...(m[3] === undefined ? {} : { device: m[3] }) };
}

/** Activation names checked here (loading the search engine only when --candidates is given). */
async function candidatesOf(text: string | undefined): Promise<readonly string[] | undefined> {
  if (text === undefined) return undefined;
  const { candidatesFlag } = await import('../shared/activation-flags.js');
  return candidatesFlag(text).map((k) => k.id);
}

function planOf(f: SubmitFlags, candidates: readonly string[] | undefined): Plan {
  if (f.device.length === 0 && f.table.length === 0) throw new CliUsageError('name a --device (or pin --table ids)');
  const budgets: Plan['budgets'][number][] = [];
  if (f.maxAccuracyDrop !== undefined) budgets.push({ metric: 'ACCURACY', bound: 'MIN', of: 'DELTA', value: -numberFlag(f.maxAccuracyDrop, '--max-accuracy-drop', 0), perDevice: false });
  if (f.maxLatency !== undefined) budgets.push({ metric: 'LATENCY', bound: 'MAX', of: 'TOTAL', value: positive(f.maxLatency, '--max-latency'), perDevice: true });
  if (f.maxMemory !== undefined) budgets.push({ metric: 'MEMORY', bound: 'MAX', of: 'TOTAL', value: positive(f.maxMemory, '--max-memory'), perDevice: true });
  if (f.maxPeakMemory !== undefined) budgets.push({ metric: 'PEAK_MEMORY', bound: 'MAX', of: 'TOTAL', value: positive(f.maxPeakMemory, '--max-peak-memory'), perDevice: true });
  const strategy = f.strategy.toLowerCase();
  if (!(STRATEGIES as readonly string[]).includes(strategy)) throw new CliUsageError(`bad --strategy "${f.strategy}" (use ${STRATEGIES.join(', ')})`);
  return {
    objective: parseObjective(f.objective),
    budgets,
    k: intFlag(f.k, '--k', 10, [1, 100]),
    diversity: intFlag(f.diversity, '--diversity', 3, [1, 1000]),
    strategy: strategy.toUpperCase() as SearchStrategy,
    ...(candidates === undefined ? {} : { candidates }),
    locks: f.lock.map(parseLock),
    timeoutMs: 1000 * intFlag(f.timeout, '--timeout', 600, [1, 86_400]),
    ...verifyPlan(f),
  };
}

function verifyPlan(f: SubmitFlags): { verifyRounds?: number } {
  if (f.verifyRounds === undefined) {
    if (f.verifyDevice !== undefined) throw new CliUsageError('--verify-device needs --verify-rounds');
    return {};
  }
  return { verifyRounds: intFlag(f.verifyRounds, '--verify-rounds', 1, [1, 5]) };
}

/** SubmitSearchInput.verify: on --verify-device (one of the --device profiles, or any the login sees), else the API's default (the only device). */
async function verifyInput(p: Platform, plan: Plan, f: SubmitFlags, chosen: Chosen): Promise<Pick<SubmitSearchInput, 'verify'>> {
  if (plan.verifyRounds === undefined) return {};
  if (f.verifyDevice === undefined) {
    if (chosen.devices.length > 1) throw new CliUsageError(`--verify-rounds with ${chosen.devices.length} devices: name the one to verify on with --verify-device`);
    return { verify: { rounds: plan.verifyRounds } };
  }
  const device = chosen.devices.find((d) => d.name === f.verifyDevice || d.id === f.verifyDevice) ?? (await resolveDevice(p, f.verifyDevice, { owned: false }));
  return { verify: { rounds: plan.verifyRounds, deviceProfileId: device.id } };
}

function positive(text: string, flag: string): number {
  const n = numberFlag(text, flag, 0);
  if (n <= 0) throw new CliUsageError(`${flag} must be > 0, got "${text}"`);
  return n;
}

function parseLock(text: string): { site: string; activation: string } {
  const i = text.indexOf('=');
  if (i <= 0 || i === text.length - 1) throw new CliUsageError(`bad --lock "${text}" (expected SITE=ACTIVATION)`);
  return { site: text.slice(0, i).trim(), activation: text.slice(i + 1).trim() };
}

interface Chosen {
  readonly devices: readonly PlatformDeviceFragment[];
  readonly tables: readonly PlatformCostTableSummaryFragment[];
}

/**
 * The newest latency and memory table of the model on every device, and the newest accuracy table
 * of the first device that has one; or exactly the --table ids.
 */
async function chooseTables(p: Platform, f: SubmitFlags, modelName: string, devices: readonly PlatformDeviceFragment[]): Promise<Chosen> {
  if (new Set(devices.map((d) => d.id)).size !== devices.length) throw new CliUsageError('a --device is named twice');
  if (f.table.length > 0) {
    const slug = p.organization.slug;
    const tables = [];
    for (const id of f.table) tables.push((await p.request(PlatformCostTableDocument, { slug, id })).organization.costTable);
    const all = [...devices, ...tables.map((t) => t.deviceProfile).filter((d) => !devices.some((x) => x.id === d.id))];
    return { devices: all, tables };
  }
  const found: { device: PlatformDeviceFragment; metric: Metric; table: PlatformCostTableSummaryFragment | undefined }[] = [];
  for (const device of devices) {
    for (const metric of ['LATENCY', 'MEMORY', 'ACCURACY'] as const) found.push({ device, metric, table: await findTable(p, device, modelName, metric) });
  }
  const tables = found.filter((x) => x.metric !== 'ACCURACY' && x.table).map((x) => x.table!);
  const accuracy = found.find((x) => x.metric === 'ACCURACY' && x.table)?.table;
  return { devices, tables: accuracy ? [...tables, accuracy] : tables };
}

/** Metric refs of the chosen tables; a metric on several devices names the device. PEAK_MEMORY needs memory tables with live-set rows. */
function refsFor(metric: Metric, chosen: Chosen, perDevice: boolean, what: string): MetricRefInput[] {
  if (metric === 'PEAK_MEMORY') {
    const memory = chosen.tables.filter((t) => t.metric === 'MEMORY');
    const bare = memory.find((t) => t.liveSetSteps === null || t.liveSetSteps === undefined);
    if (memory.length === 0 || bare) {
      const where = bare ? `memory table v${bare.version} of ${bare.deviceProfile.name}` : `memory table of ${chosen.devices.map((d) => d.name).join(', ')}`;
      throw new CliUsageError(`${what} needs live-set rows with the ${where}: publish it with actnas tables publish mem.csv --metric memory --live-set rows.json`, 'NOT_FOUND');
    }
    return memory.map((t) => ({ metric, deviceProfileId: t.deviceProfile.id }));
  }
  const tables = chosen.tables.filter((t) => t.metric === metric);
  if (tables.length === 0) {
    const devices = chosen.devices.map((d) => d.name).join(', ');
    throw new CliUsageError(`${what} needs a ${metric.toLowerCase()} table, and none of the model is published for ${devices}`, 'NOT_FOUND');
  }
  if (!perDevice) return [{ metric, deviceProfileId: tables[0]!.deviceProfile.id }];
  return tables.map((t) => ({ metric, deviceProfileId: t.deviceProfile.id }));
}

function objectiveInput(plan: Plan, chosen: Chosen): ObjectiveInput {
  const { sense, metric, device } = plan.objective;
  const refs = refsFor(metric, chosen, true, `--objective ${sense.toLowerCase()}-${metric.toLowerCase()}`);
  if (device !== undefined) {
    const match = chosen.devices.find((d) => d.name === device || d.id === device);
    const ref = match && refs.find((r) => r.deviceProfileId === match.id);
    if (!ref) throw new CliUsageError(`--objective: "${device}" is not one of the --device profiles with a ${metric.toLowerCase()} table`);
    return { sense, metric: ref };
  }
  if (refs.length > 1) {
    throw new CliUsageError(`--objective ${sense.toLowerCase()}-${metric.toLowerCase()} is ambiguous with ${refs.length} devices: add @DEVICE (${chosen.devices.map((d) => d.name).join(', ')})`);
  }
  return { sense, metric: refs[0]! };
}

function budgetInputs(plan: Plan, chosen: Chosen): BudgetInput[] {
  return plan.budgets.flatMap((b) =>
    refsFor(b.metric, chosen, b.perDevice, b.metric === 'PEAK_MEMORY' ? '--max-peak-memory' : `a ${b.metric.toLowerCase()} budget`).map((metric) => ({ metric, bound: b.bound, of: b.of, value: b.value })),
  );
}

/**
 * The CI run as an idempotency key, so a retried step returns the search it already submitted
 * instead of searching again; the request's hash keeps two different searches of one run apart.
 */
export function ciIdempotencyKey(env: NodeJS.ProcessEnv, input: Omit<SubmitSearchInput, 'idempotencyKey'>): string | undefined {
  const run =
    env['GITHUB_ACTIONS'] === 'true' && env['GITHUB_RUN_ID']
      ? `github:${env['GITHUB_REPOSITORY'] ?? ''}:${env['GITHUB_RUN_ID']}:${env['GITHUB_RUN_ATTEMPT'] ?? '1'}:${env['GITHUB_JOB'] ?? ''}`
      : env['GITLAB_CI'] === 'true' && env['CI_JOB_ID']
        ? `gitlab:${env['CI_PROJECT_ID'] ?? ''}:${env['CI_PIPELINE_ID'] ?? ''}:${env['CI_JOB_ID']}`
        : env['BUILDKITE_JOB_ID']
          ? `buildkite:${env['BUILDKITE_JOB_ID']}`
          : env['CIRCLE_WORKFLOW_JOB_ID']
            ? `circleci:${env['CIRCLE_WORKFLOW_JOB_ID']}`
            : env['JENKINS_URL'] && env['BUILD_TAG']
              ? `jenkins:${env['BUILD_TAG']}`
              : undefined;
  if (run === undefined) return undefined;
  const hash = createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 16);
  const key = `${run}:${hash}`;
  return key.length <= 200 ? key : `ci:${createHash('sha256').update(key).digest('hex')}`;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED']);

/** A proposal meets the budgets: as measured when the search verified (a verify loop ended), else as predicted. */
function passes(search: PlatformSearchFragment): boolean {
  const proposals = search.proposalSet?.proposals ?? [];
  return search.verification ? proposals.some((q) => q.measuredFeasible === true) : proposals.some((q) => q.feasible);
}

/**
 * 0: a proposal meets the budgets (with verification: as measured); 1: infeasible, none does, or
 * the verification failed; 2: the search was refused as bad input; 3: still running (or verifying).
 */
export function exitCodeOf(search: PlatformSearchFragment): number {
  if (search.status === 'SUCCEEDED') return passes(search) ? EXIT_OK : EXIT_FAILURE;
  if (search.status === 'FAILED') return search.error?.code === 'BAD_USER_INPUT' || search.error?.code === 'NOT_FOUND' ? EXIT_USAGE : EXIT_FAILURE;
  return EXIT_TIMEOUT;
}

/** `actnas search submit`: a search on the platform by names; with --wait, a CI gate. */
export async function submitSearch(f: SubmitFlags, io: CliIo, setExitCode: (code: number) => void): Promise<void> {
  const plan = planOf(f, await candidatesOf(f.candidates));
  const env = io.env ?? process.env;
  const p = await connect(f, env);
  // One request at a time: the embedded database (PGlite behind one socket) fails concurrent
  // requests of one client today, and these few round trips cost tens of milliseconds.
  const project = await resolveProject(p, f.project);
  const model = await resolveModel(p, f.model);
  const devices: PlatformDeviceFragment[] = [];
  for (const d of f.device) devices.push(await resolveDevice(p, d, { owned: false }));
  const chosen = await chooseTables(p, f, model.name, devices);
  const input: Omit<SubmitSearchInput, 'idempotencyKey'> = {
    organizationId: p.organization.id,
    projectId: project.id,
    modelSpecId: model.id,
    costTableIds: chosen.tables.map((t) => t.id),
    objective: objectiveInput(plan, chosen),
    budgets: budgetInputs(plan, chosen),
    strategy: plan.strategy,
    k: plan.k,
    diversity: plan.diversity,
    ...(plan.candidates ? { candidates: [...plan.candidates] } : {}),
    ...(plan.locks.length ? { locks: [...plan.locks] } : {}),
    ...(await verifyInput(p, plan, f, chosen)),
  };
  const key = f.idempotencyKey ?? ciIdempotencyKey(env, input);
  const submitted = (await p.request(PlatformSubmitSearchDocument, { input: { ...input, ...(key ? { idempotencyKey: key } : {}) } })).submitSearch;
  const names = new Map(chosen.devices.map((d) => [d.id, d.name]));
  if (!f.wait) {
    io.stdout.write(f.json ? `${JSON.stringify(report(submitted, chosen, null))}\n` : `submitted search ${submitted.id} (${submitted.status.toLowerCase()}) to project ${project.name}; wait with --wait\n`);
    setExitCode(EXIT_OK);
    return;
  }
  const progress = statusLine(io);
  const show = (s: PlatformSearchFragment): void => progress.update(`search ${s.id}: ${s.status.toLowerCase()} ${Math.round(100 * s.progress)}%`);
  const read = async (): Promise<PlatformSearchFragment> => (await p.request(PlatformSearchRequestDocument, { slug: p.organization.slug, id: submitted.id })).organization.searchRequest;
  const search = await pollUntil(read, (s) => TERMINAL.has(s.status), { timeoutMs: plan.timeoutMs, maxDelayMs: 1_000, firstDelayMs: 50, onProgress: show }).finally(progress.stop);
  const code = exitCodeOf(search);
  io.stdout.write(f.json ? `${JSON.stringify(report(search, chosen, code))}\n` : formatSearch(search, names) + formatVerification(search, names));
  if (code === EXIT_TIMEOUT) {
    throw new CliError(`search ${search.id} is still ${search.status.toLowerCase()} after ${plan.timeoutMs / 1000} s; it keeps running: run the same command again to keep waiting`, EXIT_TIMEOUT, 'TIMEOUT');
  }
  setExitCode(code);
}

/** The verify loop in CI logs: each round, its tightenings, and whether the budgets hold as measured. */
function formatVerification(s: PlatformSearchFragment, devices: ReadonlyMap<string, string>): string {
  const v = s.verification;
  if (!v) return '';
  const named = (text: string): string => [...devices].reduce((out, [id, name]) => out.split(id).join(name), text);
  const lines = v.history.map((r) => {
    const judged = r.measuredFeasible === null || r.measuredFeasible === undefined ? 'not measured yet' : `${r.measuredFeasible} meet every budget as measured`;
    const moved = r.tightened.map((t) => `; ${t.breakers} break ${named(t.budget)}: tightened to ${named(t.to)} (residual ${t.residual.toFixed(4)})`).join('');
    return `verify round ${r.round}/${v.rounds}: ${r.proposals} proposal(s), ${r.measured} measured, ${judged}${moved}`;
  });
  const feasible = s.proposalSet?.proposals.filter((q) => q.measuredFeasible === true).length ?? 0;
  if (v.met === true) lines.push(v.stoppedBy === 'MET' ? 'verified: the last round meets every budget as measured' : `verified: ${feasible} proposal(s) meet every budget as measured (ranked first); ${v.stoppedBy === 'INFEASIBLE' ? 'a tightened round found nothing' : 'the rounds ran out'}`);
  if (v.met === false) {
    const why = v.stoppedBy === 'INFEASIBLE' ? 'a tightened round found nothing' : 'the rounds ran out';
    const missed = v.missed.map((m) => `${named(m.budget)} broken by ${m.breakers}, the closest by ${m.excess.toFixed(4)}`).join('; ');
    lines.push(`not verified: ${why}${missed ? `; ${missed}` : ''}; no proposal meets every budget as measured`);
  }
  return `${lines.join('\n')}\n`;
}

function report(search: PlatformSearchFragment, chosen: Chosen, exitCode: number | null) {
  const best = search.verification ? (search.proposalSet?.proposals.find((q) => q.measuredFeasible === true) ?? null) : (search.proposalSet?.proposals.find((q) => q.feasible) ?? null);
  return {
    searchRequest: { id: search.id, status: search.status, idempotencyKey: search.idempotencyKey ?? null, error: search.error ?? null, project: search.project },
    tables: chosen.tables.map((t) => ({ id: t.id, metric: t.metric, version: t.version, device: t.deviceProfile.name })),
    proposalSet: search.proposalSet ?? null,
    best,
    passed: exitCode === null ? null : exitCode === EXIT_OK,
    exitCode,
  };
}
