/**
 * The Ultralytics exports in test/fixtures/models (see its README): each `<name>.onnx[.gz]` with
 * `<name>.sites.json`, the sites Ultralytics' own module list says the file has.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { OnnxModel } from '@actnas/core';
import { decodeOnnxModel, encodeOnnxModel, int64Tensor, intAttribute } from '@actnas/core';

const FIXTURES = new URL('../../../test/fixtures/models/', import.meta.url);

export interface ExpectedSite {
  /** Ultralytics module path of the activation module. */
  readonly name: string;
  /** torch module class (SiLU, ReLU, …). */
  readonly module: string;
  /** ActivationKind id. */
  readonly activation: string;
  /** ONNX op types torch exports the module as at the file's opset (Constant nodes not listed). */
  readonly opTypes: readonly string[];
  /** Output shape in the export's forward pass (batch 1). */
  readonly shape: readonly number[];
}

export interface UltralyticsFixture {
  readonly name: string;
  readonly file: string;
  readonly model: string;
  readonly task: string;
  readonly exporter: string;
  readonly opset: number;
  readonly imgsz: number;
  readonly dynamicAxes: readonly string[];
  readonly weights: string;
  readonly moduleTypes: readonly string[];
  readonly sites: readonly ExpectedSite[];
}

const SITES_SUFFIX = '.sites.json';
/** The older fixture has its own format and tests (onnx-test-models.ts). */
const OTHER_FORMAT = 'yolov8n-pytorch-export-opset17.sites.json';

export function ultralyticsFixtures(): readonly UltralyticsFixture[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith(SITES_SUFFIX) && f !== OTHER_FORMAT)
    .sort()
    .map((f) => ({ name: f.slice(0, -SITES_SUFFIX.length), ...(JSON.parse(readFileSync(new URL(f, FIXTURES), 'utf8')) as Omit<UltralyticsFixture, 'name'>) }));
}

export function ultralyticsFixture(name: string): UltralyticsFixture {
  const found = ultralyticsFixtures().find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return found;
}

/** The ONNX bytes of a fixture (gunzipped when stored as .onnx.gz). */
export function fixtureOnnx(fixture: UltralyticsFixture): Uint8Array {
  const raw = readFileSync(new URL(fixture.file, FIXTURES));
  return fixture.file.endsWith('.gz') ? gunzipSync(raw) : raw;
}

export function fixturePath(file: string): string {
  return fileURLToPath(new URL(file, FIXTURES));
}

/** The expected shape as the importer reports it: a dynamic batch stays symbolic. */
export function expectedShape(fixture: UltralyticsFixture, site: ExpectedSite): readonly (number | string)[] {
  return fixture.dynamicAxes.includes('batch') ? ['batch', ...site.shape.slice(1)] : site.shape;
}

const REDUCE_OPS = new Set(['ReduceMax', 'ReduceMin', 'ReduceMean', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare']);

/**
 * An opset-17 model declared at opset 18–20, adapted as onnx.version_converter adapts these ops
 * (the torch here exports up to opset 17): Split without a sizes input gets `num_outputs` (18),
 * Reduce* ops take `axes` as an input instead of an attribute (18). The other ops these models
 * use keep their schema up to opset 20.
 */
export function upgradeOpset(bytes: Uint8Array, to: 18 | 19 | 20): Uint8Array {
  const model: OnnxModel = decodeOnnxModel(bytes);
  const graph = model.graph!;
  const initializer = [...(graph.initializer ?? [])];
  const node = (graph.node ?? []).map((n, k) => {
    const attributes = n.attribute ?? [];
    if (n.opType === 'Split' && !n.input?.[1]) {
      return { ...n, attribute: [...attributes, intAttribute('num_outputs', n.output?.length ?? 0)] };
    }
    const axes = attributes.find((a) => a.name === 'axes');
    if (n.opType && REDUCE_OPS.has(n.opType) && axes) {
      const name = `${n.name || `reduce_${k}`}/axes`;
      initializer.push(int64Tensor(name, [axes.ints?.length ?? 0], (axes.ints ?? []).map(Number)));
      return { ...n, input: [n.input?.[0] ?? '', name], attribute: attributes.filter((a) => a !== axes) };
    }
    return n;
  });
  const opsetImport = (model.opsetImport ?? []).map((o) => (!o.domain || o.domain === 'ai.onnx' ? { ...o, version: to } : o));
  return encodeOnnxModel({ ...model, irVersion: Math.max(Number(model.irVersion ?? 0), to === 18 ? 8 : 9), opsetImport, graph: { ...graph, node, initializer } });
}
