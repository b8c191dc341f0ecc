import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivationFamily, ActivationKind, CostTable, ModelGraph, ModelSpec } from '@actnas/core';
import { buildGraph, builtinModelSpec, costTableToJson, fullActivationRegistry, isBuiltinModel } from '@actnas/core';
import type { FusionRules, LatencyMode, LiveSetRows, ProfileJob, ProfileMetric, Runtime } from '@actnas/devices';
import { ProfileCheckpoint, checkpointPathFor, createRuntime, fusionRulesFor, liveSetRows, memoryGraphOf, pairedProtocol, profileJob, runProfile, runtimeFusion } from '@actnas/devices';
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
  readonly candidates: readonly ActivationKind[];
  /** Checkpoints live here, one folder per job, so a restarted agent resumes where it stopped. */
  readonly workDir: string;
}

/** A job this agent cannot do (not a transient failure): reported with failProfilingJob. */
export class AgentJobError extends Error {
  override readonly name = 'AgentJobError';
}

export interface MeasureHooks {
  /** Fraction of the whole job done, 0..1. */
  readonly onProgress: (fraction: number) => void;
  /** Called after every cell: throw to stop measuring (the checkpoint keeps what is done). */
  readonly onCell: () => void;
  /** A metric starts: its cell count and how many a checkpoint of an earlier attempt already had. */
  readonly onMetric?: (metric: ProfileMetric, cells: number, resumed: number) => void;
}

/** The job's built-in model at the device profile's input size; `verb` says what the agent does with it. */
export function jobGraph(job: Pick<AgentJobFragment, 'modelSpec' | 'deviceProfile'>, verb = 'profiles'): { spec: ModelSpec; graph: ModelGraph } {
  const { modelSpec, deviceProfile } = job;
  const builtin = modelSpec.builtinName;
  if (modelSpec.kind !== 'BUILTIN' || !builtin) {
    throw new AgentJobError(`model spec "${modelSpec.name}" is an uploaded ${modelSpec.kind}; this agent ${verb} built-in model specs only`);
  }
  if (!isBuiltinModel(builtin)) throw new AgentJobError(`this agent does not know the built-in model "${builtin}"; update it`);
  const imgsz = deviceProfile.inputSize;
  if (imgsz % 32 !== 0) throw new AgentJobError(`device profile "${deviceProfile.name}": input size ${imgsz} is not a multiple of 32`);
  const spec = builtinModelSpec(builtin);
  return { spec, graph: buildGraph(spec, { imgsz, nc: spec.nc }) };
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
  const { spec, graph } = jobGraph(job);
  const runtime = await createRuntime({ runtime: settings.runtime, threads: settings.threads ?? job.deviceProfile.threads });
  const dir = jobWorkDir(settings, job.id);
  mkdirSync(dir, { recursive: true });
  const tables: ProfilingTableInput[] = [];
  for (const [index, metric] of job.metrics.entries()) {
    const profile = agentProfileJob(job, settings, { spec, graph, runtime, metric: metric.toLowerCase() as ProfileMetric });
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

export interface RequestParts {
  readonly spec: ModelSpec;
  readonly graph: ModelGraph;
  readonly runtime: Runtime;
  readonly metric: ProfileMetric;
}

/** The same job `actnas profile` builds from its flags, with this agent's settings and the device profile's fusion rules. */
export function agentProfileJob(job: AgentJobFragment, settings: AgentSettings, parts: RequestParts): ProfileJob {
  return profileJob({
    modelName: parts.spec.name,
    graph: parts.graph,
    runtime: parts.runtime,
    metric: parts.metric,
    mode: settings.mode,
    protocol: pairedProtocol({ maxPairs: settings.maxPairs, maxCellSeconds: settings.maxCellSeconds }),
    reference: parts.spec.activation,
    candidates: settings.candidates,
    fusion: deviceFusion(job.deviceProfile.fusedActivations, settings.runtime),
  });
}

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
  const outcome = await runProfile(job.request, {
    checkpoint,
    onStart: (cells, resumed) => {
      total = Math.max(cells, 1);
      done = resumed;
      hooks.onStart(cells, resumed);
      hooks.onProgress(done / total);
    },
    onCell: () => {
      hooks.onProgress(++done / total);
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
