import type { Metric, PlatformProposalSetToVerifyQuery, PlatformVerificationJobFragment } from '../graphql/generated.js';
import {
  PlatformLatestProposalSetDocument, PlatformProposalSetToVerifyDocument, PlatformVerificationJobDocument, PlatformVerificationJobsDocument, PlatformVerifyProposalSetDocument,
} from '../graphql/generated.js';
import { CliError, CliUsageError, EXIT_FAILURE, EXIT_OK, EXIT_TIMEOUT } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';
import { intFlag } from '../shared/flags.js';
import { pollUntil } from '../shared/poll.js';
import { parseRanks } from '../verify/proposal-file.js';
import { metricsFlag } from './metrics-flag.js';
import { deviceNames, resolveDevice, resolveProject, withDeviceNames } from './names.js';
import type { Platform, PlatformFlags } from './platform-session.js';
import { connect } from './platform-session.js';

export interface VerifyFlags extends PlatformFlags {
  readonly project: string;
  readonly version?: string;
  readonly device: string;
  readonly ranks: string;
  readonly metrics?: string;
  readonly wait?: boolean;
  readonly timeout: string;
}

type ProposalSet = NonNullable<PlatformProposalSetToVerifyQuery['organization']['project']['proposalSet']>;
type Proposal = ProposalSet['proposals'][number];
type Budget = NonNullable<ProposalSet['searchRequest']>['budgets'][number];
type Measurement = PlatformVerificationJobFragment['measurements'][number];

/** One budget of the search judged for one proposal: on the measurement when the job measured it, else on the prediction. */
export interface BudgetCheck {
  readonly budget: string;
  readonly metric: Metric;
  readonly limit: number;
  readonly predicted: number | null;
  readonly measured: number | null;
  /** What `ok` was judged on. */
  readonly judgedOn: 'measured' | 'predicted';
  readonly ok: boolean;
}

export interface VerifiedRank {
  readonly rank: number;
  readonly feasibleAsPredicted: boolean;
  readonly meetsBudgetsAsMeasured: boolean;
  readonly checks: readonly BudgetCheck[];
  readonly measurements: readonly Measurement[];
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED']);

async function setToVerify(p: Platform, projectId: string, projectName: string, wanted: number | undefined): Promise<ProposalSet> {
  const slug = p.organization.slug;
  const version = wanted ?? (await p.request(PlatformLatestProposalSetDocument, { slug, projectId })).organization.project.latestProposalSet?.version;
  if (version === undefined) throw new CliUsageError(`project ${projectName} has no proposal set yet: submit a search first`, 'NOT_FOUND');
  const set = (await p.request(PlatformProposalSetToVerifyDocument, { slug, projectId, version })).organization.project.proposalSet;
  if (!set) throw new CliUsageError(`project ${projectName} has no proposal set version ${version}`, 'NOT_FOUND');
  return set;
}

/** A queued or running job of the same set, device, ranks and metrics (a retried CI step keeps waiting on it); else a new one. */
async function jobFor(p: Platform, set: ProposalSet, deviceProfileId: string, ranks: readonly number[], metrics: readonly Metric[] | undefined): Promise<PlatformVerificationJobFragment> {
  const slug = p.organization.slug;
  const key = (list: readonly (string | number)[]): string => [...list].sort().join(',');
  const same = (j: PlatformVerificationJobFragment): boolean =>
    !TERMINAL.has(j.status) && j.proposalSet.id === set.id && j.deviceProfile.id === deviceProfileId && key(j.ranks) === key(ranks) && (metrics === undefined || key(j.metrics) === key(metrics));
  const open = (await p.request(PlatformVerificationJobsDocument, { slug, proposalSetId: set.id })).organization.verificationJobs.nodes.find(same);
  if (open) return open;
  const input = { organizationId: p.organization.id, proposalSetId: set.id, deviceProfileId, ranks: [...ranks], ...(metrics ? { metrics: [...metrics] } : {}) };
  return (await p.request(PlatformVerifyProposalSetDocument, { input })).verifyProposalSet;
}

/** `latency@pi5 ≤ 45`, `accuracy Δ ≥ -0.005`. */
function describeBudget(b: Budget, devices: ReadonlyMap<string, string>): string {
  const metric = withDeviceNames(`${b.metric.metric.toLowerCase()}${b.metric.deviceProfileId ? `@${b.metric.deviceProfileId}` : ''}`, devices);
  return `${metric}${b.of === 'DELTA' ? ' Δ' : ''} ${b.bound === 'MAX' ? '≤' : '≥'} ${b.value}`;
}

/** What measures a budget's metric: the planner's peak of the whole model (MEMORY) for a peak-memory budget. */
const measuredMetric = (metric: Metric): Metric => (metric === 'PEAK_MEMORY' ? 'MEMORY' : metric);

/** The job's measurement for a budget: its metric on the verified device (NWOT is the device's too). */
function measurementFor(b: Budget, rank: number, job: PlatformVerificationJobFragment): Measurement | undefined {
  const metric = measuredMetric(b.metric.metric);
  const onDevice = b.metric.deviceProfileId == null || b.metric.deviceProfileId === job.deviceProfile.id || metric === 'ACCURACY';
  return onDevice ? job.measurements.find((m) => m.rank === rank && m.metric === metric) : undefined;
}

function check(b: Budget, proposal: Proposal, job: PlatformVerificationJobFragment, devices: ReadonlyMap<string, string>): BudgetCheck {
  const totalOf = (metric: Metric) => proposal.totals.find((t) => t.metric === metric && (t.deviceProfileId ?? null) === (b.metric.deviceProfileId ?? null));
  const total = totalOf(b.metric.metric);
  const predicted = total ? (b.of === 'TOTAL' ? total.total : total.delta) : null;
  const m = measurementFor(b, proposal.rank, job);
  const reference = totalOf(measuredMetric(b.metric.metric))?.reference;
  const measured = m ? (b.of === 'DELTA' ? m.measured : (m.measuredTotal ?? (reference === undefined ? null : reference + m.measured))) : null;
  const within = (x: number): boolean => (b.bound === 'MAX' ? x <= b.value : x >= b.value);
  const judgedOn = measured !== null ? 'measured' : 'predicted';
  const ok = measured !== null ? within(measured) : predicted !== null ? within(predicted) : proposal.feasible;
  return { budget: describeBudget(b, devices), metric: b.metric.metric, limit: b.value, predicted, measured, judgedOn, ok };
}

/** Every verified rank against every budget of the search. */
export function judge(set: ProposalSet, job: PlatformVerificationJobFragment, devices: ReadonlyMap<string, string>): VerifiedRank[] {
  const budgets = set.searchRequest?.budgets ?? [];
  return job.ranks.map((rank) => {
    const proposal = set.proposals.find((q) => q.rank === rank)!;
    const checks = budgets.map((b) => check(b, proposal, job, devices));
    return { rank, feasibleAsPredicted: proposal.feasible, meetsBudgetsAsMeasured: checks.every((c) => c.ok), checks, measurements: job.measurements.filter((m) => m.rank === rank) };
  });
}

/** 0 when the best verified proposal (the lowest rank) meets every budget of the search as measured; 1 when it does not or the job failed. */
export function gateCode(job: PlatformVerificationJobFragment, ranks: readonly VerifiedRank[]): number {
  if (job.status !== 'SUCCEEDED') return job.status === 'FAILED' ? EXIT_FAILURE : EXIT_TIMEOUT;
  return ranks[0]?.meetsBudgetsAsMeasured ? EXIT_OK : EXIT_FAILURE;
}

const num = (x: number | null | undefined, unit = ''): string => (x === null || x === undefined ? '-' : `${Math.abs(x) !== 0 && Math.abs(x) < 0.1 ? x.toPrecision(4) : x.toFixed(3)}${unit}`);

function formatReport(projectName: string, set: ProposalSet, job: PlatformVerificationJobFragment, ranks: readonly VerifiedRank[], code: number): string {
  const agent = job.agent?.name ? `, agent "${job.agent.name}"` : '';
  const lines = [`verification job ${job.id}: ${job.status.toLowerCase()} (attempt ${job.attempts}/${job.maxAttempts}${agent}) · project ${projectName} version ${set.version} on ${job.deviceProfile.name}`];
  if (job.status === 'FAILED') lines.push(`failed: ${job.errorMessage ?? 'no reason given'}`);
  if (job.status === 'SUCCEEDED') {
    for (const r of ranks) {
      lines.push(`proposal ${r.rank}: ${r.meetsBudgetsAsMeasured ? 'meets every budget as measured' : 'breaks a budget as measured'}${r.feasibleAsPredicted ? '' : ' (infeasible as predicted)'}`);
      for (const m of r.measurements) {
        const unit = set.proposals.find((q) => q.rank === r.rank)?.totals.find((t) => t.metric === m.metric)?.unit ?? '';
        lines.push(`  ${m.metric.toLowerCase().padEnd(9)} predicted Δ ${num(m.predicted).padStart(9)}   measured Δ ${num(m.measured).padStart(9)} [${num(m.ciLow)}, ${num(m.ciHigh)}]  total ${num(m.measuredTotal)} ${unit}  (${m.runs} run${m.runs === 1 ? '' : 's'}${m.host ? ` on ${m.host}` : ''})`);
      }
      for (const c of r.checks) lines.push(`  budget ${c.budget}: ${c.ok ? 'ok' : 'BROKEN'} (${c.judgedOn} ${num(c.judgedOn === 'measured' ? c.measured : c.predicted)})`);
    }
    lines.push(code === EXIT_OK ? `passed: proposal ${ranks[0]!.rank} meets every budget as measured` : `failed: proposal ${ranks[0]!.rank} breaks a budget as measured`);
  }
  return `${lines.join('\n')}\n`;
}

/** `actnas proposals verify`: queue (or reuse) a verification job, wait for an agent to measure it, gate on the measurements. */
export async function verifyProposals(f: VerifyFlags, io: CliIo, setExitCode: (code: number) => void): Promise<void> {
  const wanted = f.version === undefined ? undefined : intFlag(f.version, '--version', 1, [1, 1_000_000]);
  const timeoutMs = 1000 * intFlag(f.timeout, '--timeout', 1800, [1, 86_400]);
  const metrics = f.metrics === undefined ? undefined : metricsFlag(f.metrics);
  const p = await connect(f, io.env ?? process.env);
  const project = await resolveProject(p, f.project);
  const set = await setToVerify(p, project.id, project.name, wanted);
  const ranks = parseRanks(f.ranks, set.proposals.map((q) => q.rank), `version ${set.version} of ${project.name}`).sort((a, b) => a - b);
  const device = await resolveDevice(p, f.device, { owned: false });
  const queued = await jobFor(p, set, device.id, ranks, metrics);
  if (!f.wait) {
    io.stdout.write(f.json ? `${JSON.stringify({ project: project.name, version: set.version, job: queued })}\n` : `verification job ${queued.id} (${queued.status.toLowerCase()}) for proposals ${ranks.join(',')} of ${project.name} version ${set.version} on ${device.name}; an agent (actnas agent) measures it; wait with --wait\n`);
    setExitCode(EXIT_OK);
    return;
  }
  const read = async (): Promise<PlatformVerificationJobFragment> => (await p.request(PlatformVerificationJobDocument, { slug: p.organization.slug, id: queued.id })).organization.verificationJob;
  const job = await pollUntil(read, (j) => TERMINAL.has(j.status), { timeoutMs, maxDelayMs: 2_000 });
  const verified = job.status === 'SUCCEEDED' ? judge(set, job, await deviceNames(p)) : [];
  const code = gateCode(job, verified);
  const report = { project: project.name, version: set.version, device: device.name, job: { id: job.id, status: job.status, attempts: job.attempts, maxAttempts: job.maxAttempts, errorMessage: job.errorMessage ?? null }, proposals: verified, passed: code === EXIT_OK, exitCode: code };
  io.stdout.write(f.json ? `${JSON.stringify(report)}\n` : formatReport(project.name, set, job, verified, code));
  if (code === EXIT_TIMEOUT) {
    throw new CliError(`verification job ${job.id} is still ${job.status.toLowerCase()} after ${timeoutMs / 1000} s (is an agent running for this organization?); it stays queued: run the same command again to keep waiting`, EXIT_TIMEOUT, 'TIMEOUT');
  }
  setExitCode(code);
}
