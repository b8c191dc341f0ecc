/**
 * ONNX import and rewrite benchmark (issues 4 and 12). Median of 5 runs each, after one warm-up:
 *   - import Ultralytics' export of yolo26m (target < 1 s), with a peer measured in the same run:
 *     Python's `onnx.load` + `onnx.shape_inference.infer_shapes` on the same file;
 *   - rewrite all 380 single-swap candidates of Ultralytics' yolo11n export, 76 sites × 5 kinds
 *     (target < 5 s), with a peer: Python protobuf CopyFrom + SerializeToString per candidate (what
 *     any rewrite through the `onnx` package pays before changing a node);
 *   - for reference: import of the torch yolov8n fixture, of an emitted yolov8m (issue 4's < 1 s),
 *     and the single swaps of an emitted yolov5nu, into fresh buffers and into one reused buffer.
 *
 * Run: npm run bench:onnx -w @actnas/core
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { ImportedModel } from '@actnas/core';
import { PAPER_ACTIVATIONS, buildGraph, builtinModelSpec, emitOnnx, importOnnx, rewriteOnnx } from '@actnas/core';

const RUNS = 5;
const MODELS = new URL('../../../test/fixtures/models/', import.meta.url);
const fixture = (name: string): Uint8Array => {
  const raw = readFileSync(new URL(name, MODELS));
  return name.endsWith('.gz') ? gunzipSync(raw) : raw;
};

interface Row {
  readonly figure: string;
  readonly detail: string;
  readonly medianMs: number;
  readonly targetMs?: number;
  readonly peer?: string;
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

/** Every single-swap candidate: each site × each paper kind (the reference kind included). */
function rewriteAllSingleSwaps(model: ImportedModel, into?: Uint8Array): number {
  let bytes = 0;
  for (const site of model.sites) {
    for (const kind of PAPER_ACTIVATIONS) bytes += rewriteOnnx(model, { [site.name]: kind }, into ? { into } : {}).length;
  }
  return bytes;
}

const emitted = (name: string): Uint8Array => emitOnnx(buildGraph(builtinModelSpec(name), { imgsz: 640 }), { opset: 17 });
const mib = (n: number): string => `${(n / (1024 * 1024)).toFixed(1)} MiB`;

/** The peers, in Python with the `onnx` package; each prints its median in ms. */
const PY_IMPORT = `
import sys, time, onnx
times = []
for _ in range(${RUNS + 1}):
    t = time.perf_counter()
    m = onnx.shape_inference.infer_shapes(onnx.load(sys.argv[1]))
    times.append((time.perf_counter() - t) * 1000)
print(sorted(times[1:])[${RUNS >> 1}])
`;
const PY_COPIES = `
import sys, time, onnx
m = onnx.load(sys.argv[1])
n = int(sys.argv[2])
times = []
for _ in range(${RUNS + 1}):
    t = time.perf_counter()
    for _ in range(n):
        c = onnx.ModelProto()
        c.CopyFrom(m)
        c.SerializeToString()
    times.append((time.perf_counter() - t) * 1000)
print(sorted(times[1:])[${RUNS >> 1}])
`;

/** $PYTHON, else the first of python3 / Debian's /usr/bin/python3 that has the onnx package. */
const PYTHONS = [process.env['PYTHON'], 'python3', '/usr/bin/python3'].filter((p): p is string => Boolean(p));

function python(script: string, args: readonly string[]): string {
  let problem = 'no python3';
  for (const exe of PYTHONS) {
    const run = spawnSync(exe, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const ms = Number(run.stdout?.trim());
    if (run.status === 0 && Number.isFinite(ms)) return `${ms.toFixed(1)} ms`;
    problem = (run.stderr || run.error?.message || 'failed').trim().split('\n').at(-1) ?? problem;
  }
  return `n/a (${problem})`;
}

function main(): void {
  const scratch = mkdtempSync(join(tmpdir(), 'actnas-onnx-bench-'));
  try {
    const rows: Row[] = [];
    const yolo26m = fixture('yolo26m-ultralytics-opset17.onnx.gz');
    const yolo26mPath = join(scratch, 'yolo26m.onnx');
    writeFileSync(yolo26mPath, yolo26m);
    const m26 = importOnnx(yolo26m);
    rows.push({
      figure: 'import yolo26m (Ultralytics export)',
      detail: `${mib(yolo26m.length)}, ${m26.sites.length} sites, all shaped: ${m26.sites.every((s) => s.shape)}`,
      medianMs: timeMedian(() => importOnnx(yolo26m)),
      targetMs: 1000,
      peer: `onnx.load + infer_shapes: ${python(PY_IMPORT, [yolo26mPath])}`,
    });

    const yolo11nPath = fileURLToPath(new URL('yolo11n-ultralytics-opset17.onnx', MODELS));
    const yolo11n = importOnnx(readFileSync(yolo11nPath));
    const n11 = yolo11n.sites.length * PAPER_ACTIVATIONS.length;
    rows.push({
      figure: 'rewrite yolo11n single swaps (Ultralytics export)',
      detail: `${n11} candidates of ${mib(yolo11n.bytes.length)}`,
      medianMs: timeMedian(() => rewriteAllSingleSwaps(yolo11n)),
      targetMs: 5000,
      peer: `protobuf copy + serialize ×${n11}: ${python(PY_COPIES, [yolo11nPath, String(n11)])}`,
    });
    const reused11 = new Uint8Array(yolo11n.bytes.length * 2);
    rows.push({ figure: '  same, reusing one output buffer', detail: `${n11} candidates (option into)`, medianMs: timeMedian(() => rewriteAllSingleSwaps(yolo11n, reused11)), targetMs: 5000 });

    const torchV8n = fixture('yolov8n-pytorch-export-opset17.onnx');
    rows.push({ figure: 'import yolov8n (torch export)', detail: `${mib(torchV8n.length)}, ${importOnnx(torchV8n).sites.length} sites`, medianMs: timeMedian(() => importOnnx(torchV8n)) });
    const yolov8m = emitted('yolov8m');
    rows.push({ figure: 'import yolov8m (emitted)', detail: `${mib(yolov8m.length)}, ${importOnnx(yolov8m).sites.length} sites`, medianMs: timeMedian(() => importOnnx(yolov8m)), targetMs: 1000 });
    const yolov5nu = importOnnx(emitted('yolov5nu'));
    const n5 = yolov5nu.sites.length * PAPER_ACTIVATIONS.length;
    rows.push({ figure: 'rewrite yolov5nu single swaps (emitted)', detail: `${n5} candidates of ${mib(yolov5nu.bytes.length)}`, medianMs: timeMedian(() => rewriteAllSingleSwaps(yolov5nu)), targetMs: 5000 });

    const load = loadavg().map((l) => l.toFixed(2)).join(' ');
    process.stdout.write(`onnx bench: median of ${RUNS} runs after a warm-up; load average ${load}\n\n`);
    print(rows);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function print(rows: readonly Row[]): void {
  const cells = rows.map((r) => [
    r.figure,
    r.detail,
    `${r.medianMs.toFixed(1)} ms`,
    r.targetMs === undefined ? '—' : `< ${r.targetMs} ms`,
    r.targetMs === undefined ? '' : r.medianMs < r.targetMs ? 'ok' : 'MISSED',
    r.peer ?? '',
  ]);
  const head = ['figure', 'detail', 'median', 'target', '', 'peer (same run)'];
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c]!.length)));
  const line = (row: readonly string[]): string => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  process.stdout.write([line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line), ''].join('\n'));
}

main();
