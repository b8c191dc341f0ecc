/**
 * ONNX import and rewrite benchmark (issue 4). Median of 5 runs each:
 *   - import the torch.onnx.export fixture (yolov8n) and an emitted yolov8m (target < 1 s);
 *   - rewrite all 345 single-swap candidates of yolov5nu, 69 sites × 5 kinds (target < 5 s total),
 *     each into a fresh buffer (the default) and into one reused buffer (`into`);
 *   - the same for the fixture's 57 sites (285 candidates), for reference.
 *
 * Run: node --conditions=@actnas/source --import tsx packages/core/bench/onnx.bench.ts
 *      (or after `npx turbo run build`, without --conditions)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ImportedModel } from '@actnas/core';
import { PAPER_ACTIVATIONS, buildGraph, builtinModelSpec, emitOnnx, importOnnx, rewriteOnnx } from '@actnas/core';

const RUNS = 5;
const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/models/yolov8n-pytorch-export-opset17.onnx', import.meta.url));

interface Row {
  readonly figure: string;
  readonly detail: string;
  readonly medianMs: number;
  readonly targetMs?: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeMedian(fn: () => void): number {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Every single-swap candidate: each site × each paper kind (the reference kind included). */
function rewriteAllSingleSwaps(model: ImportedModel, into?: Uint8Array): number {
  let bytes = 0;
  for (const site of model.sites) {
    for (const kind of PAPER_ACTIVATIONS) bytes += rewriteOnnx(model, { [site.name]: kind }, into ? { into } : {}).length;
  }
  return bytes;
}

function emitted(name: string): Uint8Array {
  return emitOnnx(buildGraph(builtinModelSpec(name), { imgsz: 640 }), { opset: 17 });
}

const mib = (n: number): string => `${(n / (1024 * 1024)).toFixed(1)} MiB`;

function main(): void {
  const rows: Row[] = [];
  const fixture = readFileSync(FIXTURE);
  const yolov8m = emitted('yolov8m');
  const yolov5nu = importOnnx(emitted('yolov5nu'));
  const fixtureModel = importOnnx(fixture);

  rows.push({ figure: 'import yolov8n (torch export)', detail: `${mib(fixture.length)}, ${fixtureModel.sites.length} sites`, medianMs: timeMedian(() => importOnnx(fixture)) });
  const v8m = importOnnx(yolov8m);
  rows.push({ figure: 'import yolov8m (emitted)', detail: `${mib(yolov8m.length)}, ${v8m.sites.length} sites`, medianMs: timeMedian(() => importOnnx(yolov8m)), targetMs: 1000 });
  const n5 = yolov5nu.sites.length * PAPER_ACTIVATIONS.length;
  rows.push({ figure: 'rewrite yolov5nu single swaps', detail: `${n5} candidates of ${mib(yolov5nu.bytes.length)}`, medianMs: timeMedian(() => rewriteAllSingleSwaps(yolov5nu)), targetMs: 5000 });
  const reused = new Uint8Array(yolov5nu.bytes.length * 2);
  rows.push({ figure: '  same, reusing one output buffer', detail: `${n5} candidates (option into)`, medianMs: timeMedian(() => rewriteAllSingleSwaps(yolov5nu, reused)), targetMs: 5000 });
  const n8 = fixtureModel.sites.length * PAPER_ACTIVATIONS.length;
  rows.push({ figure: 'rewrite yolov8n fixture single swaps', detail: `${n8} candidates of ${mib(fixture.length)}`, medianMs: timeMedian(() => rewriteAllSingleSwaps(fixtureModel)) });

  print(rows);
}

function print(rows: readonly Row[]): void {
  const cells = rows.map((r) => [
    r.figure,
    r.detail,
    `${r.medianMs.toFixed(1)} ms`,
    r.targetMs === undefined ? '—' : `< ${r.targetMs} ms`,
    r.targetMs === undefined ? '' : r.medianMs < r.targetMs ? 'ok' : 'MISSED',
  ]);
  const head = ['figure', 'detail', `median of ${RUNS}`, 'target', ''];
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c]!.length)));
  const line = (row: readonly string[]): string => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  process.stdout.write([line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line), ''].join('\n'));
}

main();
