import { buildGraph, builtinModelSpec, emitOnnx, fullActivationRegistry, parseModelYaml, rewriteOnnx, toUltralyticsYaml } from '@actnas/core';
import type { ActivationKind, ModelSpec as CoreModelSpec, Proposal, SearchResult } from '@actnas/core';
import { badInput } from '../../errors.js';
import type { ModelSpec } from '../model-specs/model-spec.entity.js';

export const EXPORT_FORMATS = ['json', 'ultralytics_yaml', 'onnx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** seeded: random weights from a fixed seed (built-in and YAML specs); uploaded: the uploaded ONNX's own; none: no weights in the file. */
export type ExportWeights = 'seeded' | 'uploaded' | 'none';

export interface ProposalExport {
  readonly filename: string;
  readonly weights: ExportWeights;
  readonly contentType: string;
  readonly encoding: 'utf8' | 'base64';
  readonly content: string;
}

function assignment(result: SearchResult, proposal: Proposal): Map<string, ActivationKind> {
  const registry = fullActivationRegistry();
  return new Map(result.sites.map((site, i) => [site, registry.resolve(proposal.activations[i]!)]));
}

/** The spec as the core graph builder reads it: built-in, or the uploaded YAML text. */
function coreSpec(spec: ModelSpec, file: Buffer | null): CoreModelSpec {
  if (spec.kind === 'builtin' && spec.builtinName) return builtinModelSpec(spec.builtinName);
  if (spec.kind === 'yaml' && file) return parseModelYaml(file.toString('utf8'));
  throw badInput(['format'], 'An uploaded ONNX model exports as ONNX or JSON only');
}

/**
 * One proposal of version `version` as JSON, an Ultralytics model YAML with per-layer activations,
 * or ONNX; the file name carries the model, the version and the rank (`yolov5nu-v3-rank1.onnx`).
 */
export function exportProposal(
  spec: ModelSpec,
  file: Buffer | null,
  result: SearchResult,
  proposal: Proposal,
  format: ExportFormat,
  version: number,
): ProposalExport {
  const base = `${spec.name}-v${version}-rank${proposal.rank}`.replace(/[^A-Za-z0-9._-]+/g, '_');
  if (format === 'json') {
    const sites = result.sites.map((site, i) => ({ site, activation: proposal.activations[i] }));
    const body = { modelSpec: spec.name, version, rank: proposal.rank, objective: proposal.objective, feasible: proposal.feasible, sites, totals: proposal.totals };
    return { filename: `${base}.json`, weights: 'none', contentType: 'application/json', encoding: 'utf8', content: JSON.stringify(body, null, 2) };
  }
  const chosen = assignment(result, proposal);
  if (format === 'ultralytics_yaml') {
    return { filename: `${base}.yaml`, weights: 'none', contentType: 'application/yaml', encoding: 'utf8', content: toUltralyticsYaml(coreSpec(spec, file), chosen) };
  }
  const uploaded = spec.kind === 'onnx' && file !== null;
  const bytes = uploaded ? rewriteOnnx(new Uint8Array(file), chosen) : emitOnnx(buildGraph(coreSpec(spec, file)), { assignment: chosen });
  return { filename: `${base}.onnx`, weights: uploaded ? 'uploaded' : 'seeded', contentType: 'application/octet-stream', encoding: 'base64', content: Buffer.from(bytes).toString('base64') };
}
