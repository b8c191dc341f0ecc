#!/usr/bin/env bash
# Measures this folder's tables on this host with the `actnas profile` CLI, exactly as the
# README's "Profiling a device" shows (run `npm run build` once first), and writes
# provenance.json: when, on what, with which commands, and how busy the host was meanwhile.
set -euo pipefail
cd "$(dirname "$0")"

declare -A commands=(
  [latency]="profile --model yolov5nu --imgsz 640 --runtime ort --threads 1 --metric latency --mode micro -o latency.json"
  [memory]="profile --model yolov5nu --imgsz 640 --runtime ort --threads 1 --metric memory -o memory.json"
  [accuracy]="profile --model yolov5nu --imgsz 320 --runtime ort --threads 1 --metric accuracy --batch 16 -o accuracy.json"
)

sampler=
loads=$(mktemp)
runs=$(mktemp)
trap '[ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true; rm -f "$loads" "$runs"' EXIT
for metric in latency memory accuracy; do
  started=$(date -u +%FT%TZ)
  # The 1-minute load average every 5 s while this table is measured.
  ( while true; do echo "$metric $(cut -d' ' -f1 /proc/loadavg)" >> "$loads"; sleep 5; done ) &
  sampler=$!
  # shellcheck disable=SC2086
  npx actnas ${commands[$metric]}
  kill "$sampler"
  echo "$metric $started $(date -u +%FT%TZ)" >> "$runs"
done

node - "$loads" "$runs" <<'JS'
const { readFileSync, writeFileSync } = require('node:fs');
const { cpus, totalmem, release } = require('node:os');
const [loadsFile, runsFile] = process.argv.slice(2);
const loads = readFileSync(loadsFile, 'utf8').trim().split('\n').map((l) => l.split(' '));
const commands = {
  latency: 'actnas profile --model yolov5nu --imgsz 640 --runtime ort --threads 1 --metric latency --mode micro -o latency.json',
  memory: 'actnas profile --model yolov5nu --imgsz 640 --runtime ort --threads 1 --metric memory -o memory.json',
  accuracy: 'actnas profile --model yolov5nu --imgsz 320 --runtime ort --threads 1 --metric accuracy --batch 16 -o accuracy.json',
};
const tables = {};
for (const line of readFileSync(runsFile, 'utf8').trim().split('\n')) {
  const [metric, started, finished] = line.split(' ');
  const samples = loads.filter(([m]) => m === metric).map(([, l]) => Number(l)).sort((a, b) => a - b);
  const table = JSON.parse(readFileSync(`${metric}.json`, 'utf8'));
  tables[metric] = {
    command: commands[metric],
    started,
    finished,
    loadAverage1m: { min: samples[0], median: samples[samples.length >> 1], max: samples[samples.length - 1], samples: samples.length },
    producer: table.provenance.producer,
    runsPerCell: table.provenance.runs ?? null,
  };
}
const provenance = {
  host: {
    cpu: cpus()[0].model.trim(),
    vcpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    onnxruntime: require(require.resolve('onnxruntime-node/package.json', { paths: [process.cwd()] })).version,
    shared: 'a VM shared with other engineers\' builds, tests and browsers while measuring',
  },
  tables,
};
writeFileSync('provenance.json', `${JSON.stringify(provenance, null, 2)}\n`);
JS
echo "wrote latency.json memory.json accuracy.json provenance.json"
