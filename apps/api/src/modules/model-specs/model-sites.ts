import { BUILTIN_MODEL_NAMES, OnnxFormatError, buildGraph, builtinModelSpec, importOnnx, parseModelYaml } from '@actnas/core';
import { AppError, ErrorCode, badInput } from '../../errors.js';
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

/** Where the file came in: the GraphQL upload's `content`, or the body of the HTTP upload. */
type FileField = readonly (string | number)[];
const GRAPHQL_CONTENT: FileField = ['input', 'content'];

export function yamlSites(text: string, field: FileField = GRAPHQL_CONTENT): ModelSite[] {
  try {
    return buildGraph(parseModelYaml(text)).sites.map((site) => ({ name: site.name, reference: YAML_REFERENCE }));
  } catch (error) {
    throw badInput(field, `Not a usable model YAML: ${explain(error)}`);
  }
}

/** The sites of an ONNX file; a malformed one is BAD_USER_INPUT with core's OnnxFormatError code as `reason`. */
export function onnxSites(bytes: Uint8Array, field: FileField = GRAPHQL_CONTENT): ModelSite[] {
  let sites: ModelSite[];
  try {
    sites = importOnnx(bytes).sites.map((site) => ({ name: site.name, reference: site.activation.id }));
  } catch (error) {
    const reason = error instanceof OnnxFormatError ? { reason: error.code } : undefined;
    throw new AppError(ErrorCode.BAD_USER_INPUT, `Not a usable ONNX model: ${explain(error)}`, field, reason);
  }
  if (sites.length === 0) throw badInput(field, 'The ONNX model has no activation sites');
  return sites;
}
