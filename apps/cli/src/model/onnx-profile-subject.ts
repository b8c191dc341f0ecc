import type { ActivationKind, ImportedModel } from '@actnas/core';
import type { LatencyMode, OnnxProfileModel, ProfileMetric } from '@actnas/devices';
import { OnnxProfileError, onnxProfileModel } from '@actnas/devices';

/** An imported ONNX file as `profileJob` takes it: its profiled graph and the one activation its cells are deltas against. */
export interface OnnxProfileSubject {
  readonly graph: OnnxProfileModel;
  readonly reference: ActivationKind;
}

/**
 * What `actnas profile --model file.onnx` and the agent (for an uploaded ONNX spec) profile. A file
 * that cannot be profiled for `metric` is an OnnxProfileError saying why; `label` names the file
 * in the hint. Sites left out are in `graph.skipped`, for the caller to report.
 */
export function onnxProfileSubject(imported: ImportedModel, metric: ProfileMetric, mode: LatencyMode, label: string): OnnxProfileSubject {
  const graph = onnxProfileModel(imported, { metric, mode });
  const profiled = new Set(graph.sites.map((s) => s.name));
  const activations = [...new Map(imported.sites.filter((s) => profiled.has(s.name)).map((s) => [s.activation.id, s.activation])).values()];
  if (activations.length !== 1) {
    throw new OnnxProfileError(
      `its sites have mixed activations (${activations.map((k) => k.id).join(', ')}); a table's cells are deltas against one reference activation: rewrite it to one first (actnas model export ${label} --act all:silu -o ref.onnx)`,
    );
  }
  if (metric === 'accuracy' && graph.height !== graph.width) throw new OnnxProfileError(`NWOT calibration images are square; the input is ${graph.height}×${graph.width}`);
  return { graph, reference: activations[0]! };
}
