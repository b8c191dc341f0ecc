import type { AgentJobFragment } from '../../src/graphql/generated.js';

type JobModel = AgentJobFragment['modelSpec'];

/** A built-in model spec as the API leases it to an agent. */
export function builtinSpec(builtinName: string): JobModel {
  return { id: 'spec', name: builtinName, kind: 'BUILTIN', builtinName, sha256: null, sizeBytes: null, downloadPath: null };
}

/**
 * A profiling job as `leaseProfilingJob` hands it out: first attempt of three, on a 1-thread
 * onnxruntime CPU profile at 64 px (small enough for a test to measure for real).
 */
export function agentJob(id: string, metrics: AgentJobFragment['metrics'], modelSpec: JobModel, inputSize = 64): AgentJobFragment {
  return {
    id,
    metrics,
    attempts: 1,
    maxAttempts: 3,
    modelSpec,
    deviceProfile: { id: 'profile', name: 'cpu', runtime: 'onnxruntime', threads: 1, inputSize, fusedActivations: [] },
  };
}
