import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ActivationKind, CostTable, ImportedModel } from '@actnas/core';
import { CostTableValidationError, costTableToCsv, costTableToJson, emitOnnx, fullActivationRegistry, importOnnx, parseCostTableCsv, parseCostTableJson } from '@actnas/core';
import type { CellProtocol, Feeds, FusionRules, LatencyMode, ProfileGraph, ProfileMetric, RuntimeProfile, ValidationReport } from '@actnas/devices';
import {
  CheckpointMismatchError, FUSION_RULES, OnnxProfileError, PROFILE_DEFAULTS, ProfileCheckpoint, UnknownRuntimeError, checkpointPathFor, createRuntime, liveSetRows, memoryGraphOf, nwotAgreement,
  NULL_COPY_PAIRS, WHOLE_MODEL_SESSIONS, isOnnxProfileModel, pairedProtocol, paperProtocol, resolveTiming, profileJob, runProfile, runtimeFusion, syntheticInput, validateTable, validationAssignments,
} from '@actnas/devices';
import { SingleBar } from 'cli-progress';
import { CliUsageError, EXIT_OK } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';
import type { CommandModule } from '../shared/command-module.js';
import type { SpecOptions } from '../model/model-spec-loader.js';
import { LAYOUT_FLAG, buildFromFlags, loadSpec } from '../model/model-spec-loader.js';
import { onnxProfileSubject } from '../model/onnx-profile-subject.js';
import { MAX_MB_FLAG } from '../model/onnx-flags.js';
import { imgszFlag, importOnnxFile, isOnnxPath, maxBytesFlag } from '../model/onnx-file.js';
import { candidatesFlag } from '../shared/activation-flags.js';
import { choiceFlag, intFlag, numberFlag } from '../shared/flags.js';

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
  readonly maxTableSeconds: string;
  readonly anchorPairs: string;
  readonly candidates: string;
  readonly fusion?: string;
  readonly batch: string;
  readonly seeds: string;
  readonly calib?: string;
  readonly sites?: string;
  readonly stopAfter?: string;
  readonly liveSet?: string;
  readonly maxMb?: string;
  readonly output?: string;
}

/** What a profile measures, named, with the activation its cells are deltas against. */
interface ProfileSubject {
  readonly modelName: string;
  readonly graph: ProfileGraph;
  readonly reference: ActivationKind;
}

/**
 * `--model yolov5nu` / `--model my.yaml`: a graph built from the spec; `--model my.onnx`: the file
 * itself. Sites of the file that cannot be profiled for the metric are reported on stderr.
 */
async function profileSubject(f: RuntimeFlags & { readonly maxMb?: string }, cmd: Command | undefined, io: CliIo, metric: ProfileMetric, mode: LatencyMode): Promise<ProfileSubject> {
  if (!isOnnxPath(f.model)) {
    const spec = await loadSpec(f.model, f, io);
    return { modelName: spec.name, graph: buildFromFlags(spec, f), reference: spec.activation };
  }
  if (f.layout !== undefined) throw new CliUsageError(`--layout applies to built-in models and YAML files; ${f.model} is an ONNX file with its layout exported`);
  const imgsz = cmd?.getOptionValueSource('imgsz') === 'cli' ? imgszFlag(f.imgsz) : undefined;
  const imported = await importOnnxFile(f.model, io, { maxBytes: maxBytesFlag(f.maxMb), ...(imgsz !== undefined ? { imgsz } : {}) });
  let subject;
  try {
    subject = onnxProfileSubject(imported, metric, mode, f.model);
  } catch (err) {
    if (err instanceof OnnxProfileError) throw new CliUsageError(`${f.model}: ${err.message}`);
    throw err;
  }
  const { graph, reference } = subject;
  // Reported once the file is accepted, so that a refusal stays one line.
  for (const w of imported.warnings) io.stderr.write(`actnas: warning ${w.code}: ${w.message}\n`);
  for (const s of graph.skipped) io.stderr.write(`actnas: warning: site ${s.site} not profiled (${metric}${metric === 'latency' ? `, ${mode}` : ''}): ${s.reason}\n`);
  return { modelName: basename(f.model).replace(/\.onnx$/i, ''), graph, reference };
}

function runtimeProfile(f: RuntimeFlags): RuntimeProfile {
  return {
    runtime: f.runtime,
    threads: intFlag(f.threads, '--threads', 1, [1, 256]),
    graphOptimizationLevel: choiceFlag(f.graphOpt, '--graph-opt', ['disabled', 'basic', 'extended', 'all'] as const),
    executionMode: choiceFlag(f.executionMode, '--execution-mode', ['sequential', 'parallel'] as const),
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

function protocolFrom(f: ProfileFlags): CellProtocol {
  const warmup = intFlag(f.warmup, '--warmup', PROFILE_DEFAULTS.warmup, [0, 1000]);
  if (f.paper) return paperProtocol(intFlag(f.runs, '--runs', PROFILE_DEFAULTS.paperRuns, [2, 100_000]), warmup);
  const minPairs = intFlag(f.minPairs, '--min-pairs', PROFILE_DEFAULTS.minPairs, [2, 100_000]);
  return pairedProtocol({
    warmup,
    minPairs,
    maxPairs: intFlag(f.maxPairs, '--max-pairs', PROFILE_DEFAULTS.maxPairs, [minPairs, 1_000_000]),
    maxCellSeconds: numberFlag(f.maxCellSeconds, '--max-cell-seconds', 0),
    maxTableSeconds: numberFlag(f.maxTableSeconds, '--max-table-seconds', 0),
    calibrationPairs: intFlag(f.anchorPairs, '--anchor-pairs', PROFILE_DEFAULTS.calibrationPairs, [0, 1_000_000]),
    targetRelative: numberFlag(f.targetRel, '--target-rel', 0),
    targetAbsoluteMs: numberFlag(f.targetAbs, '--target-abs', 0),
  });
}

function fusionFor(f: ProfileFlags, runtime: string): FusionRules {
  if (f.fusion !== undefined) {
    const rules = FUSION_RULES[f.fusion];
    if (!rules) throw new CliUsageError(`--fusion must be one of ${Object.keys(FUSION_RULES).join(', ')}, got "${f.fusion}"`);
    return rules;
  }
  return runtimeFusion(runtime);
}

interface ProgressBar {
  start(total: number, done: number): void;
  tick(): void;
  update(done: number): void;
  stop(): void;
}

/** A progress bar with ETA on a terminal; silent otherwise (logs, CI, tests). */
function progress(io: CliIo, format = 'profile [{bar}] {value}/{total} cells | ETA {eta_formatted} | {duration_formatted}'): ProgressBar {
  if (!io.stderr.isTTY) return { start: () => undefined, tick: () => undefined, update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ stream: io.stderr as NodeJS.WritableStream, format, etaBuffer: 20 });
  return { start: (total, done) => bar.start(total, done), tick: () => bar.increment(), update: (done) => bar.update(done), stop: () => bar.stop() };
}

function runtimeOptions(cmd: Command): Command {
  return cmd
    .option('--model <name>', 'built-in model (yolov5nu, yolov8n, ...), an Ultralytics model YAML, or your own ONNX file (its own weights)', 'yolov5nu')
    .option(...LAYOUT_FLAG)
    .option('--imgsz <n>', 'square input size (multiple of 32); for an ONNX file with dynamic height and width: n or h,w', '640')
    .option('--runtime <id>', 'ort (onnxruntime-node CPU), tfjs, or a registered runtime', 'ort')
    .option('--threads <n>', 'intra-op threads', '1')
    .option('--graph-opt <level>', 'ORT graph optimisation: disabled, basic, extended, all', 'all')
    .option('--execution-mode <mode>', 'ORT execution mode: sequential, parallel', 'sequential')
    .option('--seed <n>', 'seed of weights, inputs, run order and bootstrap', String(PROFILE_DEFAULTS.seed));
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

/** How much of the table's time budget the interrupted run spent (a resumed table keeps to what is left). */
function spentOf(checkpoint: ProfileCheckpoint, protocol: CellProtocol): string {
  const budget = protocol.kind === 'paired' ? protocol.tableBudgetMs : undefined;
  if (budget === undefined || checkpoint.elapsedMs === 0) return '';
  return `, ${Math.round(checkpoint.elapsedMs / 1000)} s of the table's ${budget / 1000} s budget spent`;
}

function profileAction(io: CliIo, setExitCode: (code: number) => void) {
  return async (f: ProfileFlags, cmd?: Command): Promise<void> => {
    const metric = choiceFlag(f.metric, '--metric', ['latency', 'memory', 'accuracy'] as const) as ProfileMetric;
    const mode = choiceFlag(f.mode, '--mode', ['full', 'micro'] as const) as LatencyMode;
    if (!f.output) throw new CliUsageError('-o, --output <file> is required');
    const { modelName, graph, reference } = await profileSubject(f, cmd, io, metric, mode);
    const candidates = candidatesFlag(f.candidates);
    const sites = f.sites?.split(',').map((s) => s.trim());
    const unknown = sites?.find((s) => !graph.sites.some((g) => g.name === s));
    if (unknown) throw new CliUsageError(`--sites: "${unknown}" is not a ${isOnnxPath(f.model) ? 'profiled ' : ''}site of ${modelName}`);
    const out = resolve(io.cwd ?? process.cwd(), f.output);
    const protocol = protocolFrom(f);
    const seed = intFlag(f.seed, '--seed', PROFILE_DEFAULTS.seed, [0, 2 ** 31 - 1]);
    const fusion = fusionFor(f, f.runtime);
    const nwot = {
      batch: intFlag(f.batch, '--batch', PROFILE_DEFAULTS.nwot.batch, [2, 1024]),
      seeds: f.seeds.split(',').map((s) => intFlag(s.trim(), '--seeds', 0, [0, 2 ** 31 - 1])),
      calibration: f.calib ? { dir: resolve(io.cwd ?? process.cwd(), f.calib) } : ('synthetic' as const),
      initBatch: PROFILE_DEFAULTS.nwot.initBatch,
    };
    const runtime = await openRuntime(f);
    const { request: req, checkpointKey } = profileJob({
      modelName, graph, runtime, metric, mode, protocol, reference, candidates, seed, fusion, nwot, ...(sites ? { sites } : {}),
    });
    let checkpoint: ProfileCheckpoint;
    try {
      checkpoint = ProfileCheckpoint.open(checkpointPathFor(out), checkpointKey);
    } catch (err) {
      if (err instanceof CheckpointMismatchError) throw new CliUsageError(err.message);
      throw err;
    }
    const bar = progress(io);
    const calibrationBar = progress(io, 'calibrate [{bar}] {percentage}% of the whole-model pairs | ETA {eta_formatted} | {duration_formatted}');
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
        if (done > 0) io.stderr.write(`resuming ${checkpointPathFor(out)}: ${done} of ${total} cells done${spentOf(checkpoint, protocol)}\n`);
        bar.start(total, done);
      },
      onCell: () => bar.tick(),
      onCalibrationStart: (anchors) => {
        bar.stop();
        io.stderr.write(`calibrating against the whole model: ${anchors.join(', ')} against the reference (up to ${protocol.kind === 'paired' ? protocol.calibration?.maxPairs : '?'} pairs each) …\n`);
        calibrationBar.start(100, 0);
      },
      // The anchors are measured in turns and all finish near the end: the bar follows their pairs.
      onCalibrationProgress: (fraction) => calibrationBar.update(Math.round(100 * fraction)),
      onCalibrationAnchor: (a) => {
        calibrationBar.stop();
        io.stderr.write(`  all-${a.activation.padEnd(10)} measured ${a.measured.toFixed(3).padStart(8)} [${a.ciLow.toFixed(3)}, ${a.ciHigh.toFixed(3)}] ms, micro sum ${a.microSum.toFixed(3).padStart(8)} ms (${a.pairs} pairs${a.stoppedBy === 'time' ? ', as many as the table\'s time budget left' : ''})\n`);
      },
      ...(stopAfter ? { stopAfter } : {}),
    }).finally(() => {
      bar.stop();
      calibrationBar.stop();
    });
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
    const c = outcome.calibration;
    if (c) io.stdout.write(`calibrated: ${c.perSite.toFixed(4)} ms per swapped site (whole models ${c.gap.toFixed(3)} [${c.gapLow.toFixed(3)}, ${c.gapHigh.toFixed(3)}] ms off their micro sums)\n`);
    setExitCode(EXIT_OK);
  };
}

/** Validation judges additivity, so each measured mixed model must be tighter than the spread of predictions. */
const VALIDATION_MAX_PAIRS = 120;
const VALIDATION_STOPPING = (maxPairs: number) => ({ relative: 0.05, absolute: 0.02, minPairs: Math.min(10, maxPairs), maxPairs, checkEvery: 5 });
const VALIDATION_PROTOCOL = (seed: number, maxPairs: number) => ({ warmup: 3, order: 'abba' as const, seed, stopping: VALIDATION_STOPPING(maxPairs) });

interface ValidateFlags extends RuntimeFlags {
  readonly table: string;
  readonly assignments: string;
  readonly nullCopies: string;
  readonly maxPairs: string;
  readonly maxMb?: string;
  readonly json?: string;
}

/** The reference model that validation rewrites into each mixed model, and its input. */
interface ValidationSubject {
  readonly model: ImportedModel;
  readonly feeds: Feeds;
  readonly sites: ReadonlySet<string>;
}

/** A built-in or YAML is emitted with seeded weights; an ONNX file is measured with its own weights. */
async function validationSubject(f: ValidateFlags, cmd: Command | undefined, io: CliIo, seed: number): Promise<ValidationSubject> {
  if (!isOnnxPath(f.model)) {
    const graph = buildFromFlags(await loadSpec(f.model, f, io), f);
    return { model: importOnnx(emitOnnx(graph, { seed })), feeds: { images: syntheticInput([1, 3, graph.imgsz, graph.imgsz], seed) }, sites: new Set(graph.sites.map((s) => s.name)) };
  }
  const { graph } = await profileSubject(f, cmd, io, 'latency', 'full');
  if (!isOnnxProfileModel(graph)) throw new Error('an ONNX file profiles as an ONNX subject');
  return { model: graph.imported, feeds: { [graph.inputName]: syntheticInput([1, 3, graph.height, graph.width], seed) }, sites: new Set(graph.sites.map((s) => s.name)) };
}

/**
 * The measured side's noise alone gives a median relative error of about a third of its median
 * relative CI half-width (0.67 standard errors): once that half-width reaches the error itself, a
 * third or more of the error is the host's noise, not the table's. Say so, and what narrows it.
 */
function yardstickHint(report: ValidationReport, maxPairs: number): string {
  if (!(report.medianRelativeHalfWidth >= report.medianRelativeError)) return '';
  return `: as wide as the errors it judges, a third or more of which is then this host's noise; --max-pairs ${Math.min(4 * maxPairs, 1_000_000)} measures each model finer`;
}

function validateAction(io: CliIo, setExitCode: (code: number) => void, cmd?: Command) {
  return async (f: ValidateFlags): Promise<void> => {
    // Every flag is checked before anything slow or stateful happens.
    const seed = intFlag(f.seed, '--seed', 0, [0, 2 ** 31 - 1]);
    const count = intFlag(f.assignments, '--assignments', 20, [0, 10_000]);
    const maxPairs = intFlag(f.maxPairs, '--max-pairs', VALIDATION_MAX_PAIRS, [2, 1_000_000]);
    const nullCopies = intFlag(f.nullCopies, '--null-copies', 3, [0, 100]);
    const subject = await validationSubject(f, cmd, io, seed);
    const table = await readTable(resolve(io.cwd ?? process.cwd(), f.table), 'latency');
    const unknown = table.sites.filter((s) => !subject.sites.has(s));
    if (unknown.length > 0) {
      throw new CliUsageError(`${f.table}: ${unknown.length} of its sites are not sites of ${f.model} (first: ${unknown[0]}); validate a table against the model it was profiled on`);
    }
    const registry = fullActivationRegistry();
    const assignments = validationAssignments(table, registry, count, seed, [registry.resolve('relu'), registry.resolve('hardswish')]);
    const runtime = await openRuntime(f);
    // Timed as the micro tables it validates are (process CPU time for a 1-thread onnxruntime session).
    const timing = resolveTiming({ kind: 'paired', options: VALIDATION_PROTOCOL(seed, maxPairs), timing: 'auto' }, runtime.provenance);
    const report = await validateTable(table, assignments, {
      runtime,
      model: subject.model,
      feeds: subject.feeds,
      timing,
      protocol: VALIDATION_PROTOCOL(seed, maxPairs),
      nullCopies,
      // Measured in turns, each in a fresh pair of sessions, with block minima, as `actnas verify` measures them.
      interleaved: { budgetMs: Number.POSITIVE_INFINITY, nullCopyPairs: Math.min(NULL_COPY_PAIRS, maxPairs), ...WHOLE_MODEL_SESSIONS },
      onRow: (r) => io.stdout.write(`${r.name.padEnd(16)} predicted ${r.predicted.toFixed(3).padStart(9)}  measured ${r.measured.toFixed(3).padStart(9)} [${r.ciLow.toFixed(3)}, ${r.ciHigh.toFixed(3)}] (${r.pairs} pairs)\n`),
    });
    io.stdout.write(`correlation ${report.correlation.toFixed(3)}, median relative error ${(100 * report.medianRelativeError).toFixed(1)}%, median absolute error ${report.medianAbsoluteError.toFixed(3)} over ${report.rows.length} models\n`);
    const random = report.rows.filter((r) => r.name.startsWith('random-')).length;
    if (random > 0 && random < report.rows.length) io.stdout.write(`random mixed models alone: median relative error ${(100 * report.randomMedianRelativeError).toFixed(1)}% over ${random} (the all-X models are also a calibrated table's anchors)\n`);
    io.stdout.write(`measured side: median CI ±${report.medianHalfWidth.toFixed(3)} (${(100 * report.medianRelativeHalfWidth).toFixed(0)}% of |delta|)${yardstickHint(report, maxPairs)}\n`);
    if (report.nullRows.length) io.stdout.write(`noise floor ${report.noiseFloor.toFixed(3)}: the median |delta| of the unchanged model in a new session (${report.nullRows.length} null rows)\n`);
    io.stdout.write(`runs timed by ${timing === 'process-cpu' ? "the process's CPU time (1-thread onnxruntime, as micro tables are)" : 'the wall clock'}\n`);
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
  const profile = runtimeOptions(
    program
      .command('profile')
      .description('measure a latency, memory or NWOT accuracy cost table on a runtime (resumable)')
      // `profile validate --imgsz 640`: profile's model and runtime flags count after validate too.
      .enablePositionalOptions(false),
  )
    .option('--metric <metric>', 'latency, memory or accuracy')
    .option('--mode <mode>', 'latency: full (every single-swap model) or micro (conv+activation block per site)', PROFILE_DEFAULTS.mode)
    .option('--paper', "the paper's protocol: mean of --runs runs per model, unpaired")
    .option('--runs <n>', 'runs per model in --paper mode', String(PROFILE_DEFAULTS.paperRuns))
    .option('--warmup <n>', 'warm-up runs per model', String(PROFILE_DEFAULTS.warmup))
    .option('--target-rel <f>', 'stop a cell when its 95% CI half-width is ≤ this fraction of |delta|', String(PROFILE_DEFAULTS.targetRelative))
    .option('--target-abs <ms>', '… or ≤ this many ms', String(PROFILE_DEFAULTS.targetAbsoluteMs))
    .option('--min-pairs <n>', 'paired runs before the first CI check', String(PROFILE_DEFAULTS.minPairs))
    .option('--max-pairs <n>', 'paired-run cap per cell', String(PROFILE_DEFAULTS.maxPairs))
    .option('--max-cell-seconds <s>', 'time cap per cell: heavy blocks take more pairs than light ones to reach the target', String(PROFILE_DEFAULTS.maxCellSeconds))
    .option('--max-table-seconds <s>', 'micro: time budget of the table, its calibration included: the cells get 60 %, what they leave goes to the cells still off target after their caps; the calibration ends at the budget (at least 48 pairs per anchor); a resumed table counts the time measured before (0: none)', String(PROFILE_DEFAULTS.maxTableSeconds))
    .option('--anchor-pairs <n>', 'micro: paired runs per whole all-X model that calibrates the table against the whole model (0: none)', String(PROFILE_DEFAULTS.calibrationPairs))
    .option('--candidates <list>', 'candidate activations', PROFILE_DEFAULTS.candidates)
    .option('--fusion <rules>', `memory: fusion rules (${Object.keys(FUSION_RULES).join(', ')}); default from the runtime`)
    .option('--batch <n>', 'accuracy: NWOT batch size', String(PROFILE_DEFAULTS.nwot.batch))
    .option('--seeds <list>', 'accuracy: seeds to average NWOT over', PROFILE_DEFAULTS.nwot.seeds.join(','))
    .option('--calib <dir>', 'accuracy: folder of PNG/JPEG calibration images (default: seeded synthetic images)')
    .option('--sites <list>', 'only these sites (comma-separated)')
    .option('--live-set <file>', 'memory: also write the per-step live-set rows (JSON) for exact peak-memory budgets in the search')
    .option('--stop-after <n>', 'stop after n newly measured cells; rerun to resume')
    .option(...MAX_MB_FLAG)
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
      return validateAction(io, setExitCode, cmd.parent ?? undefined)({ ...flags, maxPairs: explicit ? flags.maxPairs : String(VALIDATION_MAX_PAIRS) });
    });
  profile
    .command('correlate')
    .description('Spearman correlation between an NWOT table and measured accuracy (the paper\'s CSV)')
    .requiredOption('--nwot <file>', 'NWOT accuracy table')
    .requiredOption('--measured <file>', 'measured accuracy table, e.g. mAP deltas of trained swaps')
    .action(correlateAction(io, setExitCode));
};
