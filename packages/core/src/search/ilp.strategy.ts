import type { GLPK } from './glpk.js';
import { loadGlpk } from './glpk.js';
import type { SearchRequest, TopKOptions } from './search-request.js';
import type { CompiledProblem } from './search-problem.js';
import { compileProblem } from './search-problem.js';
import type { SearchResult } from './search-result.js';
import { buildResult, internalCost, isFeasible } from './search-result.js';
import type { OptionIndices } from './search-types.js';
import { undominatedOptions } from './dominance.js';
import { lagrangianBound } from './lagrangian.js';
import type { StepOutcome } from './top-k.js';
import { checkTopK, runTopK } from './top-k.js';
import { infeasibilityReport } from './infeasibility.js';
import { growThreshold, optionBounds, smallestPositive } from './core-bounds.js';

export type IlpOptions = TopKOptions;

/** Loads glpk.js (once) and solves; see `solveIlpWith` for the method. */
export async function solveIlp(request: SearchRequest, options: IlpOptions = {}): Promise<SearchResult> {
  return solveIlpWith(await loadGlpk(), request, options);
}

/**
 * ILP on glpk.js: one-hot binaries x[site, option], Σ_option x = 1 per site, one row per budget,
 * and for top-k one distance cut per earlier proposal p: Σ_site x[site, p_site] ≤ n − d.
 *
 * Each proposal is solved on a core, with the same optimum as the full model:
 *  - options dominated on objective and every budget are dropped (safely for top-k, see dominance);
 *  - from Lagrangian reduced costs r (L + Σ r(x) ≤ cost(x) for every feasible x) and the cheapest
 *    disagreements each earlier proposal still forces, every option gets a lower bound on any
 *    proposal that uses it (core-bounds). Options whose bound exceeds a threshold U are left out
 *    and sites with one option left are fixed. If the core's optimum z ≤ U, nothing left out can
 *    beat it; otherwise U grows to z (or ×4 over the floor when the core is infeasible) and the
 *    core is solved again. U starts from the previous proposal's gap, so re-solves are rare.
 *  - The MIP itself runs with mipgap 0 and presolve.
 */
export function solveIlpWith(glpk: GLPK, request: SearchRequest, options: IlpOptions = {}): SearchResult {
  const started = performance.now();
  const problem = compileProblem(request);
  const k = options.k ?? 1;
  const d = options.diversity ?? 1;
  checkTopK(k, d);
  const step = ilpStep(glpk, problem);
  let retries = 0;
  const out = runTopK(k, d, (priors) => {
    const s = step(priors, d);
    retries += s.solves - 1;
    return s;
  });
  const infeasible = out.status === 'infeasible' ? infeasibilityReport(problem) : undefined;
  return buildResult(problem, {
    strategy: 'ilp',
    status: out.status,
    choices: out.choices,
    stats: { timeMs: performance.now() - started, solves: out.solves, nodes: out.nodes, prunedOptions: out.pruned, coreRegrowths: retries },
    ...(infeasible ? { infeasible } : {}),
    notes: out.notes,
  });
}

function ilpStep(glpk: GLPK, problem: CompiledProblem): (priors: readonly OptionIndices[], d: number) => StepOutcome {
  let lambda: readonly number[] | undefined;
  let lastGap = 0;
  return (priors, d) => {
    const kept = undominatedOptions(problem, priors);
    const lag = lagrangianBound(problem, kept, lambda);
    lambda = lag.lambda;
    const pruned = kept.reduce((s, opts, i) => s + problem.options[i]!.length - opts.length, 0);
    if (lag.bound === Number.POSITIVE_INFINITY) return { complete: true, nodes: 0, solves: 0, pruned };
    const bounds = optionBounds(lag, kept, priors, d);
    if (bounds.floor === Number.POSITIVE_INFINITY) return { complete: true, nodes: 0, solves: 0, pruned };
    const guess = Math.min(bounds.ceiling, bounds.floor + (priors.length > 0 && lastGap > 0 ? lastGap * 1.5 : smallestPositive(lag, kept) * 2));
    let upper = guess;
    for (let solves = 1; ; solves++) {
      const core = kept.map((opts, i) => opts.filter((o) => bounds.perOption[i]![o]! <= upper));
      const choice = solveCore(glpk, problem, core, priors, d);
      const z = choice ? internalCost(problem, choice) : Number.POSITIVE_INFINITY;
      const proven = upper >= bounds.ceiling || (choice !== undefined && z <= upper + 1e-12 * Math.max(1, Math.abs(z)));
      if (proven) {
        if (choice) lastGap = z - bounds.floor;
        return { ...(choice ? { choice } : {}), complete: true, nodes: 0, solves, pruned };
      }
      upper = choice && z > upper ? Math.min(bounds.ceiling, z) : growThreshold(upper, bounds, smallestPositive(lag, kept));
    }
  };
}

/** Solves the core MIP; returns a full assignment or undefined when the core is infeasible. */
function solveCore(glpk: GLPK, problem: CompiledProblem, core: readonly (readonly number[])[], priors: readonly OptionIndices[], d: number): OptionIndices | undefined {
  if (core.some((opts) => opts.length === 0)) return undefined;
  const fixed = core.map((opts) => (opts.length === 1 ? opts[0]! : -1));
  const free = core.flatMap((opts, i) => (opts.length > 1 ? [i] : []));
  const fixedChoice = fixed.map((o) => Math.max(o, 0));
  const n = problem.sites.length;
  const distanceRhs = priors.map((p) => n - d - fixed.reduce((s, o, i) => s + (o >= 0 && o === p[i] ? 1 : 0), 0));
  if (distanceRhs.some((r) => r < 0)) return undefined;
  if (free.length === 0) {
    const ok = isFeasible(problem, fixedChoice) && priors.every((_, p) => distanceRhs[p]! >= 0);
    return ok ? fixedChoice : undefined;
  }
  const name = (i: number, o: number): string => `x${i}_${o}`;
  const vars = free.flatMap((i) => core[i]!.map((o) => ({ i, o, name: name(i, o) })));
  const objScale = scaleOf(vars.map((v) => problem.cost[v.i]![v.o]!));
  const subjectTo = [
    ...free.map((i) => ({ name: `site${i}`, vars: core[i]!.map((o) => ({ name: name(i, o), coef: 1 })), bnds: { type: glpk.GLP_FX, lb: 1, ub: 1 } })),
    ...problem.constraints.map((c, j) => {
      const fixedUse = fixed.reduce((s, o, i) => s + (o >= 0 ? c.coef[i]![o]! : 0), 0);
      const scale = scaleOf(vars.map((v) => c.coef[v.i]![v.o]!));
      return { name: `budget${j}`, vars: vars.map((v) => ({ name: v.name, coef: c.coef[v.i]![v.o]! / scale })), bnds: { type: glpk.GLP_UP, lb: 0, ub: (c.rhs - fixedUse) / scale } };
    }),
    ...priors.map((p, k) => ({ name: `distance${k}`, vars: vars.filter((v) => p[v.i] === v.o).map((v) => ({ name: v.name, coef: 1 })), bnds: { type: glpk.GLP_UP, lb: 0, ub: distanceRhs[k]! } })),
  ].filter((row) => row.vars.length > 0 || row.bnds.ub < 0);
  const result = glpk.solve(
    {
      name: 'actnas',
      objective: { direction: glpk.GLP_MIN, name: 'cost', vars: vars.map((v) => ({ name: v.name, coef: problem.cost[v.i]![v.o]! / objScale })) },
      subjectTo,
      binaries: vars.map((v) => v.name),
    },
    { msglev: glpk.GLP_MSG_OFF, mipgap: 0, presol: true },
  );
  if (result.result.status !== glpk.GLP_OPT) return undefined;
  const choice = [...fixedChoice];
  for (const v of vars) if ((result.result.vars[v.name] ?? 0) > 0.5) choice[v.i] = v.o;
  return choice;
}

function scaleOf(values: readonly number[]): number {
  const max = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return max > 0 ? max : 1;
}
