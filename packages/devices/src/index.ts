/**
 * @actnas/devices — runs models on real runtimes and measures them: latency, memory, NWOT
 * accuracy, validation. A library: no CLI, no GraphQL, no knowledge of the apps that use it.
 */

export type { Feeds, LoadedModel, Runtime, RuntimeFactory, RuntimeProfile, RuntimeProvenance, TensorData } from './runtimes/runtime.js';
export { UnknownRuntimeError, createRuntime, registerRuntime, runtimeIds } from './runtimes/runtime-registry.js';
export { createOrtRuntime } from './runtimes/ort.runtime.js';
export { createTfjsRuntime } from './runtimes/tfjs.runtime.js';
export { chooseTfjsBackend } from './runtimes/tfjs-backend.detect.js';

export type { PairedMeasurement, PairedOptions, PaperOptions, RunSummary, StoppingRule, TimedRun } from './latency/paired-protocol.js';
export { DEFAULT_STOPPING, measureMean, measurePaired, unpairedDelta } from './latency/paired-protocol.js';
export type { ConfidenceInterval } from './latency/statistics.js';
export { bootstrapCi, excludesZero, halfWidth, median, trimmedMean } from './latency/statistics.js';
export type { CellProtocol, LatencyTiming } from './latency/cell-protocol.js';
export { processCpuTimed, resolveTiming } from './latency/cell-protocol.js';

export type { FusionRules } from './memory/fusion-rules.js';
export { FUSION_RULES, NPU_FUSION, ORT_CPU_FUSION, XNNPACK_FUSION, fusionRulesFor } from './memory/fusion-rules.js';
export type { MemoryGraph, MemoryOp } from './memory/memory-schedule.js';
export type { LiveSetRows, LiveSetTerm } from './memory/live-set-rows.js';
export { liveSetPeak, liveSetRows } from './memory/live-set-rows.js';
export type { MemoryEstimate, MemoryTable } from './memory/memory-table.js';
export { estimateMemory, memoryTable } from './memory/memory-table.js';

export type { CalibrationSource } from './accuracy/calibration-images.js';
export { calibrationBatch, syntheticImage } from './accuracy/calibration-images.js';
export { dataDependentInit } from './accuracy/data-dependent-init.js';
export type { NwotResult, SiteContribution } from './accuracy/nwot-kernel.js';
export { nwotCells, nwotModel, nwotOfModel } from './accuracy/nwot-estimator.js';
export { nwotAgreement } from './accuracy/measured-accuracy.js';

export type { ProfileCell } from './profile/profile-cell.js';
export type { LatencyMode, NwotSettings, ProfileHooks, ProfileMetric, ProfileOutcome, ProfileRequest } from './profile/profile-runner.js';
export { endsWithCalibration, runProfile } from './profile/profile-runner.js';
export type { PairedLimits, ProfileJob, ProfileJobInput } from './profile/profile-job.js';
export { PROFILE_DEFAULTS, pairedProtocol, paperProtocol, profileCheckpointKey, profileJob, runtimeFusion } from './profile/profile-job.js';
export type { CheckpointKey } from './profile/checkpoint.js';
export { CheckpointMismatchError, ProfileCheckpoint, checkpointPathFor } from './profile/checkpoint.js';
export { syntheticInput } from './profile/latency-sweep.js';
export type { ProfileGraph } from './profile/graph-adapters.js';
export { memoryGraphOf, siteBlocks } from './profile/graph-adapters.js';
export type { OnnxProfileModel, OnnxProfileModelOptions } from './profile/onnx-profile-model.js';
export { OnnxProfileError, isOnnxProfileModel, onnxMemoryGraph, onnxProfileModel, onnxSiteBlocks, onnxWithDynamicBatch } from './profile/onnx-profile-model.js';
export type { ValidationReport, ValidationRow } from './profile/validation.js';
export { validateTable, validationAssignments } from './profile/validation.js';
export type { NamedAssignment, WholeModelMeasurement, WholeModelOptions } from './profile/validation.js';
export { WHOLE_MODEL_SESSIONS, measureAgainstReference } from './profile/validation.js';
export type { CalibrationAnchor, WholeModelCalibration } from './profile/whole-model-calibration.js';
export { fitCalibration } from './profile/whole-model-calibration.js';

export type { Prediction } from './verify/verify-prediction.js';
export { Z95, cellSigma, predictFromTable } from './verify/verify-prediction.js';
export type {
  BudgetCheck, MeasuredValue, MetricCheck, NullCopy, VerifiedCandidate, VerifyBudgets, VerifyCandidate, VerifyMetric, VerifyNwotSettings, VerifyOptions, VerifyProgress, VerifyReport,
} from './verify/verify-proposals.js';
export { NULL_COPY_PAIRS, VERIFY_METRICS, VerifyInputError, verifyProposals } from './verify/verify-proposals.js';
