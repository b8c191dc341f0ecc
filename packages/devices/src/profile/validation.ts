import type { ActivationKind, ActivationRegistry, CostTable, ImportedModel } from '@actnas/core';
import { cellLookup, rewriteOnnx, tableActivations } from '@actnas/core';
import { sampleCorrelation } from 'simple-statistics';
import type { PairedMeasurement, PairedOptions, TimedRun } from '../latency/paired-protocol.js';
import { timedAs } from '../latency/cell-protocol.js';
import type { InterleavedOptions } from '../latency/interleaved-protocol.js';
import { measureInterleaved } from '../latency/interleaved-protocol.js';
import { median } from '../latency/statistics.js';
import { categoricalSample, createRng, dirichletSample } from '../random/seeded-rng.js';
import type { Feeds, LoadedModel, Runtime } from '../runtimes/runtime.js';

export interface NamedAssignment {
  readonly name: string;
  readonly sites: Readonly<Record<string, ActivationKind>>;
}

/**
 * How unevenly a random model mixes the activations: each model draws its proportions from a
 * symmetric Dirichlet with this concentration, then each site's activation from them.
 */
const MIX_CONCENTRATION = 0.5;

/**
 * N seeded random mixed assignments over the table's activations, plus all-X for each of `uniform`.
 * Each random model has proportions of its own (see MIX_CONCENTRATION), so the set ranges from
 * models dominated by one or two activations, as a search's proposals are, to even mixes. With one
 * activation per site drawn uniformly, every model is an even mix, and on a CPU where the
 * alternatives' costs have opposite signs (Zen 5: ReLU cheaper than SiLU, Hardswish dearer) every
 * sum cancels to within a few tenths of a millisecond of zero, where a relative error measures
 * the session noise and not the table.
 */
export function validationAssignments(table: CostTable, registry: ActivationRegistry, count: number, seed: number, uniform: readonly ActivationKind[]): NamedAssignment[] {
  const rng = createRng(seed);
  const kinds = tableActivations(table).map((a) => registry.resolve(a));
  const out: NamedAssignment[] = [];
  for (let i = 0; i < count; i++) {
    const proportions = dirichletSample(rng, kinds.length, MIX_CONCENTRATION);
    out.push({ name: `random-${i + 1}`, sites: Object.fromEntries(table.sites.map((s) => [s, kinds[categoricalSample(rng, proportions)]!])) });
  }
  for (const k of uniform) out.push({ name: `all-${k.id}`, sites: Object.fromEntries(table.sites.map((s) => [s, k])) });
  return out;
}

/** Additive prediction: the sum of the table's single-swap deltas. */
export function predictedDelta(table: CostTable, a: NamedAssignment): number {
  const lookup = cellLookup(table);
  return Object.entries(a.sites).reduce((sum, [site, kind]) => sum + (lookup(site, kind.id)?.delta ?? 0), 0);
}

export interface ValidationRow {
  readonly name: string;
  readonly predicted: number;
  readonly measured: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly pairs: number;
}

export interface ValidationReport {
  readonly rows: readonly ValidationRow[];
  /** Pearson correlation of predicted vs measured deltas. */
  readonly correlation: number;
  /** Median of |predicted − measured| / |measured|. */
  readonly medianRelativeError: number;
  /** Median of |predicted − measured|, in the table's unit: meaningful where deltas are near zero. */
  readonly medianAbsoluteError: number;
  /**
   * The median relative error of the random mixed models alone (`random-N`): the all-X models are
   * also the anchors a calibrated micro table was fitted on, so these are the out-of-sample figure.
   */
  readonly randomMedianRelativeError: number;
  /**
   * The unchanged reference, loaded again like every candidate and measured against it: the
   * delta a new session alone produces (memory placement), which no table can predict.
   */
  readonly nullRows: readonly ValidationRow[];
  /** Median |measured| of the null rows: below it, a measured mixed-model delta is session noise. */
  readonly noiseFloor: number;
  /**
   * How fine the measured side was: the median CI half-width of the rows, and the median of each
   * half-width over its |measured|. The measured side's noise alone makes a median relative error
   * of about a third of the latter; more pairs per model make it finer.
   */
  readonly medianHalfWidth: number;
  readonly medianRelativeHalfWidth: number;
}

export function summariseValidation(rows: readonly ValidationRow[], nullRows: readonly ValidationRow[] = []): ValidationReport {
  const correlation = rows.length > 2 ? sampleCorrelation(rows.map((r) => r.predicted), rows.map((r) => r.measured)) : Number.NaN;
  const relativeError = (r: ValidationRow): number => Math.abs(r.predicted - r.measured) / Math.max(Math.abs(r.measured), 1e-9);
  const medianRelativeError = median(rows.map(relativeError));
  const randomMedianRelativeError = median(rows.filter((r) => r.name.startsWith('random-')).map(relativeError));
  const medianAbsoluteError = median(rows.map((r) => Math.abs(r.predicted - r.measured)));
  const noiseFloor = noiseFloorOf(nullRows.map((r) => r.measured));
  const halfWidth = (r: ValidationRow): number => (r.ciHigh - r.ciLow) / 2;
  const medianHalfWidth = median(rows.map(halfWidth));
  const medianRelativeHalfWidth = median(rows.map((r) => halfWidth(r) / Math.max(Math.abs(r.measured), 1e-9)));
  return { rows, correlation, medianRelativeError, medianAbsoluteError, randomMedianRelativeError, nullRows, noiseFloor, medianHalfWidth, medianRelativeHalfWidth };
}

/** The whole-model measurement options of `measureAgainstReference`, and a callback per measured row. */
export interface ValidationOptions extends Omit<WholeModelOptions, 'onMeasured'> {
  readonly onRow?: (row: ValidationRow) => void;
}

/** One whole model measured against the reference with the paired protocol. */
export interface WholeModelMeasurement {
  readonly name: string;
  /** True for a fresh session of the unchanged reference (a null copy). */
  readonly nullCopy: boolean;
  readonly measurement: PairedMeasurement;
}

export interface WholeModelOptions {
  readonly runtime: Runtime;
  readonly model: ImportedModel;
  readonly feeds: Feeds;
  readonly protocol: PairedOptions;
  /** What a run's time is (default `wall`; `process-cpu` for a 1-thread session, see `LatencyTiming`). */
  readonly timing?: 'wall' | 'process-cpu';
  /** Fresh sessions of the unchanged reference to measure first, as null copies (default 0). */
  readonly nullCopies?: number;
  /**
   * The null copies and the assignments are measured in turns under one budget of pair time (see
   * measureInterleaved), every turn in a fresh pair of sessions (see `WHOLE_MODEL_SESSIONS`).
   */
  readonly interleaved: {
    readonly budgetMs: number;
    /** A wall-clock end (see `InterleavedOptions.deadline`). */
    readonly deadline?: InterleavedOptions['deadline'];
    readonly turnPairs?: number;
    readonly nullCopyPairs?: number;
  };
  readonly onMeasured?: (m: WholeModelMeasurement) => void;
  /** Measured in turns: the fraction of the pairs done after each turn (see measureInterleaved). */
  readonly onProgress?: (fraction: number) => void;
}

const nullAssignments = (n: number): NamedAssignment[] => Array.from({ length: n }, (_, i) => ({ name: `null-${i + 1}`, sites: {} }));

/**
 * How whole models are measured in turns (validation, calibration, verification): every turn of
 * 8 pairs in a pair of sessions of its own, a fresh reference session and a fresh session of the
 * model, loaded just before it (in an order that alternates over the model's turns) and closed
 * after it; the turn's two ABBA blocks are one balanced unit of the CI, so a CI over turns is
 * over independent placements. A session's memory placement, and when and in which order it was
 * loaded, moves a whole model by up to ±1 ms: with one session per model for the whole
 * measurement the all-ReLU yolov8n fixture measured −4.92 to −6.01 ms in four runs (Xeon host,
 * ±0.4–0.5 each); with all sessions reloaded together every two rounds (14 sessions at a time in
 * a validation), the churn widened the CIs to ±0.9 ms on a quiet Zen 5 host and moved every
 * yolo11n model by +0.5 to +2.4 ms (correlation 0.82, median relative error 145 %). In fresh
 * pairs an hour later: correlation 0.992, every model within 0.27 ms of its sum, null copies
 * −0.12 and +0.02 ms (PROFILING.md, "Fresh pairs of sessions per turn").
 */
export const WHOLE_MODEL_SESSIONS = { turnPairs: 8 } as const;

/** One model's session, which can be replaced by a fresh one between turns; its timed run always uses the current one. */
class SessionSlot {
  #session?: LoadedModel;
  #run?: TimedRun;

  constructor(
    /** Made again for each fresh session rather than kept: 24 rewritten copies of a model would stay in memory. */
    private readonly bytes: () => Uint8Array,
    private readonly o: WholeModelOptions,
  ) {}

  readonly run: TimedRun = () => this.#run!();

  async load(warmup: number): Promise<void> {
    await this.dispose();
    this.#session = await this.o.runtime.load(this.bytes());
    this.#run = timedAs(this.o.timing ?? 'wall', this.#session.timer(this.o.feeds));
    for (let i = 0; i < warmup; i++) await this.#run();
  }

  async dispose(): Promise<void> {
    await this.#session?.dispose();
    this.#session = undefined;
  }
}

/** Untimed runs of a fresh session before its first timed one (the first run of a session allocates its arena). */
const FRESH_SESSION_WARMUP = 2;

/**
 * Measures the null copies and every assignment, each a whole model rewritten from the reference,
 * against the reference in turns under one budget of pair time, each turn in fresh sessions.
 * Shared by `validateTable`, the table calibration and proposal verification, so all of them
 * measure whole models with one protocol.
 */
export async function measureAgainstReference(assignments: readonly NamedAssignment[], o: WholeModelOptions): Promise<WholeModelMeasurement[]> {
  const turns = o.interleaved;
  const nulls = nullAssignments(o.nullCopies ?? 0);
  const models = [...nulls, ...assignments];
  // The reference goes through the same rewrite as the models (which may drop metadata), so a null copy is its exact bytes.
  const referenceBytes = rewriteOnnx(o.model, {}, { metadata: false });
  const reference = new SessionSlot(() => referenceBytes, o);
  const cands = models.map((a) => new SessionSlot(() => rewriteOnnx(o.model, a.sites, { metadata: false }), o));
  let live: SessionSlot[] = [];
  const beforeTurn = async (candidate: number, round: number): Promise<void> => {
    for (const slot of live) await slot.dispose();
    // The session loaded second ran ~0.2 ms faster (yolov8n fixture, Zen 5): the order alternates over a model's turns.
    live = (round + candidate) % 2 === 0 ? [reference, cands[candidate]!] : [cands[candidate]!, reference];
    for (const slot of live) await slot.load(FRESH_SESSION_WARMUP);
  };
  try {
    const row = (i: number, measurement: PairedMeasurement): WholeModelMeasurement => ({ name: models[i]!.name, nullCopy: i < nulls.length, measurement });
    const measured = await measureInterleaved(
      reference.run,
      cands.map((c) => c.run),
      {
        // Whole models in turns keep block minima on CPU time too: their runs carry 300–700 minor
        // page faults (1–2 ms, varying with heap state) that minima reject and means absorb. On a
        // quiet host block means gave a median half-width of 0.92 ms (floor 1.03) against 0.37 ms
        // (floor 0.19) for minima at load 2–4 (PROFILING.md, "Verification").
        ...o.protocol,
        statistic: o.protocol.statistic ?? 'block-min',
        // Every fresh session is warmed up as it is loaded.
        warmup: 0,
        seeds: models.map((_, i) => o.protocol.seed + i),
        budgetMs: turns.budgetMs,
        ...(turns.deadline ? { deadline: turns.deadline } : {}),
        pairCaps: models.map((_, i) => (i < nulls.length ? turns.nullCopyPairs : undefined)),
        ...(turns.turnPairs ? { turnPairs: turns.turnPairs } : {}),
        onDone: (i, m) => o.onMeasured?.(row(i, m)),
        onProgress: o.onProgress,
        beforeTurn,
      },
    );
    return measured.map((m, i) => row(i, m));
  } finally {
    for (const slot of live) await slot.dispose();
  }
}

/** Median |delta| of the null copies: below it, a measured mixed-model delta is session noise. */
export function noiseFloorOf(nullDeltas: readonly number[]): number {
  return nullDeltas.length ? median(nullDeltas.map((d) => Math.abs(d))) : Number.NaN;
}

/** Measures every assignment end to end against the reference model (paired). */
export async function validateTable(table: CostTable, assignments: readonly NamedAssignment[], o: ValidationOptions): Promise<ValidationReport> {
  const rows: ValidationRow[] = [];
  const nullRows: ValidationRow[] = [];
  const byName = new Map(assignments.map((a) => [a.name, a]));
  await measureAgainstReference(assignments, {
    ...o,
    onMeasured: ({ name, nullCopy, measurement: m }) => {
      const row = { name, predicted: nullCopy ? 0 : predictedDelta(table, byName.get(name)!), measured: m.delta.estimate, ciLow: m.delta.low, ciHigh: m.delta.high, pairs: m.pairs };
      (nullCopy ? nullRows : rows).push(row);
      o.onRow?.(row);
    },
  });
  return summariseValidation(rows, nullRows);
}
