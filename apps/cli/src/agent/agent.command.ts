import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { LatencyMode } from '@actnas/devices';
import { PROFILE_DEFAULTS, runtimeIds } from '@actnas/devices';
import { GraphQLClient, ApiError, TransportError } from '../graphql/graphql.client.js';
import type { JobKind } from './agent.jobs.js';
import { JOB_KINDS } from './agent.jobs.js';
import { runAgent } from './agent.loop.js';
import type { AgentSettings } from './agent.profiler.js';
import { DEFAULT_MAX_MODEL_MB } from './agent.model-file.js';
import { CliUsageError } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';
import type { CommandModule } from '../shared/command-module.js';
import { candidatesFlag } from '../shared/activation-flags.js';
import { intFlag } from '../shared/flags.js';

interface AgentFlags {
  readonly api: string;
  readonly token?: string;
  readonly org?: string;
  readonly name?: string;
  readonly runtime: string;
  readonly threads?: string;
  readonly mode: string;
  readonly maxPairs: string;
  readonly maxCellSeconds: string;
  readonly anchorPairs: string;
  readonly candidates: string;
  readonly leaseSeconds: string;
  readonly pollInterval: string;
  readonly once?: boolean;
  readonly workDir: string;
  readonly maxModelMb: string;
  readonly jobs: string;
}

const TOKEN_ENV = 'ACTNAS_AGENT_TOKEN';
/** API answers that no retry fixes: the user must change the token or the URL. */
const USER_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

function apiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliUsageError(`--api must be the API's GraphQL URL, e.g. http://127.0.0.1:4000/graphql, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliUsageError(`--api must be an http(s) URL, got "${value}"`);
  return url.toString();
}

const MIB = 1024 * 1024;

function settingsOf(f: AgentFlags, cwd: string, api: { readonly url: string; readonly token: string }): AgentSettings {
  if (!runtimeIds().includes(f.runtime)) throw new CliUsageError(`--runtime must be one of ${runtimeIds().join(', ')}, got "${f.runtime}"`);
  if (f.mode !== 'micro' && f.mode !== 'full') throw new CliUsageError(`--mode must be micro or full, got "${f.mode}"`);
  return {
    name: f.name ?? hostname(),
    runtime: f.runtime,
    ...(f.threads === undefined ? {} : { threads: intFlag(f.threads, '--threads', 1, [1, 256]) }),
    mode: f.mode as LatencyMode,
    maxPairs: intFlag(f.maxPairs, '--max-pairs', PROFILE_DEFAULTS.maxPairs, [2, 1_000_000]),
    maxCellSeconds: intFlag(f.maxCellSeconds, '--max-cell-seconds', PROFILE_DEFAULTS.maxCellSeconds, [1, 86_400]),
    anchorPairs: intFlag(f.anchorPairs, '--anchor-pairs', PROFILE_DEFAULTS.calibrationPairs, [0, 1_000_000]),
    candidates: candidatesFlag(f.candidates),
    workDir: resolve(cwd, f.workDir),
    modelFiles: { apiUrl: api.url, token: api.token, maxBytes: intFlag(f.maxModelMb, '--max-model-mb', DEFAULT_MAX_MODEL_MB, [1, 1_048_576]) * MIB },
  };
}

/** `--jobs profiling,verification`: the kinds of job to lease. */
function jobsFlag(text: string): JobKind[] {
  const kinds = text.split(',').map((k) => k.trim());
  const bad = kinds.find((k) => !(JOB_KINDS as readonly string[]).includes(k));
  if (bad !== undefined || kinds.length === 0) throw new CliUsageError(`--jobs must be ${JOB_KINDS.join(', ')} or both (comma-separated), got "${text}"`);
  return [...new Set(kinds)] as JobKind[];
}

/**
 * A signal within this long of the first is the same stop delivered twice: a kill of the process
 * group, or systemd's of the unit's cgroup, reaches both the command and its relaunched measuring
 * child, which the command forwards it to as well.
 */
const REPEATED_SIGNAL_MS = 1_000;

/** SIGINT/SIGTERM abort the loop, which gives the current job back; a second signal, a second or more later, exits at once. */
function stopOnSignals(controller: AbortController): () => void {
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      firstAt = performance.now();
      controller.abort(signal);
    } else if (performance.now() - firstAt >= REPEATED_SIGNAL_MS) process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    // Once stopped by a signal the process is ending: a repeat of that signal arriving meanwhile
    // must not kill it with the signal's default action instead of its exit code.
    if (controller.signal.aborted) return;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** Network and auth failures become one-line usage errors (exit 2) naming the URL. */
function explain(err: unknown, url: string): unknown {
  if (err instanceof TransportError) return new CliUsageError(err.message);
  if (err instanceof ApiError && USER_CODES.has(err.code)) {
    const hint = err.code === 'FORBIDDEN' ? ' (an agent needs an API token with the AGENT scope)' : '';
    return new CliUsageError(`${err.code} from ${url}: ${err.message}${hint}`);
  }
  return err;
}

function agentAction(io: CliIo, setExitCode: (code: number) => void) {
  return async (f: AgentFlags): Promise<void> => {
    const url = apiUrl(f.api);
    const token = f.token ?? process.env[TOKEN_ENV];
    if (!token) throw new CliUsageError(`--token (or ${TOKEN_ENV}) is required: an API token with the AGENT scope`);
    const settings = settingsOf(f, io.cwd ?? process.cwd(), { url, token });
    const jobs = jobsFlag(f.jobs);
    const controller = new AbortController();
    const release = stopOnSignals(controller);
    try {
      const code = await runAgent({
        client: new GraphQLClient({ url, token }),
        settings,
        jobs,
        ...(f.org === undefined ? {} : { organization: f.org }),
        leaseSeconds: intFlag(f.leaseSeconds, '--lease-seconds', 300, [10, 3600]),
        pollSeconds: intFlag(f.pollInterval, '--poll-interval', 5, [1, 3600]),
        once: f.once === true,
        signal: controller.signal,
        log: (line) => io.stdout.write(`${new Date().toISOString()} ${line}\n`),
      });
      setExitCode(code);
    } catch (err) {
      throw explain(err, url);
    } finally {
      release();
      // A cell still running in the runtime after a stop must not keep the process alive.
      if (controller.signal.aborted) setTimeout(() => process.exit(), 1000).unref();
    }
  };
}

/** `actnas agent`: lease profiling and verification jobs from the API, measure them here, upload the tables and measurements. */
export const agentCommand: CommandModule = (program, io, setExitCode) => {
  program
    .command('agent')
    .description('lease profiling and verification jobs from the ActNAS API, measure them on this host (profiler / whole-model verify), upload the tables and measurements')
    .requiredOption('--api <url>', "the API's GraphQL URL, e.g. http://127.0.0.1:4000/graphql")
    .option('--token <token>', `API token with the AGENT scope (default: $${TOKEN_ENV})`)
    .option('--org <slug>', 'organization, when the token sees several')
    .option('--name <name>', "this agent's name in the tables' provenance (default: the host name)")
    .option('--jobs <list>', `kinds of job to lease: ${JOB_KINDS.join(', ')}`, JOB_KINDS.join(','))
    .option('--runtime <id>', `runtime to measure with (${runtimeIds().join(', ')})`, 'ort')
    .option('--threads <n>', "intra-op threads (default: the device profile's)")
    .option('--mode <mode>', 'latency tables: micro (conv+activation block per site) or full (every single-swap model)', PROFILE_DEFAULTS.mode)
    .option('--max-pairs <n>', 'latency: paired-run cap per cell', String(PROFILE_DEFAULTS.maxPairs))
    .option('--max-cell-seconds <s>', 'latency: time cap per cell', String(PROFILE_DEFAULTS.maxCellSeconds))
    .option('--anchor-pairs <n>', 'latency, micro: paired runs per whole all-X model that calibrates a table against the whole model (0: none)', String(PROFILE_DEFAULTS.calibrationPairs))
    .option('--candidates <list>', 'candidate activations', PROFILE_DEFAULTS.candidates)
    .option('--lease-seconds <n>', 'lease length asked for; progress reports renew it every quarter of it (10 to 3600)', '300')
    .option('--poll-interval <s>', 'seconds between polls when the queue is empty', '5')
    .option('--work-dir <dir>', 'checkpoints of jobs in progress (a restarted agent resumes) and downloaded model files (by hash)', '.actnas-agent')
    .option('--max-model-mb <n>', "largest uploaded model file this agent downloads, in MiB (a larger one fails its job)", String(DEFAULT_MAX_MODEL_MB))
    .option('--once', 'handle at most one job of any kind, then exit (at once when none is queued)')
    .action(agentAction(io, setExitCode));
};
