/**
 * Graph IR + ONNX emit benchmark (issues 4 and 12): for yolov5nu, yolo11n, yolo26n and yolov10n,
 * build the graph at 640, draw its seeded weights, fold BN (and RepConv/RepVGGDW branches) and
 * serialize ONNX (target < 300 ms each), median of 5 after one warm-up run; then the figures and
 * the activation-site count of every built-in.
 *
 * Run: node --conditions=@actnas/source --import tsx packages/core/bench/graph.bench.ts
 *      (or after `npx turbo run build`, without --conditions)
 */
import { loadavg } from 'node:os';
import { BUILTIN_MODEL_NAMES, buildGraph, builtinModelSpec, emitOnnx, initWeights } from '@actnas/core';

const RUNS = 5;
const TARGET_MS = 300;
const TIMED = ['yolov5nu', 'yolo11n', 'yolo26n', 'yolov10n'];

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

const rows: Row[] = [];
const sizes = new Map<string, number>();
for (const name of TIMED) {
  const spec = builtinModelSpec(name);
  rows.push({ figure: `build + seeded weights + fold + serialize ${name}@640`, targetMs: TARGET_MS, medianMs: timeMedian(() => {
    sizes.set(name, emitOnnx(buildGraph(spec, { imgsz: 640 }), { seed: 0, opset: 17 }).length);
  }) });
  const graph = buildGraph(spec, { imgsz: 640 });
  const weights = initWeights(graph, { seed: 0 });
  rows.push({ figure: '  build graph IR only', medianMs: timeMedian(() => void buildGraph(spec, { imgsz: 640 })) });
  rows.push({ figure: `  seeded weights only (${(graph.params / 1e6).toFixed(2)}M draws)`, medianMs: timeMedian(() => void initWeights(graph, { seed: 0 })) });
  rows.push({ figure: '  fold + serialize only (weights given)', medianMs: timeMedian(() => void emitOnnx(graph, { weights, opset: 17 })) });
}

const width = Math.max(...rows.map((r) => r.figure.length));
console.log(`graph bench: median of ${RUNS} runs; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ONNX sizes ${[...sizes].map(([n, b]) => `${n} ${(b / 1e6).toFixed(1)} MB`).join(', ')}\n`);
console.log(`${'figure'.padEnd(width)}  ${'median ms'.padStart(10)}  ${'target'.padStart(8)}  ok`);
for (const r of rows) {
  const ok = r.targetMs === undefined ? '' : r.medianMs < r.targetMs ? 'yes' : 'NO';
  console.log(`${r.figure.padEnd(width)}  ${r.medianMs.toFixed(1).padStart(10)}  ${(r.targetMs ? `< ${r.targetMs}` : '').padStart(8)}  ${ok}`);
}

console.log('\nbuilt-in models at 640 (80 classes): parameters as Ultralytics model.info() counts them, fused, GFLOPs of the fused model, activation sites');
console.log(`${'model'.padEnd(9)}  ${'layout'.padEnd(8)}  ${'params'.padStart(11)}  ${'fused'.padStart(11)}  ${'GFLOPs'.padStart(6)}  ${'sites'.padStart(5)}  output`);
for (const name of BUILTIN_MODEL_NAMES) {
  const g = buildGraph(builtinModelSpec(name), { imgsz: 640 });
  const layout = g.spec.anchors ? 'yolov5' : g.spec.layout;
  console.log(`${name.padEnd(9)}  ${layout.padEnd(8)}  ${g.params.toLocaleString('en-US').padStart(11)}  ${g.fusedParams.toLocaleString('en-US').padStart(11)}  ${(g.flops / 1e9).toFixed(1).padStart(6)}  ${String(g.sites.length).padStart(5)}  [${g.output.shape.join(', ')}]`);
}
if (rows.some((r) => r.targetMs !== undefined && r.medianMs >= r.targetMs)) process.exitCode = 1;
