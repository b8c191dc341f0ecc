/**
 * npm run bench (packages/core): medians of 5 for ILP top-10 d=3 on 69×5 (accuracy budget; accuracy +
 * memory budgets) and 200×8, the exact solver on the same, and random search given the ILP's time.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { CompiledProblem, CostTable, MetricKind, SearchRequest } from '../src/index.js';
import { EXTENSION_ACTIVATIONS, PAPER_ACTIVATIONS, compileProblem, createSearchSpace, loadGlpk, maxAccuracyDrop, maxMemory, minimize, solveExact, solveIlpWith, solveRandom } from '../src/index.js';

const RUNS = 5;
const K = 10;
const D = 3;

function instance(seed: number, n: number, m: number, withMemory: boolean): SearchRequest {
  const rng = xoroshiro128plus(seed);
  const u = (): number => uniformFloat64(rng);
  const acts = [...PAPER_ACTIVATIONS, ...EXTENSION_ACTIVATIONS].slice(0, m).map((a) => a.id);
  const sites = Array.from({ length: n }, (_, i) => `model.${i}.act`);
  const size = sites.map((_, i) => 2 ** (4 * (1 - i / n)) * (0.5 + u()));
  const speed = acts.map((a) => (a === 'silu' ? 0 : 0.3 + 0.7 * u()));
  const table = (metric: MetricKind, unit: string, reference: number, f: (i: number, o: number) => number): CostTable => ({
    metric, unit, reference, sites, provenance: { source: 'synthetic' },
    cells: sites.flatMap((site, i) => acts.map((activation, o) => ({ site, activation, delta: activation === 'silu' ? 0 : f(i, o) }))),
  });
  const latency = table('latency', 'ms', 900, (i, o) => -size[i]! * speed[o]! * (0.9 + 0.2 * u()));
  const accuracy = table('accuracy', 'mAP', 0.34, (i) => -(0.00005 + 0.0004 * (i / n) ** 1.5) * (0.5 + u()));
  const memory = table('memory', 'KB', 1230, (i) => -10 * size[i]! * u());
  const space = createSearchSpace({ sites, candidates: acts, reference: 'silu' });
  const budgets = withMemory ? [maxAccuracyDrop(0.005), maxMemory(1230 - 0.35 * size.reduce((a, b) => a + b, 0) * 10)] : [maxAccuracyDrop(0.005)];
  return { space, tables: withMemory ? [latency, accuracy, memory] : [latency, accuracy], objective: minimize('latency'), budgets };
}

type Glpk = Awaited<ReturnType<typeof loadGlpk>>;

/** The straightforward formulation for comparison: the full one-hot model re-solved per proposal. */
function plainIlpTopK(glpk: Glpk, problem: CompiledProblem): number {
  const n = problem.sites.length;
  const vars = problem.options.flatMap((opts, i) => opts.map((_, o) => ({ i, o, name: `x${i}_${o}` })));
  const rows = [
    ...problem.options.map((opts, i) => ({ name: `s${i}`, vars: opts.map((_, o) => ({ name: `x${i}_${o}`, coef: 1 })), bnds: { type: glpk.GLP_FX, lb: 1, ub: 1 } })),
    ...problem.constraints.map((c, j) => ({ name: `b${j}`, vars: vars.map((v) => ({ name: v.name, coef: c.coef[v.i]![v.o]! })), bnds: { type: glpk.GLP_UP, lb: 0, ub: c.rhs } })),
  ];
  const objective = { direction: glpk.GLP_MIN, name: 'z', vars: vars.map((v) => ({ name: v.name, coef: problem.cost[v.i]![v.o]! })) };
  let found = 0;
  for (let p = 0; p < K; p++) {
    const r = glpk.solve({ name: 'plain', objective, subjectTo: rows, binaries: vars.map((v) => v.name) }, { msglev: glpk.GLP_MSG_OFF, mipgap: 0, presol: true });
    if (r.result.status !== glpk.GLP_OPT) break;
    found++;
    const chosen = vars.filter((v) => (r.result.vars[v.name] ?? 0) > 0.5);
    rows.push({ name: `d${p}`, vars: chosen.map((v) => ({ name: v.name, coef: 1 })), bnds: { type: glpk.GLP_UP, lb: 0, ub: n - D } });
  }
  return found;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const glpk = await loadGlpk();
  const cases = [
    { name: '69×5, accuracy budget', target: 100, make: (s: number) => instance(s, 69, 5, false) },
    { name: '69×5, accuracy + memory', target: 100, make: (s: number) => instance(s, 69, 5, true) },
    { name: '200×8, accuracy budget', target: 400, make: (s: number) => instance(s, 200, 8, false) },
  ];
  const rows: string[][] = [];
  let allEqual = true;
  for (const c of cases) {
    const ilpMs: number[] = [];
    const exactMs: number[] = [];
    const gaps: number[] = [];
    const plainMs: number[] = [];
    let equal = true;
    for (let run = 0; run < RUNS; run++) {
      const request = c.make(1000 + run);
      let t = performance.now();
      const ilp = solveIlpWith(glpk, request, { k: K, diversity: D });
      ilpMs.push(performance.now() - t);
      t = performance.now();
      const exact = solveExact(request, { k: K, diversity: D });
      exactMs.push(performance.now() - t);
      const same = ilp.proposals.length === exact.proposals.length && ilp.proposals.every((p, i) => Math.abs(p.objective - exact.proposals[i]!.objective) <= 1e-6 * Math.abs(p.objective));
      equal &&= same;
      t = performance.now();
      plainIlpTopK(glpk, compileProblem(request));
      plainMs.push(performance.now() - t);
      const random = solveRandom(request, { seed: run + 1, timeLimitMs: ilpMs[run]!, k: 1 });
      const best = ilp.proposals[0]!.objective;
      const found = random.proposals[0]?.objective;
      gaps.push(found === undefined ? Number.NaN : (100 * (found - best)) / Math.abs(best));
    }
    allEqual &&= equal;
    const ilp = median(ilpMs);
    rows.push([c.name, `${ilp.toFixed(1)} ms`, `< ${c.target} ms`, ilp < c.target ? 'yes' : 'NO', `${median(exactMs).toFixed(1)} ms`, `${median(plainMs).toFixed(1)} ms`, equal ? 'yes' : 'NO', `${median(gaps).toFixed(2)} %`]);
  }
  const head = ['instance (top-10, d=3)', 'ILP median', 'target', 'met', 'exact median', 'plain glpk re-solve', 'ILP = exact (all 10, all runs)', 'random gap (same time)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ');
  process.stdout.write(`${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${rows.map(line).join('\n')}\n`);
  process.stdout.write(`medians of ${RUNS} seeded instances; random gap = (random best − optimum) / |optimum| after the ILP's own time;\nplain glpk re-solve = the full model with one distance cut added per proposal, same machine, same moment\n`);
  if (!allEqual) process.exitCode = 1;
}

await main();
