import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ActivationKind, CostTable } from '@actnas/core';
import { CostTableValidationError, costTableToCsv, costTableToJson, emitOnnx, fullActivationRegistry, importOnnx, parseCostTableCsv, parseCostTableJson } from '@actnas/core';
import { SingleBar } from 'cli-progress';
import { nwotAgreement } from '../accuracy/measured-accuracy.js';
import type { CellProtocol } from '../latency/cell-protocol.js';
import type { FusionRules } from '../memory/fusion-rules.js';
import { FUSION_RULES, ORT_CPU_FUSION, XNNPACK_FUSION } from '../memory/fusion-rules.js';
import { liveSetRows } from '../memory/live-set-rows.js';
import { memoryGraphOf } from '../profile/graph-adapters.js';
import { CheckpointMismatchError, ProfileCheckpoint, checkpointPathFor } from '../profile/checkpoint.js';
import type { LatencyMode, ProfileMetric, ProfileRequest } from '../profile/profile-runner.js';
import { runProfile } from '../profile/profile-runner.js';
import { syntheticInput } from '../profile/latency-sweep.js';
import { validateTable, validationAssignments } from '../profile/validation.js';
import type { RuntimeProfile } from '../runtimes/runtime.js';
import { UnknownRuntimeError, createRuntime } from '../runtimes/runtime-registry.js';
import { CliUsageError, EXIT_OK } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import type { CommandModule } from './command-module.js';
import type { SpecOptions } from './model-spec-loader.js';
import { LAYOUT_FLAG, buildFromFlags, intFlag, loadSpec } from './model-spec-loader.js';

interface RuntimeFlags extends SpecOptions {
  readonly model: string;
  readonly runtime: string;
  readonly threads: string;
  readonly graphOpt: string;
  readonly executionMode: string;
  readonly seed: string;
}

interface ProfileFlags extends RuntimeFlags {
  readonly metric?: string;
  readonly mode: string;
  readonly paper?: boolean;
  readonly runs: string;
  readonly warmup: string;
  readonly targetRel: string;
  readonly targetAbs: string;
  readonly minPairs: string;
  readonly maxPairs: string;
  readonly maxCellSeconds: string;
  readonly candidates: string;
  readonly fusion?: string;
  readonly batch: string;
  readonly seeds: string;
  readonly calib?: string;
  readonly sites?: string;
  readonly stopAfter?: string;
  readonly liveSet?: string;
  readonly output?: string;
}

function numberFlag(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new CliUsageError(`${flag} must be a number ≥ ${min}, got "${value}"`);
  return n;
}

function choice<T extends string>(value: string | undefined, flag: string, allowed: readonly T[]): T {
  if (value === undefined || !(allowed as readonly string[]).includes(value)) throw new CliUsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value ?? ''}"`);
  return value as T;
}

function runtimeProfile(f: RuntimeFlags): RuntimeProfile {
  return {
    runtime: f.runtime,
    threads: intFlag(f.threads, '--threads', 1, [1, 256]),
    graphOptimizationLevel: choice(f.graphOpt, '--graph-opt', ['disabled', 'basic', 'extended', 'all'] as const),
    executionMode: choice(f.executionMode, '--execution-mode', ['sequential', 'parallel'] as const),
  };
}

async function openRuntime(f: RuntimeFlags): Promise<Awaited<ReturnType<typeof createRuntime>>> {
  try {
    return await createRuntime(runtimeProfile(f));
  } catch (err) {
    if (err instanceof UnknownRuntimeError) throw new CliUsageError(err.message);
    throw err;
  }
}

function parseCandidates(text: string): ActivationKind[] {
  const registry = fullActivationRegistry();
  return text.split(',').map((name) => {
    const kind = registry.tryResolve(name.trim());
    if (!kind) throw new CliUsageError(`--candidates: unknown activation "${name.trim()}" (known: ${registry.ids().join(', ')})`);
    return kind;
  });
}

function protocolFrom(f: ProfileFlags): CellProtocol {
  const warmup = intFlag(f.warmup, '--warmup', 3, [0, 1000]);
  if (f.paper) return { kind: 'paper', options: { warmup, runs: intFlag(f.runs, '--runs', 50, [2, 100_000]) } };
  const minPairs = intFlag(f.minPairs, '--min-pairs', 10, [2, 100_000]);
  const maxPairs = intFlag(f.maxPairs, '--max-pairs', 2000, [minPairs, 1_000_000]);
  const maxMs = 1000 * numberFlag(f.maxCellSeconds, '--max-cell-seconds', 0);
  return {
    kind: 'paired',
    options: {
      warmup, order: 'abba',
      stopping: { relative: numberFlag(f.targetRel, '--target-rel', 0), absolute: numberFlag(f.targetAbs, '--target-abs', 0), minPairs, maxPairs, maxMs, checkEvery: 5 },
    },
  };
}

function fusionFor(f: ProfileFlags, runtime: string): FusionRules {
  if (f.fusion !== undefined) {
    const rules = FUSION_RULES[f.fusion];
    if (!rules) throw new CliUsageError(`--fusion must be one of ${Object.keys(FUSION_RULES).join(', ')}, got "${f.fusion}"`);
    return rules;
  }
  return runtime === 'tfjs' ? XNNPACK_FUSION : ORT_CPU_FUSION;
}

/** A progress bar with ETA on a terminal; silent otherwise (logs, CI, tests). */
function progress(io: CliIo): { start(total: number, done: number): void; tick(): void; stop(): void } {
  if (!io.stderr.isTTY) return { start: () => undefined, tick: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ stream: io.stderr as NodeJS.WritableStream, format: 'profile [{bar}] {value}/{total} cells | ETA {eta_formatted} | {duration_formatted}', etaBuffer: 20 });
  return { start: (total, done) => bar.start(total, done), tick: () => bar.increment(), stop: () => bar.stop() };
}

function runtimeOptions(cmd: Command): Command {
  return cmd
    .option('--model <name>', 'built-in model (yolov5nu, yolov8n, ...) or an Ultralytics model YAML', 'yolov5nu')
    .option(...LAYOUT_FLAG)
    .option('--imgsz <n>', 'square input size (multiple of 32)', '640')
    .option('--runtime <id>', 'ort (onnxruntime-node CPU), tfjs, or a registered runtime', 'ort')
    .option('--threads <n>', 'intra-op threads', '1')
    .option('--graph-opt <level>', 'ORT graph optimisation: disabled, basic, extended, all', 'all')
    .option('--execution-mode <mode>', 'ORT execution mode: sequential, parallel', 'sequential')
    .option('--seed <n>', 'seed of weights, inputs, run order and bootstrap', '0');
}

async function writeTable(path: string, table: CostTable): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, path.endsWith('.json') ? JSON.stringify(costTableToJson(table), null, 1) : costTableToCsv(table));
}

async function readTable(path: string, metric: 'latency' | 'accuracy'): Promise<CostTable> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new CliUsageError(`${path}: no such file`);
  });
  try {
    return path.endsWith('.json') ? parseCostTableJson(text, { source: path }) : parseCostTableCsv(text, { metric, source: path, referenceActivation: 'silu' });
  } catch (err) {
    if (err instanceof CostTableValidationError) throw new CliUsageError(`${path}: ${err.message}`);
    throw err;
  }
}

function profileAction(io: CliIo, setExitCode: (code: number) => void) {
  return async (f: ProfileFlags): Promise<void> => {
    const metric = choice(f.metric, '--metric', ['latency', 'memory', 'accuracy'] as const) as ProfileMetric;
    const mode = choice(f.mode, '--mode', ['full', 'micro'] as const) as LatencyMode;
    if (!f.output) throw new CliUsageError('-o, --output <file> is required');
    const spec = await loadSpec(f.model, f, io);
    const graph = buildFromFlags(spec, f);
    const candidates = parseCandidates(f.candidates);
    const sites = f.sites?.split(',').map((s) => s.trim());
    const unknown = sites?.find((s) => !graph.sites.some((g) => g.name === s));
    if (unknown) throw new CliUsageError(`--sites: "${unknown}" is not a site of ${spec.name}`);
    const out = resolve(io.cwd ?? process.cwd(), f.output);
    const runtime = await openRuntime(f);
    const req: ProfileRequest = {
      modelName: spec.name, graph, runtime, metric, mode, protocol: protocolFrom(f), reference: spec.activation, candidates,
      seed: intFlag(f.seed, '--seed', 0, [0, 2 ** 31 - 1]), fusion: fusionFor(f, f.runtime),
      nwot: {
        batch: intFlag(f.batch, '--batch', 16, [2, 1024]),
        seeds: f.seeds.split(',').map((s) => intFlag(s.trim(), '--seeds', 0, [0, 2 ** 31 - 1])),
        calibration: f.calib ? { dir: resolve(io.cwd ?? process.cwd(), f.calib) } : 'synthetic',
        initBatch: 4,
      },
      ...(sites ? { sites } : {}),
    };
    const key = {
      model: spec.name, imgsz: graph.imgsz, metric, mode: metric === 'latency' ? mode : '-', paper: f.paper === true, runtime: f.runtime,
      version: runtime.provenance.version, threads: runtime.provenance.threads, seed: req.seed, candidates: f.candidates, protocol: JSON.stringify(req.protocol),
      nwot: metric === 'accuracy' ? JSON.stringify(req.nwot) : '-', fusion: req.fusion.id, sites: f.sites ?? 'all',
    };
    let checkpoint: ProfileCheckpoint;
    try {
      checkpoint = ProfileCheckpoint.open(checkpointPathFor(out), key);
    } catch (err) {
      if (err instanceof CheckpointMismatchError) throw new CliUsageError(err.message);
      throw err;
    }
    const bar = progress(io);
    const stopAfter = f.stopAfter === undefined ? undefined : intFlag(f.stopAfter, '--stop-after', 0, [1, 1_000_000]);
    let resumed = 0;
    const contributions: Record<string, unknown> = {};
    const outcome = await runProfile(req, {
      onNwotReference: (seed, r) => {
        contributions[String(seed)] = r;
      },
      checkpoint,
      onStart: (total, done) => {
        resumed = done;
        bar.start(total, done);
      },
      onCell: () => bar.tick(),
      ...(stopAfter ? { stopAfter } : {}),
    }).finally(() => bar.stop());
    if (!outcome.table) {
      io.stdout.write(`stopped after ${outcome.measured} new cells (${outcome.cells.length} done); rerun the same command to resume from ${checkpointPathFor(out)}\n`);
      setExitCode(EXIT_OK);
      return;
    }
    await writeTable(out, outcome.table);
    if (Object.keys(contributions).length > 0) await writeFile(`${out}.sites.json`, JSON.stringify({ note: 'reference NWOT score and per-site contributions (code diversity, leave-one-out) per seed', seeds: contributions }, null, 1));
    if (f.liveSet && metric === 'memory') {
      const rows = liveSetRows(memoryGraphOf(graph), req.fusion, req.reference, candidates);
      await writeFile(resolve(io.cwd ?? process.cwd(), f.liveSet), JSON.stringify(rows));
    }
    checkpoint.remove();
    io.stdout.write(`${metric} table: ${outcome.table.cells.length} cells (${outcome.measured} measured, ${resumed} resumed) → ${f.output}\n`);
    setExitCode(EXIT_OK);
  };
}

/** Validation judges additivity, so each measured mixed model must be tighter than the spread of predictions. */
const VALIDATION_MAX_PAIRS = 120;
const VALIDATION_STOPPING = (maxPairs: number) => ({ relative: 0.05, absolute: 0.02, minPairs: Math.min(10, maxPairs), maxPairs, checkEvery: 5 });

interface ValidateFlags extends RuntimeFlags {
  readonly table: string;
  readonly assignments: string;
  readonly nullCopies: string;
  readonly maxPairs: string;
  readonly json?: string;
}

function validateAction(io: CliIo, setExitCode: (code: number) => void) {
  return async (f: ValidateFlags): Promise<void> => {
    // Every flag is checked before anything slow or stateful happens.
    const seed = intFlag(f.seed, '--seed', 0, [0, 2 ** 31 - 1]);
    const count = intFlag(f.assignments, '--assignments', 20, [0, 10_000]);
    const maxPairs = intFlag(f.maxPairs, '--max-pairs', VALIDATION_MAX_PAIRS, [2, 1_000_000]);
    const nullCopies = intFlag(f.nullCopies, '--null-copies', 3, [0, 100]);
    const spec = await loadSpec(f.model, f, io);
    const graph = buildFromFlags(spec, f);
    const table = await readTable(resolve(io.cwd ?? process.cwd(), f.table), 'latency');
    const registry = fullActivationRegistry();
    const assignments = validationAssignments(table, registry, count, seed, [registry.resolve('relu'), registry.resolve('hardswish')]);
    const runtime = await openRuntime(f);
    const report = await validateTable(table, assignments, {
      runtime,
      model: importOnnx(emitOnnx(graph, { seed })),
      feeds: { images: syntheticInput([1, 3, graph.imgsz, graph.imgsz], seed) },
      protocol: { warmup: 3, order: 'abba', seed, stopping: VALIDATION_STOPPING(maxPairs) },
      nullCopies,
      onRow: (r) => io.stdout.write(`${r.name.padEnd(16)} predicted ${r.predicted.toFixed(3).padStart(9)}  measured ${r.measured.toFixed(3).padStart(9)} [${r.ciLow.toFixed(3)}, ${r.ciHigh.toFixed(3)}] (${r.pairs} pairs)\n`),
    });
    io.stdout.write(`correlation ${report.correlation.toFixed(3)}, median relative error ${(100 * report.medianRelativeError).toFixed(1)}%, median absolute error ${report.medianAbsoluteError.toFixed(3)} over ${report.rows.length} models\n`);
    if (report.nullRows.length) io.stdout.write(`noise floor ${report.noiseFloor.toFixed(3)}: the median |delta| of the unchanged model in a new session (${report.nullRows.length} null rows)\n`);
    if (f.json) await writeFile(resolve(io.cwd ?? process.cwd(), f.json), JSON.stringify(report, null, 1));
    setExitCode(EXIT_OK);
  };
}

function correlateAction(io: CliIo, setExitCode: (code: number) => void) {
  return async (f: { nwot: string; measured: string }): Promise<void> => {
    const cwd = io.cwd ?? process.cwd();
    const nwot = await readTable(resolve(cwd, f.nwot), 'accuracy');
    const measured = await readTable(resolve(cwd, f.measured), 'accuracy');
    const r = nwotAgreement(nwot, measured);
    if (r.cells < 3) throw new CliUsageError(`only ${r.cells} cells in common between ${f.nwot} and ${f.measured}`);
    io.stdout.write(`Spearman ${r.spearman.toFixed(3)} over ${r.cells} cells\n`);
    setExitCode(EXIT_OK);
  };
}

/** `actnas profile …`: latency, memory and NWOT accuracy tables measured on a runtime. */
export const profileCommand: CommandModule = (program, io, setExitCode) => {
  const profile = runtimeOptions(program.command('profile').description('measure a latency, memory or NWOT accuracy cost table on a runtime (resumable)'))
    .option('--metric <metric>', 'latency, memory or accuracy')
    .option('--mode <mode>', 'latency: full (every single-swap model) or micro (conv+activation block per site)', 'micro')
    .option('--paper', "the paper's protocol: mean of --runs runs per model, unpaired")
    .option('--runs <n>', 'runs per model in --paper mode', '50')
    .option('--warmup <n>', 'warm-up runs per model', '3')
    .option('--target-rel <f>', 'stop a cell when its 95% CI half-width is ≤ this fraction of |delta|', '0.1')
    .option('--target-abs <ms>', '… or ≤ this many ms', '0.01')
    .option('--min-pairs <n>', 'paired runs before the first CI check', '10')
    .option('--max-pairs <n>', 'paired-run cap per cell', '2000')
    .option('--max-cell-seconds <s>', 'time cap per cell: heavy blocks take more pairs than light ones to reach the target', '8')
    .option('--candidates <list>', 'candidate activations', 'relu,silu,hardswish,relu6,leakyrelu')
    .option('--fusion <rules>', `memory: fusion rules (${Object.keys(FUSION_RULES).join(', ')}); default from the runtime`)
    .option('--batch <n>', 'accuracy: NWOT batch size', '16')
    .option('--seeds <list>', 'accuracy: seeds to average NWOT over', '0')
    .option('--calib <dir>', 'accuracy: folder of PNG/JPEG calibration images (default: seeded synthetic images)')
    .option('--sites <list>', 'only these sites (comma-separated)')
    .option('--live-set <file>', 'memory: also write the per-step live-set rows (JSON) for exact peak-memory budgets in the search')
    .option('--stop-after <n>', 'stop after n newly measured cells; rerun to resume')
    .option('-o, --output <file>', 'table to write (.csv in the paper\'s format, or .json)')
    .action(profileAction(io, setExitCode));
  // Model and runtime flags (and --max-pairs, whose default here is VALIDATION_MAX_PAIRS) belong to `profile` and are read from it.
  profile
    .command('validate')
    .description('measure random mixed models and all-ReLU / all-Hardswish against the reference; compare with the table\'s additive prediction')
    .requiredOption('--table <file>', 'latency table (.csv or .json)')
    .option('--assignments <n>', 'random mixed assignments', '20')
    .option('--null-copies <n>', 'fresh sessions of the unchanged model to measure first: the noise floor of a new session', '3')
    .option('--json <file>', 'write the report as JSON')
    .action((_options: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<ValidateFlags>();
      // A mixed model is a whole-model run (~100× a micro block), so validation has its own pair cap
      // unless --max-pairs is given.
      const explicit = cmd.parent?.getOptionValueSource('maxPairs') === 'cli';
      return validateAction(io, setExitCode)({ ...flags, maxPairs: explicit ? flags.maxPairs : String(VALIDATION_MAX_PAIRS) });
    });
  profile
    .command('correlate')
    .description('Spearman correlation between an NWOT table and measured accuracy (the paper\'s CSV)')
    .requiredOption('--nwot <file>', 'NWOT accuracy table')
    .requiredOption('--measured <file>', 'measured accuracy table, e.g. mAP deltas of trained swaps')
    .action(correlateAction(io, setExitCode));
};
