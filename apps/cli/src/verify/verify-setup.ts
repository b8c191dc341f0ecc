import { basename } from 'node:path';
import type { ActivationKind, CostTable } from '@actnas/core';
import { fullActivationRegistry, tableActivations } from '@actnas/core';
import type { FusionRules, Prediction, ProfileGraph, Runtime, VerifyBudgets, VerifyCandidate, VerifyMetric, VerifyOptions, VerifyProgress, VerifyReport } from '@actnas/devices';
import {
  FUSION_RULES, OnnxProfileError, PROFILE_DEFAULTS, UnknownRuntimeError, VerifyInputError, Z95, createRuntime, onnxProfileModel, predictFromTable, runtimeFusion, verifyProposals,
} from '@actnas/devices';
import type { CliIo } from '../shared/cli-io.js';
import { CliUsageError } from '../shared/cli-error.js';
import { choiceFlag, intFlag, numberFlag } from '../shared/flags.js';
import { buildFromFlags, loadSpec } from '../model/model-spec-loader.js';
import { imgszFlag, importOnnxFile, isOnnxPath, maxBytesFlag } from '../model/onnx-file.js';
import { readTableFile } from '../search/search-tables.js';
import type { VerifyRunFlags } from './verify-flags.js';
import { VERIFY_DEFAULTS } from './verify-flags.js';

export type VerifyTables = Partial<Record<VerifyMetric, CostTable>>;

export interface Verifier {
  readonly modelName: string;
  readonly graph: ProfileGraph;
  readonly reference: ActivationKind;
  readonly metrics: readonly VerifyMetric[];
  readonly tables: VerifyTables;
  readonly runtimeLabel: string;
  /** Predictions per metric for a full assignment: from the table when given, else `fallback` (the search JSON's totals). */
  predict(sites: Readonly<Record<string, string>>, fallback?: Partial<Record<VerifyMetric, Prediction>>): Partial<Record<VerifyMetric, Prediction>>;
  verify(candidates: readonly VerifyCandidate[], budgets: VerifyBudgets): Promise<VerifyReport>;
}

/** Reads table files of the given metrics (reference activation: the model's). */
export function readVerifyTables(files: Partial<Record<VerifyMetric, string>>, cwd: string, reference: string): VerifyTables {
  const tables: VerifyTables = {};
  for (const [metric, file] of Object.entries(files) as [VerifyMetric, string | undefined][]) if (file !== undefined) tables[metric] = readTableFile({ metric, file }, cwd, undefined, reference);
  return tables;
}

/** `key=value` facts of a table's provenance note (imgsz=320; protocol=nwot batch=16 seeds=0 …). */
/** A table's provenance, as a file's (core) or the API's (GraphQL) table has it. */
type Noted = { readonly provenance?: { readonly note?: string | null } | null } | undefined;

function noteValue(table: Noted, re: RegExp): string | undefined {
  return table?.provenance?.note ? re.exec(table.provenance.note)?.[1] : undefined;
}

/** How an NWOT table was scored, read off its provenance note: a whole model's NWOT is comparable with the table's only when scored the same way. */
export interface NwotSettings {
  readonly batch?: string;
  readonly seeds?: readonly number[];
  readonly imgsz?: string;
}

export function nwotSettingsOf(table: Noted): NwotSettings {
  const batch = noteValue(table, /\bnwot batch=(\d+)/);
  const seeds = noteValue(table, /\bnwot batch=\d+ seeds=([\d/]+)/);
  const imgsz = noteValue(table, /\bimgsz=(\d+)/);
  return { ...(batch ? { batch } : {}), ...(seeds ? { seeds: seeds.split('/').map(Number) } : {}), ...(imgsz ? { imgsz } : {}) };
}

/** Everything a verifier measures with, checked: from `actnas verify`'s flags or from an agent's job. */
export interface VerifierSetup {
  readonly modelName: string;
  /** The activation of every site of the reference model: deltas are against it. */
  readonly reference: ActivationKind;
  /** The model at the latency and memory input size. */
  readonly graph: ProfileGraph;
  /** The model at the NWOT input size (often smaller than `graph`). */
  readonly nwotGraph: ProfileGraph;
  readonly metrics: readonly VerifyMetric[];
  readonly tables: VerifyTables;
  readonly runtime: string;
  readonly threads: number;
  readonly nullCopies: number;
  readonly maxPairs: number;
  readonly maxModelSeconds: number;
  readonly targetAbs: number;
  readonly targetRel: number;
  readonly nwotBatch: number;
  readonly nwotSeeds: readonly number[];
  /** The memory planner's fusion rules; default: the memory table's, else the runtime's. */
  readonly fusion?: FusionRules;
  /** Activations of the memory step axis; default: the memory table's, else the profiler's candidates. */
  readonly memoryCandidates?: readonly ActivationKind[];
  readonly onProgress: (p: VerifyProgress) => void;
}

/** Checks every flag, loads the model and opens the runtime: nothing slow happens before all input is known good. */
export async function createVerifier(flags: VerifyRunFlags, io: CliIo, metrics: readonly VerifyMetric[], tableFiles: Partial<Record<VerifyMetric, string>>): Promise<Verifier> {
  const cwd = io.cwd ?? process.cwd();
  const threads = intFlag(flags.threads, '--threads', 1, [1, 256]);
  const nullCopies = intFlag(flags.nullCopies, '--null-copies', 2, [0, 100]);
  const maxPairs = intFlag(flags.maxPairs, '--max-pairs', Number(VERIFY_DEFAULTS.maxPairs), [2, 1_000_000]);
  const maxModelSeconds = numberFlag(flags.maxModelSeconds, '--max-model-seconds', 0);
  const targetAbs = numberFlag(flags.targetAbs, '--target-abs', 0);
  const targetRel = numberFlag(flags.targetRel, '--target-rel', 0);
  const subject = isOnnxPath(flags.model) ? await onnxSubject(flags, io) : await specSubject(flags, io);
  const { graph, reference } = subject;
  const tables = readVerifyTables(tableFiles, cwd, reference.id);
  const acc = tables.accuracy;
  const nwot = nwotSettingsOf(acc);
  const nwotBatch = intFlag(flags.nwotBatch ?? nwot.batch, '--nwot-batch', PROFILE_DEFAULTS.nwot.batch, [2, 1024]);
  const nwotSeeds = nwot.seeds ?? [0];
  const nwotGraph = subject.nwotGraph(flags.nwotImgsz ?? nwot.imgsz);
  try {
    return await buildVerifier({
      modelName: subject.modelName, reference, graph, nwotGraph, metrics, tables, runtime: flags.runtime, threads, nullCopies, maxPairs, maxModelSeconds, targetAbs, targetRel, nwotBatch, nwotSeeds,
      onProgress: (p) => io.stderr.write(progressLine(p)),
    });
  } catch (err) {
    if (err instanceof UnknownRuntimeError) throw new CliUsageError(err.message);
    throw err;
  }
}

interface Subject {
  readonly modelName: string;
  readonly reference: ActivationKind;
  readonly graph: ProfileGraph;
  /** The model at the NWOT input size (flag or table provenance; default: the latency size). */
  readonly nwotGraph: (imgsz: string | undefined) => ProfileGraph;
}

/** A built-in model or a YAML, built at --imgsz (and at the NWOT size when that differs). */
async function specSubject(flags: VerifyRunFlags, io: CliIo): Promise<Subject> {
  const spec = await loadSpec(flags.model, flags, io);
  const graph = buildFromFlags(spec, flags);
  const nwotGraph = (text: string | undefined): ProfileGraph => {
    const imgsz = intFlag(text, '--nwot-imgsz', graph.imgsz, [32, 4096]);
    if (imgsz % 32 !== 0) throw new CliUsageError(`--nwot-imgsz must be a multiple of 32, got ${imgsz}`);
    return imgsz === graph.imgsz ? graph : buildFromFlags(spec, { ...flags, imgsz: String(imgsz) });
  };
  return { modelName: spec.name, reference: spec.activation, graph, nwotGraph };
}

/** An ONNX file with its own weights, at its input size (--imgsz binds dynamic sizes), every site at one activation. */
async function onnxSubject(flags: VerifyRunFlags, io: CliIo): Promise<Subject> {
  if (flags.layout !== undefined) throw new CliUsageError(`--layout applies to built-in models and YAML files; ${flags.model} is an ONNX file with its layout exported`);
  const imgsz = imgszFlag(flags.imgsz);
  const imported = await importOnnxFile(flags.model, io, { maxBytes: maxBytesFlag(flags.maxMb), ...(imgsz !== undefined ? { imgsz } : {}) });
  let graph;
  try {
    // Full-mode latency needs the fewest facts of a site (its name and shape): every site a whole-model rewrite can swap.
    graph = onnxProfileModel(imported, { metric: 'latency', mode: 'full' });
  } catch (err) {
    if (err instanceof OnnxProfileError) throw new CliUsageError(`${flags.model}: ${err.message}`);
    throw err;
  }
  const activations = [...new Map(imported.sites.map((s) => [s.activation.id, s.activation])).values()];
  if (activations.length !== 1) {
    throw new CliUsageError(`${flags.model}: its sites have mixed activations (${activations.map((k) => k.id).join(', ')}); measured deltas are against a model with one activation: rewrite it to one first (actnas model export ${flags.model} --act all:silu -o ref.onnx)`);
  }
  const onnx = graph;
  const nwotGraph = (text: string | undefined): ProfileGraph => {
    if (text !== undefined && Number(text) !== onnx.imgsz) throw new CliUsageError(`NWOT of ${flags.model} runs at its input size ${onnx.height}×${onnx.width}; --nwot-imgsz ${text} (or the accuracy table's) differs`);
    return onnx;
  };
  return { modelName: basename(flags.model).replace(/\.onnx$/i, ''), reference: activations[0]!, graph, nwotGraph };
}

/** Opens the runtime and binds the verify protocol to the setup: the one way to build a verifier. */
export async function buildVerifier(s: VerifierSetup): Promise<Verifier> {
  const { graph, tables, metrics, reference } = s;
  const registry = fullActivationRegistry();
  const memoryCandidates =
    s.memoryCandidates ?? (tables.memory ? tableActivations(tables.memory) : PROFILE_DEFAULTS.candidates.split(',')).map((a) => registry.tryResolve(a)).filter((k): k is ActivationKind => k !== undefined);
  const runtime: Runtime = await createRuntime({ runtime: s.runtime, threads: s.threads, graphOptimizationLevel: 'all', executionMode: 'sequential' });
  const fusionId = noteValue(tables.memory, /\bfusion=([\w-]+)/);
  const fusion: FusionRules = s.fusion ?? (fusionId ? FUSION_RULES[fusionId] : undefined) ?? runtimeFusion(s.runtime);
  const options: Omit<VerifyOptions, 'budgets'> = {
    runtime,
    graph,
    reference,
    metrics,
    seed: PROFILE_DEFAULTS.seed,
    protocol: {
      warmup: PROFILE_DEFAULTS.warmup,
      order: 'abba',
      stopping: { relative: s.targetRel, absolute: s.targetAbs, minPairs: Math.min(10, s.maxPairs), maxPairs: s.maxPairs, maxMs: 1000 * s.maxModelSeconds, checkEvery: 5 },
    },
    nullCopies: s.nullCopies,
    fusion,
    memoryCandidates,
    nwot: { graph: s.nwotGraph, batch: s.nwotBatch, seeds: s.nwotSeeds, initBatch: PROFILE_DEFAULTS.nwot.initBatch },
    onProgress: s.onProgress,
  };
  const p = runtime.provenance;
  return {
    modelName: s.modelName,
    graph,
    reference,
    metrics,
    tables,
    runtimeLabel: `${p.runtime} ${p.version} (${p.backend}), ${p.threads} thread${p.threads === 1 ? '' : 's'}`,
    predict: (sites, fallback = {}) => {
      const out: Partial<Record<VerifyMetric, Prediction>> = {};
      for (const metric of metrics) {
        const table = tables[metric];
        const predicted = table ? predictFromTable(table, sites, reference.id) : fallback[metric];
        if (predicted) out[metric] = predicted;
      }
      return out;
    },
    verify: async (candidates, budgets) => {
      try {
        return await verifyProposals(candidates, { ...options, budgets });
      } catch (err) {
        if (err instanceof VerifyInputError) throw new CliUsageError(err.message);
        throw err;
      }
    },
  };
}

const fixed = (n: number, d = 3): string => (Number.isFinite(n) ? n.toFixed(d) : '-');

function progressLine(p: VerifyProgress): string {
  if (p.phase === 'memory') return p.done === p.total ? `verify: memory planned for ${p.total} models\n` : '';
  if (p.phase === 'accuracy') return `verify: nwot seed ${p.seed} ${p.name} (${p.done}/${p.total})\n`;
  const what = p.phase === 'null' ? `${p.name} (noise floor)` : p.name;
  return `verify: latency ${what}: ${fixed(p.delta)} ms [${fixed(p.low)}, ${fixed(p.high)}] ${p.pairs} pairs (${p.done}/${p.total})\n`;
}

/** The search JSON's totals of one proposal, as predictions (std → 95 % half-width). */
export function predictionsFromTotals(totals: readonly { metric: string; delta: number; std?: number; reference: number; device?: string }[] | undefined): Partial<Record<VerifyMetric, Prediction>> {
  const out: Partial<Record<VerifyMetric, Prediction>> = {};
  for (const t of totals ?? []) {
    if ((t.metric === 'latency' || t.metric === 'memory' || t.metric === 'accuracy') && out[t.metric] === undefined) {
      out[t.metric] = { delta: t.delta, uncertainty: t.std === undefined ? 0 : Z95 * t.std, reference: t.reference };
    }
  }
  return out;
}

/** `--metrics latency,memory,accuracy`. */
export function metricsFlag(text: string): VerifyMetric[] {
  const list = text.split(',').map((m) => m.trim());
  for (const m of list) choiceFlag(m, '--metrics', ['latency', 'memory', 'accuracy'] as const);
  return [...new Set(list)] as VerifyMetric[];
}
