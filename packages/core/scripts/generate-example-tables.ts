/**
 * Writes the SYNTHETIC yolov5nu example tables (latency.csv, memory.csv, accuracy.csv) next to
 * sites.json. Seeded: running it twice gives the same files. See examples/yolov5nu-synthetic/README.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { CostTable, MetricKind } from '../src/index.js';
import { PAPER_ACTIVATIONS, costTableToCsv } from '../src/index.js';

const SEED = 20_240_905;
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'yolov5nu-synthetic');

interface Site {
  readonly name: string;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

const sites = (JSON.parse(readFileSync(join(dir, 'sites.json'), 'utf8')) as { sites: Site[] }).sites;
const rng = xoroshiro128plus(SEED);
const gauss = (): number => Math.sqrt(-2 * Math.log(1 - uniformFloat64(rng))) * Math.cos(2 * Math.PI * uniformFloat64(rng));
const round = (x: number, digits: number): number => Number(x.toFixed(digits));
const size = sites.map((s) => s.channels * s.height * s.width);
const share = size.map((v) => v / size.reduce((a, b) => a + b, 0));

/** Cortex-A53-like CPU latency: SiLU costs one pass over the feature map; ReLU-family is fused. */
const LATENCY_REFERENCE_MS = 937.89;
const SILU_TOTAL_MS = 145;
const LATENCY_SAVING: Readonly<Record<string, number>> = { relu: 1, relu6: 0.97, leakyrelu: 0.9, hardswish: 0.78, silu: 0 };

/** NPU-like arena: a fused activation needs no output buffer of its own. */
const MEMORY_REFERENCE_KB = 1230;
const MEMORY_FUSED_TOTAL_KB = 642;
const MEMORY_SAVING: Readonly<Record<string, number>> = { relu: 1, relu6: 1, leakyrelu: 0.85, hardswish: 1.3, silu: 0 };

/** mAP deltas: ReLU-family costs a little, more towards the head; Hardswish a third of that. */
const ACCURACY_REFERENCE = 0.34;
const ACCURACY_LOSS: Readonly<Record<string, number>> = { relu: 1, relu6: 1.1, leakyrelu: 0.8, hardswish: 0.3, silu: 0 };

function table(metric: MetricKind, unit: string, reference: number, delta: (i: number, act: string) => { delta: number; std?: number }): CostTable {
  const cells = sites.flatMap((s, i) =>
    PAPER_ACTIVATIONS.map((a) => (a.id === 'silu' ? { site: s.name, activation: a.id, delta: 0 } : { site: s.name, activation: a.id, ...delta(i, a.id) })),
  );
  return { metric, unit, reference, sites: sites.map((s) => s.name), cells, provenance: { source: 'synthetic', producer: 'scripts/generate-example-tables.ts', note: `seed ${SEED}` } };
}

const latency = table('latency', 'ms', LATENCY_REFERENCE_MS, (i, act) => {
  const base = -SILU_TOTAL_MS * share[i]! * LATENCY_SAVING[act]!;
  const std = 0.04 * Math.abs(base) + 0.02;
  return { delta: round(base + std * gauss(), 4), std: round(std, 4) };
});
const memory = table('memory', 'KB', MEMORY_REFERENCE_KB, (i, act) => ({
  delta: round(-MEMORY_FUSED_TOTAL_KB * share[i]! * MEMORY_SAVING[act]! * (1 + 0.05 * gauss()), 2),
}));
const accuracy = table('accuracy', 'mAP', ACCURACY_REFERENCE, (i, act) => {
  const depth = i / (sites.length - 1);
  const loss = (0.00008 + 0.0004 * depth ** 1.5) * ACCURACY_LOSS[act]!;
  return { delta: round(-loss + 0.00006 * gauss(), 6) };
});

writeFileSync(join(dir, 'latency.csv'), costTableToCsv(latency));
writeFileSync(join(dir, 'memory.csv'), costTableToCsv(memory));
writeFileSync(join(dir, 'accuracy.csv'), costTableToCsv(accuracy));
process.stdout.write(`wrote latency.csv, memory.csv, accuracy.csv for ${sites.length} sites into ${dir}\n`);
