/** Small hand-built ONNX models and the shared fixture, for the ONNX import/rewrite tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OnnxModel, OnnxNode, OnnxTensor } from '@actnas/core';
import { OnnxDataType, encodeOnnxModel, float32Tensor, tensorValueInfo } from '@actnas/core';

/** Outside-made models kept in the repository (test/fixtures/models), so a clone needs nothing beside it. */
const FIXTURES = new URL('../../../test/fixtures/models/', import.meta.url);

export const FIXTURE_ONNX = fileURLToPath(new URL('yolov8n-pytorch-export-opset17.onnx', FIXTURES));

export function fixtureBytes(): Uint8Array {
  return readFileSync(FIXTURE_ONNX);
}

export interface FixtureSite {
  readonly name: string;
  readonly activation: string;
  readonly onnx_nodes: readonly string[];
  readonly onnx_op_types: readonly string[];
  readonly onnx_conv_node: string;
  readonly onnx_preact_tensor: string;
  readonly onnx_output_tensor: string;
  readonly out_channels: number;
  readonly height: number;
  readonly width: number;
}

export function fixtureSites(): readonly FixtureSite[] {
  const json = JSON.parse(readFileSync(new URL('yolov8n-pytorch-export-opset17.sites.json', FIXTURES), 'utf8')) as { sites: FixtureSite[] };
  return json.sites;
}

export interface TinyModelOptions {
  readonly opset?: number;
  readonly irVersion?: number;
  readonly channels?: number;
  readonly size?: number;
  /** Activation nodes reading `/model.0/conv/Conv_output_0` and writing `y`. */
  readonly act?: readonly OnnxNode[];
  readonly extraInitializers?: readonly OnnxTensor[];
  readonly withGraph?: boolean;
}

export const PREACT = '/model.0/conv/Conv_output_0';

/** x → Conv (1×1, identity weights) → activation nodes → y, shapes [1, C, S, S]. */
export function tinyConvModel(options: TinyModelOptions = {}): OnnxModel {
  const c = options.channels ?? 2;
  const s = options.size ?? 4;
  const weight = new Float32Array(c * c);
  for (let i = 0; i < c; i++) weight[i * c + i] = 1;
  const conv: OnnxNode = { name: '/model.0/conv/Conv', opType: 'Conv', input: ['x', 'model.0.conv.weight'], output: [PREACT] };
  const act = options.act ?? silu('/model.0/act', PREACT, 'y');
  const graph = {
    name: 'tiny',
    node: [conv, ...act],
    initializer: [float32Tensor('model.0.conv.weight', [c, c, 1, 1], weight), ...(options.extraInitializers ?? [])],
    input: [tensorValueInfo('x', OnnxDataType.FLOAT, [1, c, s, s])],
    output: [tensorValueInfo('y', OnnxDataType.FLOAT, [1, c, s, s])],
  };
  return {
    irVersion: options.irVersion ?? 8,
    producerName: 'actnas-test',
    opsetImport: [{ domain: '', version: options.opset ?? 17 }],
    ...(options.withGraph === false ? {} : { graph }),
  };
}

export function tinyConvBytes(options: TinyModelOptions = {}): Uint8Array {
  return encodeOnnxModel(tinyConvModel(options));
}

/** torch.onnx.export's SiLU: Sigmoid + Mul(x, sigmoid(x)). */
export function silu(scope: string, x: string, y: string): OnnxNode[] {
  return [
    { name: `${scope}/Sigmoid`, opType: 'Sigmoid', input: [x], output: [`${scope}/Sigmoid_output_0`] },
    { name: `${scope}/Mul`, opType: 'Mul', input: [x, `${scope}/Sigmoid_output_0`], output: [y] },
  ];
}

/** Deterministic pseudo-random bytes (LCG). */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}
