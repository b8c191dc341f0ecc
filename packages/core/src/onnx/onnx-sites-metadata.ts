/**
 * The site table an ActNAS-written ONNX model carries in `metadata_props`, under
 * `ACTNAS_SITES_METADATA_KEY`, as JSON of `ActnasSitesMetadata`. Both the emitter and the
 * rewriter write it; the importer prefers its site names over names recovered from node names.
 */
import type { OnnxModel, OnnxStringEntry } from './onnx-proto.js';

export const ACTNAS_SITES_METADATA_KEY = 'actnas.sites';
export const ACTNAS_SITES_METADATA_VERSION = 1;

/** One activation site as stored in the metadata. */
export interface ActnasSiteRecord {
  /** Module path, e.g. `model.2.m.0.cv1.act`. */
  readonly name: string;
  /** ActivationKind id: `silu`, `relu`, `leakyrelu(0.2)`. */
  readonly activation: string;
  /** Names of the ONNX nodes implementing the activation, in graph order. */
  readonly nodes: readonly string[];
  /** The activation's input tensor. */
  readonly preact: string;
  /** The activation's output tensor (its consumers read this name). */
  readonly output: string;
  /** The Conv node producing `preact`, when there is one. */
  readonly conv?: string;
  readonly channels?: number;
  /** Feature-map shape, NCHW; a string is a symbolic dim (`batch`). */
  readonly shape?: readonly (number | string)[];
}

export interface ActnasSitesMetadata {
  readonly version: typeof ACTNAS_SITES_METADATA_VERSION;
  /** Model spec the file was built from, when known (`yolov5nu`). */
  readonly model?: string;
  readonly sites: readonly ActnasSiteRecord[];
}

export function serializeSitesMetadata(metadata: Omit<ActnasSitesMetadata, 'version'>): string {
  return JSON.stringify({ version: ACTNAS_SITES_METADATA_VERSION, ...metadata });
}

/** The metadata entry to put in a model's `metadata_props`. */
export function sitesMetadataEntry(metadata: Omit<ActnasSitesMetadata, 'version'>): OnnxStringEntry {
  return { key: ACTNAS_SITES_METADATA_KEY, value: serializeSitesMetadata(metadata) };
}

export type ParsedSitesMetadata =
  | { readonly ok: true; readonly metadata: ActnasSitesMetadata }
  | { readonly ok: false; readonly reason: string };

/** Reads the site table from a model; undefined when the model has none. */
export function readSitesMetadata(model: OnnxModel): ParsedSitesMetadata | undefined {
  const entry = (model.metadataProps ?? []).find((e) => e.key === ACTNAS_SITES_METADATA_KEY);
  return entry ? parseSitesMetadata(entry.value ?? '') : undefined;
}

export function parseSitesMetadata(json: string): ParsedSitesMetadata {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return { ok: false, reason: `${ACTNAS_SITES_METADATA_KEY} is not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!isRecord(value) || value['version'] !== ACTNAS_SITES_METADATA_VERSION || !Array.isArray(value['sites'])) {
    return { ok: false, reason: `${ACTNAS_SITES_METADATA_KEY} has an unknown shape or version` };
  }
  const sites = value['sites'] as unknown[];
  const bad = sites.findIndex((s) => !isSiteRecord(s));
  if (bad >= 0) return { ok: false, reason: `${ACTNAS_SITES_METADATA_KEY}: site ${bad} is malformed` };
  const model = typeof value['model'] === 'string' ? value['model'] : undefined;
  return { ok: true, metadata: { version: ACTNAS_SITES_METADATA_VERSION, ...(model ? { model } : {}), sites: sites as ActnasSiteRecord[] } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSiteRecord(value: unknown): value is ActnasSiteRecord {
  return (
    isRecord(value) &&
    typeof value['name'] === 'string' &&
    typeof value['activation'] === 'string' &&
    typeof value['preact'] === 'string' &&
    typeof value['output'] === 'string' &&
    Array.isArray(value['nodes']) &&
    value['nodes'].every((n) => typeof n === 'string')
  );
}
