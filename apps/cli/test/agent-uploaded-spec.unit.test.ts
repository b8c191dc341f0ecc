import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { OnnxDataType, decodeOnnxModel, encodeOnnxModel, float32Tensor, intsAttribute, tensorValueInfo } from '@actnas/core';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentJobError, measureJob } from '../src/agent/agent.profiler.js';
import type { AgentSettings } from '../src/agent/agent.profiler.js';
import type { AgentJobFragment } from '../src/graphql/generated.js';
import { agentJob } from './support/agent-job.js';

// An uploaded ONNX the agent cannot run fails its job with the importer's or the profiler's reason,
// before any runtime starts. (The API refuses most of these at upload; the agent does not rely on it.)
const models = fileURLToPath(new URL('../../../test/fixtures/models/', import.meta.url));
const YOLOV8N = readFileSync(join(models, 'yolov8n-pytorch-export-opset17.onnx'));

function noSites(): Uint8Array {
  return encodeOnnxModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'conv only',
      node: [{ name: '/model.0/conv/Conv', opType: 'Conv', input: ['images', 'w'], output: ['y'], attribute: [intsAttribute('kernel_shape', [1, 1])] }],
      initializer: [float32Tensor('w', [4, 3, 1, 1], new Float32Array(12).fill(0.1))],
      input: [tensorValueInfo('images', OnnxDataType.FLOAT, [1, 3, 32, 32])],
      output: [tensorValueInfo('y', OnnxDataType.FLOAT, [1, 4, 32, 32])],
    },
  });
}

function externalData(): Uint8Array {
  const model = decodeOnnxModel(YOLOV8N);
  const g = model.graph as { initializer: unknown[] };
  g.initializer = [...g.initializer, { ...float32Tensor('extra.weight', [1], Float32Array.of(0)), rawData: null, dataLocation: 1, externalData: [{ key: 'location', value: 'weights.bin' }] }];
  return encodeOnnxModel(model);
}

const dirs: string[] = [];
const scratch = (): string => {
  dirs.push(mkdtempSync(join(tmpdir(), 'actnas-agent-upload-')));
  return dirs.at(-1)!;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A job on an uploaded ONNX whose download route serves `bytes` (with their true hash). */
function jobOn(bytes: Uint8Array, inputSize: number): { job: AgentJobFragment; settings: AgentSettings } {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const job = agentJob('00000000-0000-4000-8000-0000000000b1', ['MEMORY'], { id: 'spec', name: 'mine', kind: 'ONNX', builtinName: null, sha256, sizeBytes: bytes.length, downloadPath: '/model-specs/spec/file?organizationId=org' }, inputSize);
  const fetcher = (async () => new Response(bytes, { headers: { 'content-length': String(bytes.length) } })) as typeof fetch;
  const settings: AgentSettings = {
    name: 'unit-agent', runtime: 'ort', mode: 'micro', maxPairs: 10, maxCellSeconds: 8, anchorPairs: 0, candidates: [],
    workDir: scratch(),
    modelFiles: { apiUrl: 'http://api.test/graphql', token: 't', maxBytes: 64 * 1024 * 1024, fetch: fetcher },
  };
  return { job, settings };
}

async function refusal(bytes: Uint8Array, inputSize = 640): Promise<string> {
  const { job, settings } = jobOn(bytes, inputSize);
  const err = await measureJob(job, settings, { onProgress: () => undefined, onCell: () => undefined }).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AgentJobError);
  return (err as Error).message;
}

describe('the agent on an uploaded ONNX it cannot run', () => {
  it('no recognisable activation site', async () => {
    expect(await refusal(noSites(), 32)).toMatch(/^model spec "mine": no activation site among the model's 1 nodes.*\[NO_ACTIVATION_SITES\]$/);
  });

  it('weights in external data', async () => {
    expect(await refusal(externalData())).toMatch(/^model spec "mine": tensor "extra\.weight" stores its data in an external file.*\[EXTERNAL_DATA\]$/);
  });

  it('sites with mixed activations (a table is deltas against one reference), as actnas profile says', async () => {
    const mixed = gunzipSync(readFileSync(join(models, 'yolov8n-mixed-ultralytics-opset13.onnx.gz')));
    expect(await refusal(mixed)).toMatch(/^model spec "mine": its sites have mixed activations \(.+\); .*actnas model export mine\.onnx --act all:silu/);
  });
});
