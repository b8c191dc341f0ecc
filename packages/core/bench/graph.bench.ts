/**
 * Graph IR + ONNX emit benchmark (issue 4): build the yolov5nu graph at 640, draw its seeded
 * weights, fold BN and serialize ONNX (target < 300 ms), median of 5 after one warm-up run.
 *
 * Run: node --conditions=@actnas/source --import tsx packages/core/bench/graph.bench.ts
 *      (or after `npx turbo run build`, without --conditions)
 */
import type { ModelGraph, ModelWeights } from '@actnas/core';
import { buildGraph, builtinModelSpec, emitOnnx, initWeights } from '@actnas/core';

const RUNS = 5;

interface Row {
  readonly figure: string;
  readonly medianMs: number;
  readonly targetMs?: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeMedian(fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

const spec = builtinModelSpec('yolov5nu');
let graph: ModelGraph = buildGraph(spec, { imgsz: 640 });
let weights: ModelWeights = initWeights(graph, { seed: 0 });
let bytes = 0;

const rows: Row[] = [
  { figure: 'build + seeded weights + BN fold + serialize yolov5nu@640', targetMs: 300, medianMs: timeMedian(() => {
    bytes = emitOnnx(buildGraph(spec, { imgsz: 640 }), { seed: 0, opset: 17 }).length;
  }) },
  { figure: '  build graph IR only', medianMs: timeMedian(() => void (graph = buildGraph(spec, { imgsz: 640 }))) },
  { figure: '  seeded weights only (2.65M draws)', medianMs: timeMedian(() => void (weights = initWeights(graph, { seed: 0 }))) },
  { figure: '  BN fold + serialize only (weights given)', medianMs: timeMedian(() => void emitOnnx(graph, { weights, opset: 17 })) },
];

const width = Math.max(...rows.map((r) => r.figure.length));
console.log(`graph bench: median of ${RUNS} runs, yolov5nu@640 ONNX ${(bytes / 1e6).toFixed(1)} MB, ${graph.sites.length} sites\n`);
console.log(`${'figure'.padEnd(width)}  ${'median ms'.padStart(10)}  ${'target'.padStart(8)}  ok`);
for (const r of rows) {
  const ok = r.targetMs === undefined ? '' : r.medianMs < r.targetMs ? 'yes' : 'NO';
  console.log(`${r.figure.padEnd(width)}  ${r.medianMs.toFixed(1).padStart(10)}  ${(r.targetMs ? `< ${r.targetMs}` : '').padStart(8)}  ${ok}`);
}
if (rows.some((r) => r.targetMs !== undefined && r.medianMs >= r.targetMs)) process.exitCode = 1;
