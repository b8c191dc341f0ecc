import type { ActivationKind, ImportedModel } from '@actnas/core';
import { emitOnnx, importOnnx, rewriteOnnx } from '@actnas/core';
import { calibrationBatch } from '../accuracy/calibration-images.js';
import { dataDependentInit } from '../accuracy/data-dependent-init.js';
import { nwotModel, nwotOfModel } from '../accuracy/nwot-estimator.js';
import { resolveTiming } from '../latency/cell-protocol.js';
import type { PairedOptions } from '../latency/paired-protocol.js';
import { mean, median, standardDeviation } from '../latency/statistics.js';
import type { FusionRules } from '../memory/fusion-rules.js';
import { stepAxis } from '../memory/memory-schedule.js';
import { estimateMemory } from '../memory/memory-table.js';
import type { ProfileGraph } from '../profile/graph-adapters.js';
import { memoryGraphOf } from '../profile/graph-adapters.js';
import { isOnnxProfileModel, onnxWithDynamicBatch } from '../profile/onnx-profile-model.js';
import { syntheticInput } from '../profile/latency-sweep.js';
import { WHOLE_MODEL_SESSIONS, measureAgainstReference, noiseFloorOf } from '../profile/validation.js';
import type { Runtime } from '../runtimes/runtime.js';
import type { Prediction } from './verify-prediction.js';
import { Z95 } from './verify-prediction.js';

export type VerifyMetric = 'latency' | 'memory' | 'accuracy';
export const VERIFY_METRICS: readonly VerifyMetric[] = ['latency', 'memory', 'accuracy'];

/** A proposal (or a baseline) to measure whole. */
export interface VerifyCandidate {
  /** `#1`, `all-relu`, … */
  readonly name: string;
  readonly kind: 'proposal' | 'baseline';
  readonly rank?: number;
  /** Activation per site; sites left out keep the reference. */
  readonly sites: Readonly<Record<string, ActivationKind>>;
  /** The additive prediction per metric (Σ cells ± the table's uncertainty), when there is one. */
  readonly predicted?: Partial<Record<VerifyMetric, Prediction>>;
}

/** Budgets in the search's terms: totals (reference + delta) for latency and memory, Σ delta ≥ −drop for accuracy. */
export interface VerifyBudgets {
  readonly maxLatency?: number;
  readonly maxMemory?: number;
  readonly maxAccuracyDrop?: number;
}

export interface VerifyNwotSettings {
  /** The model at the NWOT table's input size (NWOT tables are usually measured smaller than latency). */
  readonly graph: ProfileGraph;
  readonly batch: number;
  readonly seeds: readonly number[];
  /** Images in the data-dependent init's calibration batch. */
  readonly initBatch: number;
}

export type VerifyProgress =
  | { readonly phase: 'memory'; readonly done: number; readonly total: number }
  | { readonly phase: 'accuracy'; readonly seed: number; readonly name: string; readonly done: number; readonly total: number }
  | { readonly phase: 'null' | 'latency'; readonly name: string; readonly delta: number; readonly low: number; readonly high: number; readonly pairs: number; readonly done: number; readonly total: number };

export interface VerifyOptions {
  readonly runtime: Runtime;
  /** The reference model at the latency input size (a built graph with seeded weights, or a user's ONNX file with its own); its memory graph is planned whole. */
  readonly graph: ProfileGraph;
  readonly reference: ActivationKind;
  readonly metrics: readonly VerifyMetric[];
  /** Seed of the weights, the input and the pair order (as `actnas profile --seed`). */
  readonly seed: number;
  /** The paired protocol of the whole-model latency deltas (its seed is offset per model). */
  readonly protocol: Omit<PairedOptions, 'seed'>;
  /**
   * What a latency run's time is: `auto` (the default) is the process's CPU time for a 1-thread
   * onnxruntime session, as micro tables are measured, else the wall clock (see resolveTiming).
   */
  readonly timing?: 'wall' | 'process-cpu' | 'auto';
  /** Fresh sessions of the unchanged reference measured beside the candidates: the session noise floor. */
  readonly nullCopies: number;
  /**
   * Pair time of the whole latency phase (ms). The null copies and candidates are measured in
   * turns under it (measureInterleaved), each leaving when its CI meets the protocol's target, so
   * the time the narrow ones leave goes to the wide ones. Default: `protocol.stopping.maxMs` per
   * model (null copies included); without either, every model runs to its target or pair cap.
   */
  readonly latencyBudgetMs?: number;
  readonly fusion: FusionRules;
  /** Activations the memory table's step axis was built over (default: the reference and those the candidates use). */
  readonly memoryCandidates?: readonly ActivationKind[];
  /** NWOT settings (default: `graph`, batch 16, seed 0, init batch 4, as `actnas profile`). */
  readonly nwot?: VerifyNwotSettings;
  readonly budgets?: VerifyBudgets;
  readonly onProgress?: (p: VerifyProgress) => void;
}

export interface MeasuredValue {
  /** Whole model − reference model. */
  readonly delta: number;
  /** 95 % interval of the delta (the paired bootstrap CI for latency; mean ± 1.96 s/√n over NWOT seeds; exact for memory). */
  readonly low: number;
  readonly high: number;
  /** Reference + delta, with the table's reference when there is one, else the measured reference. */
  readonly total?: number;
  /** Paired runs (latency), seeds (accuracy), 1 (memory). */
  readonly runs: number;
}

export interface BudgetCheck {
  readonly description: string;
  readonly limit: number;
  /** How far the measured value is past the budget, in the metric's unit (> 0: broken). */
  readonly excess: number;
  readonly brokenAsMeasured: boolean;
  readonly brokenAsPredicted?: boolean;
}

export interface MetricCheck {
  readonly metric: VerifyMetric;
  readonly unit: string;
  readonly predicted?: Prediction;
  readonly measured: MeasuredValue;
  /** measured − predicted delta. */
  readonly residual?: number;
  /** √(table uncertainty² + measured CI half-width²), both 95 %. */
  readonly combinedUncertainty?: number;
  /** |residual| ≤ combined uncertainty. */
  readonly inside?: boolean;
  readonly budget?: BudgetCheck;
}

export interface VerifiedCandidate {
  readonly name: string;
  readonly kind: 'proposal' | 'baseline';
  readonly rank?: number;
  readonly changedSites: number;
  readonly metrics: readonly MetricCheck[];
  /** Metrics whose measured value lies outside predicted ± combined uncertainty. */
  readonly outside: readonly VerifyMetric[];
  /** Metrics whose budget the measured value breaks. */
  readonly broken: readonly VerifyMetric[];
}

export interface NullCopy {
  readonly name: string;
  readonly delta: number;
  readonly low: number;
  readonly high: number;
  readonly pairs: number;
}

export interface VerifyReport {
  readonly candidates: readonly VerifiedCandidate[];
  /** The reference model as measured: latency median (ms), planner arena (KB), NWOT score (mean over seeds). */
  readonly reference: { readonly latency?: number; readonly memory?: number; readonly accuracy?: number };
  /** Latency: fresh sessions of the unchanged reference, measured first, and their median |delta|. */
  readonly noise?: { readonly nullCopies: readonly NullCopy[]; readonly floor: number; readonly timing: 'wall' | 'process-cpu' };
  readonly elapsedMs: number;
}

export class VerifyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerifyInputError';
  }
}

const KB = 1024;
/** Pair cap of a null copy in a verification or validation (60 pairs: about ±0.3 ms on a quiet 2-vCPU host at 640 px); null copies only show the session floor. */
export const NULL_COPY_PAIRS = 60;
const UNITS: Readonly<Record<VerifyMetric, string>> = { latency: 'ms', memory: 'KB', accuracy: 'nwot' };

/** Measures each candidate's whole model and sets it beside its prediction and the budgets. */
export async function verifyProposals(candidates: readonly VerifyCandidate[], o: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  const siteNames = new Set(o.graph.sites.map((s) => s.name));
  for (const c of candidates) {
    const unknown = Object.keys(c.sites).find((s) => !siteNames.has(s));
    if (unknown !== undefined) throw new VerifyInputError(`${c.name}: "${unknown}" is not an activation site of the model`);
  }
  const measured = new Map<VerifyMetric, MeasuredValue[]>();
  const reference: { latency?: number; memory?: number; accuracy?: number } = {};
  let noise: VerifyReport['noise'];
  if (o.metrics.includes('memory')) {
    const r = measureMemory(candidates, o);
    measured.set('memory', r.values);
    reference.memory = r.reference;
  }
  if (o.metrics.includes('accuracy')) {
    const r = await measureNwot(candidates, o);
    measured.set('accuracy', r.values);
    reference.accuracy = r.reference;
  }
  if (o.metrics.includes('latency')) {
    const r = await measureLatency(candidates, o);
    measured.set('latency', r.values);
    reference.latency = r.reference;
    noise = r.noise;
  }
  const verified = candidates.map((c, i): VerifiedCandidate => {
    const metrics = o.metrics.map((metric) => check(metric, c.predicted?.[metric], measured.get(metric)![i]!, o.budgets ?? {}));
    return {
      name: c.name,
      kind: c.kind,
      ...(c.rank === undefined ? {} : { rank: c.rank }),
      changedSites: Object.values(c.sites).filter((k) => k.id !== o.reference.id).length,
      metrics,
      outside: metrics.filter((m) => m.inside === false).map((m) => m.metric),
      broken: metrics.filter((m) => m.budget?.brokenAsMeasured).map((m) => m.metric),
    };
  });
  return { candidates: verified, reference, ...(noise ? { noise } : {}), elapsedMs: performance.now() - started };
}

function check(metric: VerifyMetric, predicted: Prediction | undefined, raw: MeasuredValue, budgets: VerifyBudgets): MetricCheck {
  const measured: MeasuredValue = predicted?.reference !== undefined ? { ...raw, total: predicted.reference + raw.delta } : raw;
  const halfWidth = (measured.high - measured.low) / 2;
  const compared = predicted
    ? (() => {
        const residual = measured.delta - predicted.delta;
        const combinedUncertainty = Math.hypot(predicted.uncertainty, halfWidth);
        // A hair of slack for sums of floats (memory: both sides exact).
        return { residual, combinedUncertainty, inside: Math.abs(residual) <= combinedUncertainty + 1e-9 * Math.max(1, Math.abs(predicted.delta)) };
      })()
    : {};
  const budget = budgetCheck(metric, predicted, measured, budgets);
  return { metric, unit: UNITS[metric], ...(predicted ? { predicted } : {}), measured, ...compared, ...(budget ? { budget } : {}) };
}

function budgetCheck(metric: VerifyMetric, predicted: Prediction | undefined, measured: MeasuredValue, budgets: VerifyBudgets): BudgetCheck | undefined {
  if (metric === 'accuracy') {
    if (budgets.maxAccuracyDrop === undefined) return undefined;
    const floor = -budgets.maxAccuracyDrop;
    const excess = floor - measured.delta;
    return {
      description: `Σ accuracy delta ≥ ${floor}`,
      limit: floor,
      excess,
      brokenAsMeasured: excess > 0,
      ...(predicted ? { brokenAsPredicted: predicted.delta < floor } : {}),
    };
  }
  const limit = metric === 'latency' ? budgets.maxLatency : budgets.maxMemory;
  if (limit === undefined || measured.total === undefined) return undefined;
  const excess = measured.total - limit;
  return {
    description: `${metric} ≤ ${limit} ${UNITS[metric]}`,
    limit,
    excess,
    brokenAsMeasured: excess > 0,
    ...(predicted?.reference !== undefined ? { brokenAsPredicted: predicted.reference + predicted.delta > limit } : {}),
  };
}

/** The arena planner on the whole mixed graph (deterministic: the interval is the value). */
function measureMemory(candidates: readonly VerifyCandidate[], o: VerifyOptions): { values: MeasuredValue[]; reference: number } {
  const graph = memoryGraphOf(o.graph);
  const kinds = o.memoryCandidates ?? candidates.flatMap((c) => Object.values(c.sites));
  const axis = stepAxis(graph, o.fusion, [o.reference, ...kinds]);
  const ref = estimateMemory(graph, { reference: o.reference, sites: {} }, o.fusion, axis).arenaBytes / KB;
  const values = candidates.map((c, i) => {
    const arena = estimateMemory(graph, { reference: o.reference, sites: c.sites }, o.fusion, axis).arenaBytes / KB;
    o.onProgress?.({ phase: 'memory', done: i + 1, total: candidates.length });
    return { delta: arena - ref, low: arena - ref, high: arena - ref, total: arena, runs: 1 };
  });
  return { values, reference: ref };
}

/**
 * NWOT of each whole mixed model, per seed: the seeded model gets its data-dependent init as the
 * reference (as `actnas profile --metric accuracy` does for its cells), then each candidate's
 * activations are rewritten into the initialised model and scored whole.
 */
async function measureNwot(candidates: readonly VerifyCandidate[], o: VerifyOptions): Promise<{ values: MeasuredValue[]; reference: number }> {
  const s = o.nwot ?? { graph: o.graph, batch: 16, seeds: [0], initBatch: 4 };
  const imgsz = s.graph.imgsz;
  const deltas: number[][] = candidates.map(() => []);
  const refs: number[] = [];
  for (const seed of s.seeds) {
    const model = isOnnxProfileModel(s.graph) ? onnxWithDynamicBatch(s.graph) : importOnnx(emitOnnx(s.graph, { seed, dynamicBatch: true }));
    const init = await dataDependentInit(model, { runtime: o.runtime, batch: calibrationBatch({ kind: 'synthetic', seed: seed + 7919 }, s.initBatch, imgsz) });
    const batch = calibrationBatch({ kind: 'synthetic', seed }, s.batch, imgsz);
    const ref = (await nwotOfModel(o.runtime, nwotModel(init.model), batch)).result.score;
    refs.push(ref);
    for (const [i, c] of candidates.entries()) {
      const changed = Object.values(c.sites).some((k) => k.id !== o.reference.id);
      const score = changed ? (await nwotOfModel(o.runtime, nwotModel(importOnnx(rewriteOnnx(init.model, c.sites))), batch)).result.score : ref;
      deltas[i]!.push(score - ref);
      o.onProgress?.({ phase: 'accuracy', seed, name: c.name, done: i + 1, total: candidates.length });
    }
  }
  const values = deltas.map((d) => {
    const m = mean(d);
    const hw = d.length > 1 ? (Z95 * standardDeviation(d)) / Math.sqrt(d.length) : 0;
    return { delta: m, low: m - hw, high: m + hw, total: mean(refs) + m, runs: d.length };
  });
  return { values, reference: mean(refs) };
}

/** The whole reference model: the user's file itself, or the graph emitted with seeded weights. */
function referenceModel(graph: ProfileGraph, seed: number): ImportedModel {
  return isOnnxProfileModel(graph) ? graph.imported : importOnnx(emitOnnx(graph, { seed }));
}

/** One seeded image under the model's input name, at its input size. */
function inputFeeds(g: ProfileGraph, seed: number): Record<string, ReturnType<typeof syntheticInput>> {
  return isOnnxProfileModel(g) ? { [g.inputName]: syntheticInput([1, 3, g.height, g.width], seed) } : { images: syntheticInput([1, 3, g.imgsz, g.imgsz], seed) };
}

/** The paired protocol against the reference (as `actnas profile validate`), the null copies and candidates in turns. */
async function measureLatency(candidates: readonly VerifyCandidate[], o: VerifyOptions): Promise<{ values: MeasuredValue[]; reference: number; noise: NonNullable<VerifyReport['noise']> }> {
  const total = o.nullCopies + candidates.length;
  let done = 0;
  const timing = resolveTiming({ kind: 'paired', options: o.protocol, timing: o.timing ?? 'auto' }, o.runtime.provenance);
  const rows = await measureAgainstReference(
    candidates.map((c) => ({ name: c.name, sites: c.sites })),
    {
      runtime: o.runtime,
      model: referenceModel(o.graph, o.seed),
      feeds: inputFeeds(o.graph, o.seed),
      protocol: { ...o.protocol, seed: o.seed },
      timing,
      nullCopies: o.nullCopies,
      // The null copies only show the session floor: ±0.3 ms is enough there, so they leave the proposals the time.
      interleaved: { budgetMs: o.latencyBudgetMs ?? (o.protocol.stopping.maxMs ?? Infinity) * total, nullCopyPairs: NULL_COPY_PAIRS, ...WHOLE_MODEL_SESSIONS },
      onMeasured: ({ name, nullCopy, measurement: m }) =>
        o.onProgress?.({ phase: nullCopy ? 'null' : 'latency', name, delta: m.delta.estimate, low: m.delta.low, high: m.delta.high, pairs: m.pairs, done: ++done, total }),
    },
  );
  const nulls = rows.filter((r) => r.nullCopy);
  const measured = rows.filter((r) => !r.nullCopy);
  const reference = median(rows.map((r) => r.measurement.reference.median));
  const values = measured.map(({ measurement: m }) => ({ delta: m.delta.estimate, low: m.delta.low, high: m.delta.high, total: reference + m.delta.estimate, runs: m.pairs }));
  const nullCopies = nulls.map(({ name, measurement: m }) => ({ name, delta: m.delta.estimate, low: m.delta.low, high: m.delta.high, pairs: m.pairs }));
  return { values, reference, noise: { nullCopies, floor: noiseFloorOf(nullCopies.map((n) => n.delta)), timing } };
}
