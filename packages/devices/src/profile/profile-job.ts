import type { ActivationKind } from '@actnas/core';
import type { CellProtocol, LatencyTiming } from '../latency/cell-protocol.js';
import type { FusionRules } from '../memory/fusion-rules.js';
import { ORT_CPU_FUSION, XNNPACK_FUSION } from '../memory/fusion-rules.js';
import type { Runtime } from '../runtimes/runtime.js';
import type { CheckpointKey } from './checkpoint.js';
import type { ProfileGraph } from './graph-adapters.js';
import { isOnnxProfileModel } from './onnx-profile-model.js';
import type { LatencyMode, NwotSettings, ProfileMetric, ProfileRequest } from './profile-runner.js';

/**
 * How a table is measured unless the caller says otherwise. `actnas profile` and the device agent
 * both build their jobs here, so a table measured by either is measured the same way.
 */
export const PROFILE_DEFAULTS = {
  mode: 'micro',
  candidates: 'relu,silu,hardswish,relu6,leakyrelu',
  seed: 0,
  warmup: 3,
  /** Stop a latency cell when its 95% CI half-width is at most this fraction of |delta| … */
  targetRelative: 0.1,
  /**
   * … or at most this many milliseconds. What a whole-model prediction can use: the errors of a
   * model's 57–64 cells add up to about ±0.02 × √60 ≈ ±0.15 ms, below the ±0.5 ms to which a
   * whole model itself is measured; at 0.01 ms a micro table took 150–185 s on a Xeon host, where
   * it now takes about a third of that (PROFILING.md, "Whole-model calibration").
   */
  targetAbsoluteMs: 0.02,
  minPairs: 10,
  maxPairs: 6000,
  /**
   * Heavy blocks need more pairs than light ones to reach the target: a time cap per cell, after
   * which a cell still off target waits for the table's leftover time (`maxTableSeconds`).
   */
  maxCellSeconds: 8,
  /**
   * Micro mode: the wall time a table may take, its calibration included. The cells run to 60 %
   * of it (`CELLS_SHARE_OF_TABLE`): what they finish under that goes to the cells still off target
   * after their per-cell cap, nearest to their target first; the calibration's anchors stop at the
   * end, with at least 48 pairs each. With the calibration on top of a 100 s budget for the cells,
   * the yolov8n fixture's table took 139–200 s on a noisy Xeon host (PROFILING.md).
   */
  maxTableSeconds: 170,
  /**
   * Micro mode: pairs per whole all-X model that calibrate the table against the whole model
   * (`WholeModelCalibration`); 0 for none. Measured in fresh sessions on a Xeon host, yolo11n's
   * whole models were 0.6–1.7 ms below their micro sums (29 % median relative error) while the
   * yolov8n fixture's were within their noise of them (PROFILING.md): the anchors cost ~1.5 min
   * of a 640 px table and remove such a gap where there is one. 100 pairs give about ±0.5 ms per
   * anchor on a 66 ms model, ±0.25 ms pooled over four.
   */
  calibrationPairs: 100,
  /** Paired runs timed by process CPU time on a 1-thread onnxruntime session (see `LatencyTiming`). */
  timing: 'auto',
  paperRuns: 50,
  nwot: { batch: 16, seeds: [0], calibration: 'synthetic', initBatch: 4 },
} as const satisfies {
  readonly mode: LatencyMode;
  readonly timing: LatencyTiming;
  readonly nwot: NwotSettings;
  readonly [key: string]: unknown;
};

export interface PairedLimits {
  readonly warmup?: number;
  readonly targetRelative?: number;
  readonly targetAbsoluteMs?: number;
  readonly minPairs?: number;
  readonly maxPairs?: number;
  readonly maxCellSeconds?: number;
  /** Micro mode: the table's time budget (see `PROFILE_DEFAULTS.maxTableSeconds`); 0 for none. */
  readonly maxTableSeconds?: number;
  /** Micro mode: pairs per whole-model calibration anchor (see `PROFILE_DEFAULTS.calibrationPairs`); 0 for none. */
  readonly calibrationPairs?: number;
  readonly timing?: LatencyTiming;
}

/** The paired adaptive protocol (ABBA order, CI target, pair and time caps, a micro table's time budget). */
export function pairedProtocol(limits: PairedLimits = {}): CellProtocol {
  const d = PROFILE_DEFAULTS;
  const maxPairs = limits.maxPairs ?? d.maxPairs;
  const tableSeconds = limits.maxTableSeconds ?? d.maxTableSeconds;
  const calibrationPairs = limits.calibrationPairs ?? d.calibrationPairs;
  return {
    kind: 'paired',
    options: {
      warmup: limits.warmup ?? d.warmup,
      order: 'abba',
      stopping: {
        relative: limits.targetRelative ?? d.targetRelative,
        absolute: limits.targetAbsoluteMs ?? d.targetAbsoluteMs,
        minPairs: Math.min(limits.minPairs ?? d.minPairs, maxPairs),
        maxPairs,
        maxMs: 1000 * (limits.maxCellSeconds ?? d.maxCellSeconds),
        checkEvery: 5,
      },
    },
    timing: limits.timing ?? d.timing,
    ...(tableSeconds > 0 ? { tableBudgetMs: 1000 * tableSeconds } : {}),
    ...(calibrationPairs > 0 ? { calibration: { maxPairs: calibrationPairs } } : {}),
  };
}

/** The paper's protocol: the mean of `runs` runs per model, unpaired. */
export function paperProtocol(runs: number = PROFILE_DEFAULTS.paperRuns, warmup: number = PROFILE_DEFAULTS.warmup): CellProtocol {
  return { kind: 'paper', options: { warmup, runs } };
}

/** The fusion rules of a runtime's own compiler: XNNPACK for tfjs, ORT CPU otherwise. */
export function runtimeFusion(runtimeId: string): FusionRules {
  return runtimeId === 'tfjs' ? XNNPACK_FUSION : ORT_CPU_FUSION;
}

export interface ProfileJobInput {
  readonly modelName: string;
  /** A graph built from a spec, or a user's ONNX file (`onnxProfileModel`). */
  readonly graph: ProfileGraph;
  readonly runtime: Runtime;
  readonly metric: ProfileMetric;
  readonly reference: ActivationKind;
  readonly candidates: readonly ActivationKind[];
  readonly mode?: LatencyMode;
  readonly protocol?: CellProtocol;
  readonly seed?: number;
  /** Memory: the device's fusion rules; default the runtime's own. */
  readonly fusion?: FusionRules;
  readonly nwot?: NwotSettings;
  readonly sites?: readonly string[];
}

/** A profile request and the key its checkpoint is stored under. */
export interface ProfileJob {
  readonly request: ProfileRequest;
  readonly checkpointKey: CheckpointKey;
}

export function profileJob(input: ProfileJobInput): ProfileJob {
  const request: ProfileRequest = {
    modelName: input.modelName,
    graph: input.graph,
    runtime: input.runtime,
    metric: input.metric,
    mode: input.mode ?? PROFILE_DEFAULTS.mode,
    protocol: input.protocol ?? pairedProtocol(),
    reference: input.reference,
    candidates: input.candidates,
    seed: input.seed ?? PROFILE_DEFAULTS.seed,
    fusion: input.fusion ?? runtimeFusion(input.runtime.provenance.runtime),
    nwot: input.nwot ?? PROFILE_DEFAULTS.nwot,
    ...(input.sites ? { sites: input.sites } : {}),
  };
  return { request, checkpointKey: profileCheckpointKey(request) };
}

/**
 * Everything a measured cell depends on. Resuming a checkpoint written under another key would
 * mix incomparable cells, so only what changes a cell's value is in it (the fusion rules only for
 * memory, the protocol only for latency, the NWOT settings only for accuracy).
 */
export function profileCheckpointKey(req: ProfileRequest): CheckpointKey {
  const p = req.runtime.provenance;
  return {
    model: req.modelName,
    imgsz: req.graph.imgsz,
    metric: req.metric,
    mode: req.metric === 'latency' ? req.mode : '-',
    runtime: p.runtime,
    backend: p.backend,
    version: p.version,
    threads: p.threads,
    graphOpt: p.graphOptimizationLevel ?? '-',
    executionMode: p.executionMode ?? '-',
    seed: req.seed,
    reference: req.reference.id,
    candidates: req.candidates.map((k) => k.id).join(','),
    protocol: req.metric === 'latency' ? JSON.stringify(req.protocol) : '-',
    nwot: req.metric === 'accuracy' ? JSON.stringify(req.nwot) : '-',
    fusion: req.metric === 'memory' ? `${req.fusion.id}:${[...req.fusion.fused].sort().join(',')}` : '-',
    sites: req.sites?.join(',') ?? 'all',
    ...(isOnnxProfileModel(req.graph) ? { onnx: req.graph.digest, input: `${req.graph.height}x${req.graph.width}` } : {}),
    // Micro cells of sites with one block are one measurement: a checkpoint of per-site cells is not resumed into it.
    ...(req.metric === 'latency' && req.mode === 'micro' ? { microSweep: 'shared-blocks' } : {}),
  };
}
