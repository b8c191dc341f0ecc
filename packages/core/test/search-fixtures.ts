import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { CostTable, MetricKind, SearchRequest } from '@actnas/core';
import { createSearchSpace, maxAccuracyDrop, maxMemory, minimize } from '@actnas/core';

export const ACTS = ['relu', 'silu', 'hardswish', 'relu6', 'leakyrelu'] as const;

/** Seeded random tables with the paper's shape: latency/memory savings, small accuracy losses. */
export function randomRequest(seed: number, n: number, m: number, withMemory = false): SearchRequest {
  const rng = xoroshiro128plus(seed);
  const u = (): number => uniformFloat64(rng);
  const acts = ACTS.slice(0, m);
  const sites = Array.from({ length: n }, (_, i) => `model.${i}.act`);
  const table = (metric: MetricKind, unit: string, reference: number, f: (i: number) => number): CostTable => ({
    metric,
    unit,
    reference,
    sites,
    provenance: { source: 'synthetic' },
    cells: sites.flatMap((site, i) => acts.map((a) => ({ site, activation: a, delta: a === 'silu' ? 0 : f(i) }))),
  });
  const latency = table('latency', 'ms', 100, (i) => -(1 + 5 * (1 - i / n)) * (0.2 + u()));
  const accuracy = table('accuracy', 'mAP', 0.34, () => -0.001 * u() + 0.0002 * (u() - 0.7));
  const memory = table('memory', 'KB', 1000, () => -20 * u());
  const drop = 0.001 * n * 0.25 * (0.5 + u());
  return {
    space: createSearchSpace({ sites, candidates: acts, reference: 'silu' }),
    tables: withMemory ? [latency, accuracy, memory] : [latency, accuracy],
    objective: minimize('latency'),
    budgets: withMemory ? [maxAccuracyDrop(drop), maxMemory(1000 - 5 * n * (0.3 + u()))] : [maxAccuracyDrop(drop)],
  };
}

/** Every assignment, best first: [objective, activations]. */
export function bruteForce(request: SearchRequest): { objective: number; activations: string[] }[] {
  const sites = request.space.sites;
  const lookup = request.tables.map((t) => new Map(t.cells.map((c) => [`${c.site}|${c.activation}`, c.delta])));
  const out: { objective: number; activations: string[] }[] = [];
  const current: string[] = [];
  const total = (t: number): number => request.tables[t]!.reference + current.reduce((s, a, i) => s + lookup[t]!.get(`${sites[i]!.name}|${a}`)!, 0);
  const tableOf = (metric: MetricKind): number => request.tables.findIndex((t) => t.metric === metric);
  const rec = (i: number): void => {
    if (i === sites.length) {
      const ok = (request.budgets ?? []).every((b) => {
        const t = tableOf(b.metric.metric);
        const value = b.of === 'total' ? total(t) : total(t) - request.tables[t]!.reference;
        const tol = 1e-9 * Math.max(1, Math.abs(b.value - (b.of === 'total' ? request.tables[t]!.reference : 0)));
        return b.bound === 'max' ? value <= b.value + tol : value >= b.value - tol;
      });
      const obj = request.objective;
      if (ok && obj.sense !== 'weighted') out.push({ objective: total(tableOf(obj.metric.metric)), activations: [...current] });
      return;
    }
    for (const a of sites[i]!.allowed) {
      current.push(a);
      rec(i + 1);
      current.pop();
    }
  };
  rec(0);
  const sense = request.objective.sense === 'max' ? -1 : 1;
  return out.sort((a, b) => sense * (a.objective - b.objective));
}

export function hammingOf(a: readonly string[], b: readonly string[]): number {
  return a.reduce((s, x, i) => s + (x === b[i] ? 0 : 1), 0);
}
