import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivationFamily, ActivationKind, CostTable, ImportedModel, ModelSpec } from '@actnas/core';
import { OnnxFormatError, buildGraph, builtinModelSpec, costTableToJson, fullActivationRegistry, importOnnx, isBuiltinModel, parseModelYaml } from '@actnas/core';
import type { FusionRules, LatencyMode, LiveSetRows, ProfileGraph, ProfileJob, ProfileMetric, Runtime } from '@actnas/devices';
import { OnnxProfileError, ProfileCheckpoint, checkpointPathFor, createRuntime, endsWithCalibration, fusionRulesFor, liveSetRows, memoryGraphOf, pairedProtocol, profileJob, runProfile, runtimeFusion } from '@actnas/devices';
import type { OnnxProfileSubject } from '../model/onnx-profile-subject.js';
import { onnxProfileSubject } from '../model/onnx-profile-subject.js';
import { AgentJobError } from './agent.job-error.js';
import type { ModelFileSource } from './agent.model-file.js';
import { uploadedModelFile } from './agent.model-file.js';
import type { AgentJobFragment, Metric, ProfilingTableInput, ProvenanceSource } from '../graphql/generated.js';

/** How this agent measures, whatever the job: set once by `actnas agent`'s flags. */
export interface AgentSettings {
  /** Names the agent in every table's provenance. */
  readonly name: string;
  readonly runtime: string;
  /** Overrides the device profile's thread count. */
  readonly threads?: number;
  readonly mode: LatencyMode;
  readonly maxPairs: number;
  /** Time cap per latency cell, in seconds. */
  readonly maxCellSeconds: number;
  /** Pairs per whole-model calibration anchor of a micro latency table (0: none). */
  readonly anchorPairs: number;
  readonly candidates: readonly ActivationKind[];
  /** Checkpoints live here, one folder per job, so a restarted agent resumes where it stopped; uploaded model files in models/, by hash. */
  readonly workDir: string;
  /** Where uploaded model specs' files come from; without it the agent profiles built-in specs only. */
  readonly modelFiles?: ModelFileSource;
}

export { AgentJobError } from './agent.job-error.js';

export interface MeasureHooks {
  /** Fraction of the whole job done, 0..1. */
  readonly onProgress: (fraction: number) => void;
  /** Called after every cell: throw to stop measuring (the checkpoint keeps what is done). */
  readonly onCell: () => void;
  /** A metric starts: its cell count and how many a checkpoint of an earlier attempt already had. */
  readonly onMetric?: (metric: ProfileMetric, cells: number, resumed: number) => void;
}

/** What one metric of a job profiles: as `actnas profile --model …` would for the same model. */
export interface JobSubject {
  readonly modelName: string;
  readonly graph: ProfileGraph;
  readonly reference: ActivationKind;
}

type SubjectOf = (metric: ProfileMetric) => JobSubject;

/** What a job of either kind says about its model and device. */
type JobModel = Pick<AgentJobFragment, 'modelSpec' | 'deviceProfile'>;

/** A built-in or uploaded YAML spec: one graph at the device profile's input size, whatever the metric. */
function builtSubject(spec: ModelSpec, job: JobModel): SubjectOf {
  const { deviceProfile } = job;
  const imgsz = deviceProfile.inputSize;
  if (imgsz % 32 !== 0) throw new AgentJobError(`device profile "${deviceProfile.name}": input size ${imgsz} is not a multiple of 32`);
  const subject = { modelName: spec.name, graph: buildGraph(spec, { imgsz, nc: spec.nc }), reference: spec.activation };
  return () => subject;
}

function yamlSpec(bytes: Uint8Array, name: string): ModelSpec {
  try {
    return parseModelYaml(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new AgentJobError(`model spec "${name}": not a usable model YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** An uploaded ONNX file, shaped at the device profile's input size (a file fixed at another size is refused). */
function onnxSubject(bytes: Uint8Array, job: JobModel, mode: LatencyMode): SubjectOf {
  const { modelSpec, deviceProfile } = job;
  const refuse = (err: unknown): never => {
    if (err instanceof OnnxFormatError || err instanceof OnnxProfileError) throw new AgentJobError(`model spec "${modelSpec.name}": ${err.message}${err instanceof OnnxFormatError ? ` [${err.code}]` : ''}`);
    throw err;
  };
  let imported: ImportedModel;
  try {
    imported = importOnnx(bytes, { imgsz: deviceProfile.inputSize });
  } catch (err) {
    return refuse(err);
  }
  return (metric) => {
    let subject: OnnxProfileSubject;
    try {
      subject = onnxProfileSubject(imported, metric, mode, `${modelSpec.name}.onnx`);
    } catch (err) {
      return refuse(err);
    }
    // A completed job's table covers every site of the spec: say which cannot be, rather than have the API refuse the table.
    const skipped = subject.graph.skipped;
    if (skipped.length > 0) {
      throw new AgentJobError(`model spec "${modelSpec.name}": ${skipped.length} of its sites cannot be profiled for ${metric} (${skipped[0]!.site}: ${skipped[0]!.reason})`);
    }
    return { modelName: modelSpec.name, graph: subject.graph, reference: subject.reference };
  };
}

/** The job's model: a built-in, or the uploaded YAML / ONNX file downloaded (or taken from the cache). */
async function jobSubject(job: JobModel, settings: AgentSettings): Promise<SubjectOf> {
  const { modelSpec } = job;
  if (modelSpec.kind === 'BUILTIN') {
    const builtin = modelSpec.builtinName ?? '';
    if (!isBuiltinModel(builtin)) throw new AgentJobError(`this agent does not know the built-in model "${builtin}"; update it`);
    return builtSubject(builtinModelSpec(builtin), job);
  }
  if (!settings.modelFiles) throw new AgentJobError(`model spec "${modelSpec.name}" is an uploaded ${modelSpec.kind}; this agent has no API to download it from`);
  const bytes = await uploadedModelFile(settings.modelFiles, settings.workDir, modelSpec);
  return modelSpec.kind === 'YAML' ? builtSubject(yamlSpec(bytes, modelSpec.name), job) : onnxSubject(bytes, job, settings.mode);
}

/**
 * The job's model as a verification measures it: whole-model rewrites, which need only each
 * site's name and shape (an uploaded ONNX is downloaded and checked as for profiling).
 */
export async function verificationSubject(job: JobModel, settings: AgentSettings): Promise<JobSubject> {
  return (await jobSubject(job, { ...settings, mode: 'full' }))('latency');
}

/** The device profile's fusion rules for the memory planner; the runtime's own when it names none. */
export function deviceFusion(fusedActivations: readonly string[], runtime: string): FusionRules {
  const base = runtimeFusion(runtime);
  if (fusedActivations.length === 0) return base;
  const registry = fullActivationRegistry();
  const families = fusedActivations.map((name): ActivationFamily => {
    const kind = registry.tryResolve(name);
    if (!kind) throw new AgentJobError(`device profile fuses unknown activation "${name}" (known: ${registry.ids().join(', ')})`);
    return kind.family;
  });
  return fusionRulesFor([...new Set(families)], 'device-profile', base.unfusedOps);
}

/** Runs every metric of the job with the real profiler and returns the tables to upload. */
export async function measureJob(job: AgentJobFragment, settings: AgentSettings, hooks: MeasureHooks): Promise<ProfilingTableInput[]> {
  const subjectOf = await jobSubject(job, settings);
  const runtime = await createRuntime({ runtime: settings.runtime, threads: settings.threads ?? job.deviceProfile.threads });
  const dir = jobWorkDir(settings, job.id);
  mkdirSync(dir, { recursive: true });
  const tables: ProfilingTableInput[] = [];
  for (const [index, metric] of job.metrics.entries()) {
    const profileMetric = metric.toLowerCase() as ProfileMetric;
    const profile = agentProfileJob(job, settings, { ...subjectOf(profileMetric), runtime, metric: profileMetric });
    const share = (fraction: number): void => hooks.onProgress((index + fraction) / job.metrics.length);
    const table = await measureTable(profile, join(dir, `${profile.request.metric}.json`), {
      onProgress: share,
      onCell: hooks.onCell,
      onStart: (cells, resumed) => hooks.onMetric?.(profile.request.metric, cells, resumed),
    });
    // A memory table goes with its per-step live sets, so searches can budget the peak exactly.
    const r = profile.request;
    const liveSet = r.metric === 'memory' ? liveSetRows(memoryGraphOf(r.graph), r.fusion, r.reference, r.candidates) : undefined;
    tables.push(tableInput(metric, withAgent(table, settings.name, job), liveSet));
  }
  return tables;
}

/** Where a job's checkpoints are kept until the job is settled (published, or failed for good). */
export function jobWorkDir(settings: Pick<AgentSettings, 'workDir'>, jobId: string): string {
  // The id comes from the server: keep it one harmless path segment whatever it holds.
  return join(settings.workDir, jobId.replace(/[^A-Za-z0-9-]/g, '_'));
}

export function discardJobWork(settings: Pick<AgentSettings, 'workDir'>, jobId: string): void {
  rmSync(jobWorkDir(settings, jobId), { recursive: true, force: true });
}

export interface RequestParts extends JobSubject {
  readonly runtime: Runtime;
  readonly metric: ProfileMetric;
}

/** The same job `actnas profile` builds from its flags, with this agent's settings and the device profile's fusion rules. */
export function agentProfileJob(job: AgentJobFragment, settings: AgentSettings, parts: RequestParts): ProfileJob {
  return profileJob({
    modelName: parts.modelName,
    graph: parts.graph,
    runtime: parts.runtime,
    metric: parts.metric,
    mode: settings.mode,
    protocol: pairedProtocol({ maxPairs: settings.maxPairs, maxCellSeconds: settings.maxCellSeconds, calibrationPairs: settings.anchorPairs }),
    reference: parts.reference,
    candidates: settings.candidates,
    fusion: deviceFusion(job.deviceProfile.fusedActivations, settings.runtime),
  });
}

const CELL_SHARE_BEFORE_CALIBRATION = 0.5;

interface TableHooks {
  readonly onProgress: (fraction: number) => void;
  readonly onCell: () => void;
  readonly onStart: (cells: number, resumed: number) => void;
}

async function measureTable(job: ProfileJob, path: string, hooks: TableHooks): Promise<CostTable> {
  // A checkpoint written with other settings (another agent version or flags) is started over.
  const checkpoint = ProfileCheckpoint.open(checkpointPathFor(path), job.checkpointKey, { restartOnMismatch: true });
  let total = 1;
  let done = 0;
  // The whole models of a calibration take about as long as the cells: they get half the job, so
  // a report of 100 % means the table is done.
  const cellShare = endsWithCalibration(job.request) ? CELL_SHARE_BEFORE_CALIBRATION : 1;
  const outcome = await runProfile(job.request, {
    checkpoint,
    onStart: (cells, resumed) => {
      total = Math.max(cells, 1);
      done = resumed;
      hooks.onStart(cells, resumed);
      hooks.onProgress((cellShare * done) / total);
    },
    onCell: () => {
      hooks.onProgress((cellShare * ++done) / total);
      hooks.onCell();
    },
    // The anchors are measured in turns and all finish near the end: their pairs are the measure.
    onCalibrationProgress: (fraction) => {
      hooks.onProgress(cellShare + (1 - cellShare) * fraction);
      hooks.onCell();
    },
  });
  if (!outcome.table) throw new Error(`the profiler stopped after ${outcome.cells.length} cells`);
  return outcome.table;
}

/** Names the agent, job and attempt in the table's provenance. */
export function withAgent(table: CostTable, agent: string, job: Pick<AgentJobFragment, 'id' | 'attempts'>): CostTable {
  const p = table.provenance;
  const note = `measured by actnas agent "${agent}" (profiling job ${job.id}, attempt ${job.attempts}); ${p.note ?? ''}`;
  return {
    ...table,
    provenance: { ...p, producer: `${p.producer ?? 'actnas'} · agent ${agent}`.slice(0, 200), note: note.slice(0, 2000) },
  };
}

function tableInput(metric: Metric, table: CostTable, liveSet?: LiveSetRows): ProfilingTableInput {
  const p = table.provenance;
  return {
    ...(liveSet ? { liveSet: { base: liveSet.base, terms: liveSet.terms } } : {}),
    metric,
    format: 'JSON',
    content: JSON.stringify(costTableToJson(table)),
    provenance: {
      source: p.source.toUpperCase() as ProvenanceSource,
      producer: p.producer ?? null,
      runs: p.runs ?? null,
      confidence: p.confidence ?? null,
      note: p.note ?? null,
    },
  };
}
