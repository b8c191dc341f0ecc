import type { ActivationKind, CostCell, CostTable, ImportedModel } from '@actnas/core';
import type { PairedOptions } from '../latency/paired-protocol.js';
import type { Feeds, Runtime } from '../runtimes/runtime.js';
import type { NamedAssignment } from './validation.js';
import { WHOLE_MODEL_SESSIONS, measureAgainstReference, predictedDelta } from './validation.js';

/**
 * Micro blocks can miss part of what the reference activation costs inside the whole model. On a
 * Xeon host, measured in fresh sessions (`WHOLE_MODEL_SESSIONS`), every mixed yolo11n model was
 * 0.6–1.7 ms faster than its micro sum (median relative error 29 %), while the yolov8n fixture's
 * were within their noise of theirs; and the gap hardly depended on what replaced the reference.
 *
 * The calibration measures each all-X model (X every candidate but the reference) whole, against
 * the reference, and pools their gaps into one offset per swapped site. Pooled over the anchors the
 * offset is about half as noisy as one per activation, and predicted random mixed models better
 * (median relative error 7 % against 12 % per activation on the fixture, PROFILING.md, "Fresh
 * sessions, and the whole-model calibration"); spreading it by tensor size did no better than
 * evenly.
 */
export interface CalibrationAnchor {
  /** The candidate every site of the anchor model uses. */
  readonly activation: string;
  /** Σ of the column's micro deltas over the table's sites: the uncalibrated prediction. */
  readonly microSum: number;
  /** The whole all-X model against the reference (block minima, as validation measures). */
  readonly measured: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly pairs: number;
  /** `time`: the table's budget ended it before its pair cap. */
  readonly stoppedBy?: 'target' | 'cap' | 'time';
}

export interface WholeModelCalibration {
  readonly anchors: readonly CalibrationAnchor[];
  /** The pooled gap (measured − Σ micro) of a model with every site swapped. */
  readonly gap: number;
  /** 95 % CI of `gap`. */
  readonly gapLow: number;
  readonly gapHigh: number;
  /** Added to every non-reference cell: `gap` divided by the table's sites. */
  readonly perSite: number;
}

/** The all-X model on the table's sites for each candidate but the reference, in the candidates' order. */
export function calibrationAnchors(table: CostTable, candidates: readonly ActivationKind[], reference: ActivationKind): NamedAssignment[] {
  return candidates.filter((k) => k.id !== reference.id).map((k) => ({ name: `all-${k.id}`, sites: Object.fromEntries(table.sites.map((s) => [s, k])) }));
}

/**
 * The inverse-variance weighted mean of the anchors' gaps (the CI half-width as the spread),
 * spread evenly over the table's sites. An anchor whose CI has no width counts as the narrowest
 * of the others, so that one anchor cannot take all the weight.
 */
export function fitCalibration(anchors: readonly CalibrationAnchor[], sites: number): WholeModelCalibration {
  if (anchors.length === 0 || sites < 1) throw new Error('a calibration needs at least one anchor and one site');
  const widths = anchors.map((a) => (a.ciHigh - a.ciLow) / 2);
  const floor = Math.min(...widths.filter((w) => w > 0), Number.POSITIVE_INFINITY);
  const weights = widths.map((w) => 1 / (w > 0 ? w : Number.isFinite(floor) ? floor : 1) ** 2);
  const total = weights.reduce((s, w) => s + w, 0);
  const gap = anchors.reduce((s, a, i) => s + weights[i]! * (a.measured - a.microSum), 0) / total;
  // Half-widths as spreads: the pooled one is 1 / √Σ(1 / hw²).
  const halfWidth = 1 / Math.sqrt(total);
  return { anchors, gap, gapLow: gap - halfWidth, gapHigh: gap + halfWidth, perSite: gap / sites };
}

/**
 * The table with every non-reference cell moved by the calibration's offset. A cell's CI moves
 * with it and keeps its width: the offset's own uncertainty is shared by every cell (one number
 * for the whole table), so it is stated once, in the note, instead of inflating 200 independent
 * intervals.
 */
export function applyCalibration(table: CostTable, reference: ActivationKind, c: WholeModelCalibration): CostTable {
  const shift = (cell: CostCell): CostCell =>
    cell.activation === reference.id
      ? cell
      : { ...cell, delta: cell.delta + c.perSite, ...(cell.ciLow !== undefined && cell.ciHigh !== undefined ? { ciLow: cell.ciLow + c.perSite, ciHigh: cell.ciHigh + c.perSite } : {}) };
  return { ...table, cells: table.cells.map(shift), provenance: { ...table.provenance, note: withNote(table.provenance.note, calibrationNote(c)) } };
}

/**
 * The note with the calibration's part before the list of shared micro blocks, the longest part:
 * a note cut to the platform's 2000 characters then still says how the table was calibrated.
 */
function withNote(note: string | undefined, part: string): string {
  if (!note) return part;
  const at = note.indexOf('; micro-blocks=');
  return at < 0 ? `${note}; ${part}` : `${note.slice(0, at)}; ${part}${note.slice(at)}`;
}

export function calibrationNote(c: WholeModelCalibration): string {
  const ms = (x: number): string => x.toFixed(3);
  const anchors = c.anchors.map((a) => `all-${a.activation} ${ms(a.measured)}±${ms((a.ciHigh - a.ciLow) / 2)} vs Σmicro ${ms(a.microSum)} (${a.pairs} pairs${a.stoppedBy === 'time' ? ' to the table budget' : ''})`).join(', ');
  return `calibration=whole-model: ${c.perSite.toFixed(4)} ms on each non-reference cell, the pooled gap ${ms(c.gap)}±${ms((c.gapHigh - c.gapLow) / 2)} ms of ${anchors} over the sites`;
}

export interface CalibrationOptions {
  readonly runtime: Runtime;
  /** The whole reference model the table's sites belong to. */
  readonly model: ImportedModel;
  readonly feeds: Feeds;
  readonly timing: 'wall' | 'process-cpu';
  readonly candidates: readonly ActivationKind[];
  readonly reference: ActivationKind;
  /** Pair cap per anchor. */
  readonly maxPairs: number;
  /**
   * When the table's time is up, on `clock`: the anchors stop there, each with at least
   * `CALIBRATION_MIN_PAIRS`, when their caps would take longer.
   */
  readonly deadline?: number;
  /** Milliseconds; default `performance.now()` (tests inject one). */
  readonly clock?: () => number;
  readonly seed: number;
  /** Anchors measured before (a resumed profile), by activation. */
  readonly measured?: ReadonlyMap<string, Omit<CalibrationAnchor, 'microSum'>>;
  readonly onAnchor?: (a: CalibrationAnchor) => void;
  /** The fraction of the anchors' pairs done, after each turn: they are measured in turns and all finish near the end. */
  readonly onProgress?: (fraction: number) => void;
}

/**
 * Pairs every anchor gets even past the table's deadline: six turns of fresh sessions, ±0.4 ms
 * pooled over four anchors where 100 pairs give ±0.27 (yolov8n fixture, Xeon host).
 */
export const CALIBRATION_MIN_PAIRS = 48;

/** Whole-model protocol of the anchors: validation's (ABBA, block minima, in turns), capped at `maxPairs`. */
function anchorProtocol(o: CalibrationOptions): PairedOptions {
  return {
    warmup: 3, order: 'abba', seed: o.seed, ...(o.clock ? { clock: o.clock } : {}),
    stopping: { relative: 0.05, absolute: 0.02, minPairs: Math.min(10, o.maxPairs), maxPairs: o.maxPairs, checkEvery: 5 },
  };
}

/** Measures the anchors the profile has not measured yet, in turns, and fits the calibration. */
export async function calibrateTable(table: CostTable, o: CalibrationOptions): Promise<WholeModelCalibration> {
  const anchors = calibrationAnchors(table, o.candidates, o.reference);
  const microSum = new Map(anchors.map((a) => [a.name, predictedDelta(table, a)]));
  const got = new Map<string, CalibrationAnchor>();
  for (const a of anchors) {
    const prior = o.measured?.get(a.name.slice('all-'.length));
    if (prior) got.set(a.name, { ...prior, microSum: microSum.get(a.name)! });
  }
  const todo = anchors.filter((a) => !got.has(a.name));
  if (todo.length > 0) {
    await measureAgainstReference(todo, {
      runtime: o.runtime, model: o.model, feeds: o.feeds, timing: o.timing, protocol: anchorProtocol(o),
      interleaved: {
        budgetMs: Number.POSITIVE_INFINITY, ...WHOLE_MODEL_SESSIONS,
        ...(o.deadline !== undefined ? { deadline: { at: o.deadline, minPairs: Math.min(CALIBRATION_MIN_PAIRS, o.maxPairs) } } : {}),
      },
      onProgress: o.onProgress,
      onMeasured: ({ name, measurement: m }) => {
        const anchor = { activation: name.slice('all-'.length), microSum: microSum.get(name)!, measured: m.delta.estimate, ciLow: m.delta.low, ciHigh: m.delta.high, pairs: m.pairs, stoppedBy: m.stoppedBy };
        got.set(name, anchor);
        o.onAnchor?.(anchor);
      },
    });
  }
  return fitCalibration(anchors.map((a) => got.get(a.name)!), table.sites.length);
}
