import { BUILTIN_MODEL_NAMES, buildGraph, builtinModelSpec, importOnnx, parseModelYaml } from '@actnas/core';
import { badInput } from '../../errors.js';
import type { ModelSite } from './model-spec.entity.js';

// Ultralytics YOLO graphs built from YAML use SiLU at every site.
const YAML_REFERENCE = 'silu';

function explain(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function builtinSites(builtinName: string): ModelSite[] {
  if (!BUILTIN_MODEL_NAMES.includes(builtinName)) {
    throw badInput(['input', 'builtinName'], `Unknown built-in model (known: ${BUILTIN_MODEL_NAMES.join(', ')})`);
  }
  return buildGraph(builtinModelSpec(builtinName)).sites.map((site) => ({ name: site.name, reference: YAML_REFERENCE }));
}

export function yamlSites(text: string): ModelSite[] {
  try {
    return buildGraph(parseModelYaml(text)).sites.map((site) => ({ name: site.name, reference: YAML_REFERENCE }));
  } catch (error) {
    throw badInput(['input', 'content'], `Not a usable model YAML: ${explain(error)}`);
  }
}

export function onnxSites(bytes: Uint8Array): ModelSite[] {
  let sites: ModelSite[];
  try {
    sites = importOnnx(bytes).sites.map((site) => ({ name: site.name, reference: site.activation.id }));
  } catch (error) {
    throw badInput(['input', 'content'], `Not a usable ONNX model: ${explain(error)}`);
  }
  if (sites.length === 0) throw badInput(['input', 'content'], 'The ONNX model has no activation sites');
  return sites;
}
