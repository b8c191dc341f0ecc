import type { PlatformProfilingJobFragment } from '../graphql/generated.js';
import { PlatformCreateProfilingJobDocument, PlatformProfilingJobDocument, PlatformProfilingJobsDocument } from '../graphql/generated.js';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_TIMEOUT } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';
import type { CommandModule } from '../shared/command-module.js';
import { intFlag } from '../shared/flags.js';
import { pollUntil } from '../shared/poll.js';
import { statusLine } from '../shared/status-line.js';
import { metricsFlag } from './metrics-flag.js';
import { resolveDevice, resolveModel } from './names.js';
import { platformOptions } from './platform-options.js';
import type { Platform, PlatformFlags } from './platform-session.js';
import { connect } from './platform-session.js';

interface WaitFlags extends PlatformFlags {
  readonly wait?: boolean;
  readonly timeout: string;
}

interface CreateFlags extends WaitFlags {
  readonly device: string;
  readonly model: string;
  readonly metrics: string;
  readonly maxAttempts: string;
}

interface ListFlags extends PlatformFlags {
  readonly limit: string;
}

type Job = PlatformProfilingJobFragment;

function describe(job: Job): string {
  const metrics = job.metrics.map((m) => m.toLowerCase()).join(',');
  const state = job.status === 'LEASED' ? `leased by ${job.agent?.name ?? 'an agent'}, ${Math.round(100 * job.progress)}%` : job.status.toLowerCase();
  const attempts = job.attempts === 0 ? `up to ${job.maxAttempts} attempts` : `attempt ${job.attempts} of ${job.maxAttempts}`;
  return `job ${job.id}: ${metrics} of ${job.modelSpec.name} on ${job.deviceProfile.name}, ${state} (${attempts})`;
}

function outcome(job: Job): string {
  if (job.status === 'FAILED') return `${describe(job)}: ${job.errorMessage ?? 'no reason given'}`;
  const tables = job.costTables.map((t) => `${t.metric.toLowerCase()} v${t.version} (${t.id})`).join(', ');
  return job.status === 'SUCCEEDED' ? `${describe(job)}; published ${tables || 'no table'}` : describe(job);
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED']);

/** Prints the job; with --wait, waits for it: exit 0 when it succeeded, 1 when it failed, 3 on --timeout. */
async function report(io: CliIo, p: Platform, job: Job, f: WaitFlags, setExitCode: (code: number) => void): Promise<void> {
  let final = job;
  if (f.wait) {
    const timeoutMs = 1000 * intFlag(f.timeout, '--timeout', 3_600, [1, 7 * 86_400]);
    const line = statusLine(io);
    const read = async (): Promise<Job> => (await p.request(PlatformProfilingJobDocument, { slug: p.organization.slug, id: job.id })).organization.profilingJob;
    final = await pollUntil(read, (j) => TERMINAL.has(j.status), { timeoutMs, maxDelayMs: 2_000, onProgress: (j) => line.update(describe(j)) }).finally(line.stop);
    if (!TERMINAL.has(final.status)) {
      throw new CliError(`${describe(final)} after ${timeoutMs / 1000} s; it stays queued for an agent: run actnas jobs wait ${final.id} to keep waiting`, EXIT_TIMEOUT, 'TIMEOUT');
    }
  }
  io.stdout.write(f.json ? `${JSON.stringify(final)}\n` : `${outcome(final)}\n`);
  setExitCode(final.status === 'FAILED' ? EXIT_FAILURE : EXIT_OK);
}

function createAction(io: CliIo, setExitCode: (code: number) => void) {
  return async (f: CreateFlags): Promise<void> => {
    const metrics = metricsFlag(f.metrics);
    const maxAttempts = intFlag(f.maxAttempts, '--max-attempts', 3, [1, 10]);
    const p = await connect(f, io.env);
    const device = await resolveDevice(p, f.device, { owned: true });
    const model = await resolveModel(p, f.model);
    const input = { organizationId: p.organization.id, deviceProfileId: device.id, modelSpecId: model.id, metrics, maxAttempts };
    const job = (await p.request(PlatformCreateProfilingJobDocument, { input })).createProfilingJob;
    if (!f.wait && !f.json) io.stderr.write(`queued; an agent with an AGENT token of ${p.organization.slug} runs it (actnas agent); wait with actnas jobs wait ${job.id}\n`);
    await report(io, p, job, f, setExitCode);
  };
}

function waitAction(io: CliIo, setExitCode: (code: number) => void) {
  return async (id: string, f: WaitFlags): Promise<void> => {
    const p = await connect(f, io.env);
    const job = (await p.request(PlatformProfilingJobDocument, { slug: p.organization.slug, id })).organization.profilingJob;
    await report(io, p, job, { ...f, wait: true }, setExitCode);
  };
}

function listAction(io: CliIo, setExitCode: (code: number) => void) {
  return async (f: ListFlags): Promise<void> => {
    const first = intFlag(f.limit, '--limit', 20, [1, 100]);
    const p = await connect(f, io.env);
    const jobs = (await p.request(PlatformProfilingJobsDocument, { slug: p.organization.slug, first })).organization.profilingJobs.nodes;
    if (f.json) io.stdout.write(`${JSON.stringify(jobs)}\n`);
    else io.stdout.write(jobs.length === 0 ? `no profiling jobs in ${p.organization.slug}\n` : jobs.map((j) => `${outcome(j)}\n`).join(''));
    setExitCode(EXIT_OK);
  };
}

const TIMEOUT: readonly [string, string, string] = ['--timeout <s>', 'seconds to wait', '3600'];

/** `actnas jobs create|wait|list`: profiling jobs for the organization's agents, by device and model name. */
export const jobsCommand: CommandModule = (program, io, setExitCode) => {
  const jobs = program.command('jobs').description('queue profiling jobs for your device agents, wait for them, list them');
  const create = jobs
    .command('create')
    .description('queue a profiling job: an agent on the device measures the model and publishes its tables; with --wait, exit 0 when it succeeded, 1 when it failed, 3 on --timeout')
    .requiredOption('--device <name|id>', 'device profile of your organization')
    .requiredOption('--model <name|id>', 'model spec of your organization (a built-in or an upload: actnas model upload)')
    .option('--metrics <list>', 'latency, memory, accuracy, comma-separated, or all', 'all')
    .option('--max-attempts <n>', 'attempts before the job fails (1–10)', '3')
    .option('--wait', 'wait until an agent has finished it')
    .option(...TIMEOUT);
  platformOptions(create).action(createAction(io, setExitCode));
  const wait = jobs.command('wait').description('wait for a profiling job to end: exit 0 when it succeeded, 1 when it failed, 3 on --timeout').argument('<id>', 'job id').option(...TIMEOUT);
  platformOptions(wait).action(waitAction(io, setExitCode));
  const list = jobs.command('list').description('the newest profiling jobs of the organization, with their state and tables').option('--limit <n>', 'how many (1–100)', '20');
  platformOptions(list).action(listAction(io, setExitCode));
};
