/**
 * Emits a model YAML as ONNX with seeded weights and runs it in onnxruntime-node, for
 * emit_check.py to compare with Ultralytics' torch model (dev tool, not a test):
 *
 *   node --conditions=@actnas/source --import tsx packages/core/scripts/ultralytics-oracle/emit-for-check.ts \
 *     <model.yaml> <name> <imgsz> <out dir> [he|pytorch] [opset]
 *
 * Writes <name>.onnx, <name>.input.bin (the tests' deterministic image) and <name>.output<i>.bin.
 * Weights: initWeights(seed 0, scheme), with the plain convs' biases spread over [-3, 3) so an
 * end-to-end head's top-k has one answer — the same weights as onnx-emit-ultralytics.int.test.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildGraph, emitOnnx, initWeights, parseModelYaml } from '@actnas/core';

const [yamlPath, name, imgszArg, outDir, scheme = 'he', opsetArg = '17'] = process.argv.slice(2);
if (!yamlPath || !name || !imgszArg || !outDir) throw new Error('usage: emit-for-check.ts <model.yaml> <name> <imgsz> <out dir> [he|pytorch] [opset]');
const imgsz = Number(imgszArg);
const graph = buildGraph(parseModelYaml(readFileSync(yamlPath, 'utf8'), { name }), { imgsz });
const weights = initWeights(graph, { seed: 0, scheme: scheme === 'pytorch' ? 'pytorch' : 'he' });
let r = 12345;
for (const w of weights.values()) {
  if (!w.bias || w.bn) continue;
  for (let i = 0; i < w.bias.length; i++) {
    r = (r * 1103515245 + 12345) % 2147483648;
    w.bias[i] = (r / 2147483648) * 6 - 3;
  }
}
const bytes = emitOnnx(graph, { weights, opset: Number(opsetArg) });
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, `${name}.onnx`), bytes);
const image = new Float32Array(3 * imgsz * imgsz).map((_, i) => ((i * 7919) % 251) / 251);
writeFileSync(join(outDir, `${name}.input.bin`), image);
const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
const result = await session.run({ images: new ort.Tensor('float32', image, [1, 3, imgsz, imgsz]) });
for (const [key, t] of Object.entries(result)) writeFileSync(join(outDir, `${name}.${key}.bin`), t.data as Float32Array);
console.log(`${name}: ${graph.sites.length} sites, outputs ${Object.values(result).map((t) => `[${t.dims.join(', ')}]`).join(' ')}`);
