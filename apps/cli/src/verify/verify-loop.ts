import Table from 'cli-table3';
import type { Budget, JudgedBudget, Objective, Proposal } from '@actnas/core/search';
import { describeBudget, describeObjective, loopVerdict, objectiveFromTotals, rankByMeasured, tightenBudgets } from '@actnas/core/search';
import type { MetricCheck, VerifiedCandidate, VerifyBudgets, VerifyCandidate, VerifyMetric } from '@actnas/devices';
import type { CliIo } from '../shared/cli-io.js';
import { CliUsageError, EXIT_FAILURE, EXIT_OK } from '../shared/cli-error.js';
import { intFlag } from '../shared/flags.js';
import type { SearchFlags } from '../search/search.action.js';
import { prepareSearch, runPrepared } from '../search/search.action.js';
import { assignmentOf } from './verify.action.js';
import type { VerifyRunFlags } from './verify-flags.js';
import { createVerifier, predictionsFromTotals } from './verify-setup.js';

export interface VerifyLoopFlags extends VerifyRunFlags {
  readonly verify?: boolean;
  readonly rounds: string;
}

/** One proposal as verified, with the round whose search returned it. */
export interface VerifiedProposal {
  readonly round: number;
  readonly searchRank: number;
  readonly activations: readonly string[];
  readonly predictedObjective: number;
  readonly measuredObjective: number;
  readonly measuredFeasible: boolean;
  readonly verified: VerifiedCandidate;
}

export interface Tightening {
  readonly budget: string;
  readonly to: string;
  /** The largest measured residual among the proposals that broke it, in the budget's unit. */
  readonly residual: number;
  readonly breakers: number;
}

export interface LoopRound {
  readonly round: number;
  readonly budgets: readonly string[];
  readonly status: string;
  readonly proposals: number;
  /** Proposals measured this round (a proposal already verified in an earlier round is not measured again). */
  readonly measured: number;
  readonly measuredFeasible: number;
  readonly noiseFloor?: number;
  readonly tightened: readonly Tightening[];
}

export interface LoopResult {
  readonly objective: string;
  readonly budgets: readonly string[];
  readonly sites: readonly string[];
  readonly rounds: readonly LoopRound[];
  /** Some proposal verified in any round meets every budget as measured (they rank first). */
  readonly met: boolean;
  /** Only when none does: each budget the verified proposals break as measured, how many break it and by how much the closest misses it. */
  readonly missed: readonly { readonly budget: string; readonly breakers: number; readonly excess: number }[];
  /** `met`: every proposal of the last round met every budget; `rounds`: they ran out; `infeasible`: a tightened round found nothing. */
  readonly stoppedBy: 'met' | 'rounds' | 'infeasible';
  /** Ranked: measured-feasible first, each group by measured objective. */
  readonly proposals: readonly VerifiedProposal[];
}

const METRIC: Readonly<Record<string, VerifyMetric | undefined>> = { latency: 'latency', memory: 'memory', accuracy: 'accuracy' };

function verifyBudgets(budgets: readonly Budget[]): VerifyBudgets {
  const out: { maxLatency?: number; maxMemory?: number; maxAccuracyDrop?: number } = {};
  for (const b of budgets) {
    if (b.metric.metric === 'latency' && b.bound === 'max' && b.of === 'total') out.maxLatency = b.value;
    else if (b.metric.metric === 'memory' && b.bound === 'max' && b.of === 'total') out.maxMemory = b.value;
    else if (b.metric.metric === 'accuracy' && b.bound === 'min' && b.of === 'delta') out.maxAccuracyDrop = -b.value;
  }
  return out;
}

function objectiveOf(objective: Objective, metrics: readonly MetricCheck[], pick: (m: MetricCheck) => number | undefined): number {
  return objectiveFromTotals(objective, (ref) => {
    const m = metrics.find((x) => x.metric === ref.metric);
    return m && pick(m);
  });
}

const measuredTotal = (m: MetricCheck): number | undefined => m.measured.total;
const predictedTotal = (m: MetricCheck): number | undefined => (m.predicted?.reference === undefined ? undefined : m.predicted.reference + m.predicted.delta);

/**
 * `actnas search --verify`: search, verify the top-k whole on this device, and while a returned
 * proposal breaks a budget as measured, tighten that budget by the largest measured residual among
 * the proposals that broke it and search again, for at most --rounds rounds.
 */
export async function searchAndVerify(flags: SearchFlags & VerifyLoopFlags, io: CliIo, setExitCode: (code: number) => void): Promise<void> {
  const cwd = io.cwd ?? process.cwd();
  const maxRounds = intFlag(flags.rounds, '--rounds', 3, [1, 20]);
  if (flags.latencyDevice.length > 0 || flags.maxLatencyDevice.length > 0) throw new CliUsageError('--verify measures this device only: use --latency and --max-latency, not --latency-device');
  if (flags.liveSet !== undefined) throw new CliUsageError('--verify does not check --max-peak-memory yet (live-set rows bound the peak exactly); use --max-memory, or verify with actnas verify --metrics memory');
  const prepared = prepareSearch(flags, cwd);
  const tableFiles: Partial<Record<VerifyMetric, string>> = {};
  if (flags.latency !== undefined) tableFiles.latency = flags.latency;
  if (flags.memory !== undefined) tableFiles.memory = flags.memory;
  if (flags.accuracy !== undefined) tableFiles.accuracy = flags.accuracy;
  const metrics = (['latency', 'memory', 'accuracy'] as const).filter((m) => tableFiles[m] !== undefined);
  const v = await createVerifier(flags, io, metrics, tableFiles);
  const modelSites = new Set(v.graph.sites.map((s) => s.name));
  const tableSites = prepared.request.space.sites.map((s) => s.name);
  const foreign = tableSites.find((s) => !modelSites.has(s));
  if (foreign !== undefined || tableSites.length !== modelSites.size) {
    throw new CliUsageError(`the tables are for another model than ${v.modelName}: ${foreign !== undefined ? `site "${foreign}" is not one of its sites` : `${tableSites.length} sites in the tables, ${modelSites.size} in the model`}`);
  }
  const objective = prepared.request.objective;
  const original = prepared.request.budgets ?? [];
  const target = verifyBudgets(original);
  let budgets: Budget[] = [...original];
  const seen = new Map<string, VerifiedProposal>();
  const rounds: LoopRound[] = [];
  let stoppedBy: LoopResult['stoppedBy'] = 'rounds';
  let last: VerifiedProposal[] = [];
  let sites: readonly string[] = tableSites;
  for (let round = 1; round <= maxRounds; round++) {
    const result = await runPrepared({ ...prepared, request: { ...prepared.request, budgets } });
    sites = result.sites;
    const described = budgets.map(describeBudget);
    if (result.status === 'infeasible' || result.proposals.length === 0) {
      io.stderr.write(`verify: round ${round}: the search is infeasible under ${described.join(', ')}\n`);
      rounds.push({ round, budgets: described, status: result.status, proposals: 0, measured: 0, measuredFeasible: 0, tightened: [] });
      stoppedBy = 'infeasible';
      break;
    }
    const key = (p: Proposal): string => p.activations.join(',');
    const fresh = result.proposals.filter((p) => !seen.has(key(p)));
    const candidates: VerifyCandidate[] = fresh.map((p) => {
      const assignment = assignmentOf({ sites: result.sites, proposals: [] }, p.activations);
      const ids = Object.fromEntries(result.sites.map((s, i) => [s, p.activations[i]!]));
      return { name: `round ${round} #${p.rank}`, kind: 'proposal', rank: p.rank, sites: assignment, predicted: v.predict(ids, predictionsFromTotals(p.totals)) };
    });
    io.stderr.write(`verify: round ${round}: ${result.proposals.length} proposal(s) under ${described.join(', ') || 'no budgets'}, ${candidates.length} new to measure\n`);
    const report = candidates.length > 0 ? await v.verify(candidates, target) : undefined;
    report?.candidates.forEach((c, i) => {
      const p = fresh[i]!;
      seen.set(key(p), {
        round,
        searchRank: p.rank,
        activations: p.activations,
        predictedObjective: objectiveOf(objective, c.metrics, predictedTotal),
        measuredObjective: objectiveOf(objective, c.metrics, measuredTotal),
        measuredFeasible: c.broken.length === 0,
        verified: c,
      });
    });
    last = result.proposals.map((p) => seen.get(key(p))!);
    const feasible = last.filter((p) => p.measuredFeasible).length;
    const tightened: Tightening[] = [];
    if (feasible < last.length && round < maxRounds) {
      const next = tightenBudgets(budgets, (b) => {
        const metric = METRIC[b.metric.metric];
        const checks = last.map((p) => p.verified.metrics.find((m) => m.metric === metric)).filter((m): m is MetricCheck => m?.budget?.brokenAsMeasured === true);
        return checks.map((m) => ({ residual: m.residual ?? 0, excess: m.budget!.excess }));
      });
      budgets = next.budgets;
      tightened.push(...next.tightened.map(({ budget, to, residual, breakers }) => ({ budget, to, residual, breakers })));
    }
    rounds.push({ round, budgets: described, status: result.status, proposals: result.proposals.length, measured: candidates.length, measuredFeasible: feasible, ...(report?.noise ? { noiseFloor: report.noise.floor } : {}), tightened });
    for (const t of tightened) io.stderr.write(`verify: round ${round}: ${t.breakers} proposal(s) break ${t.budget} as measured; tightening to ${t.to.replace(/^.* ([≤≥])/, '$1')} (residual ${t.residual.toFixed(4)})\n`);
    if (feasible === last.length) {
      stoppedBy = 'met';
      break;
    }
  }
  const proposals = rankByMeasured(objective, [...seen.values()]);
  const { met, missed } = loopVerdict(proposals.map((p) => ({ measuredFeasible: p.measuredFeasible, checks: budgetChecks(p) })));
  const out: LoopResult = { objective: describeObjective(objective), budgets: original.map(describeBudget), sites, rounds, met, missed, stoppedBy, proposals };
  io.stdout.write(flags.json ? JSON.stringify(out, null, 1) + '\n' : formatLoop(out));
  setExitCode(proposals.some((p) => p.measuredFeasible) ? EXIT_OK : EXIT_FAILURE);
}

const budgetChecks = (p: VerifiedProposal): JudgedBudget[] =>
  p.verified.metrics.flatMap((m) => (m.budget ? [{ description: m.budget.description, excess: m.budget.excess, broken: m.budget.brokenAsMeasured }] : []));

const num = (n: number, d = 3): string => (Number.isFinite(n) ? n.toFixed(d) : '-');

function stopNote(r: LoopResult): string {
  if (r.stoppedBy === 'infeasible') return ` (the search became infeasible in round ${r.rounds.length} after tightening)`;
  if (r.stoppedBy === 'rounds') return ` (${r.rounds.length} round(s) ran out with a budget broken in the last)`;
  return '';
}

function formatLoop(r: LoopResult): string {
  const lines = [`search --verify · objective: ${r.objective}${r.budgets.length ? ` · budgets: ${r.budgets.join(', ')}` : ''}`];
  for (const x of r.rounds) {
    const floor = x.noiseFloor === undefined ? '' : `, latency noise floor ${num(x.noiseFloor)} ms`;
    lines.push(`round ${x.round}: ${x.status}, ${x.proposals} proposal(s), ${x.measured} measured, ${x.measuredFeasible} meet every budget as measured${floor}`);
    for (const t of x.tightened) lines.push(`  ${t.breakers} break ${t.budget} as measured: tightened to ${t.to} (residual ${num(t.residual, 4)})`);
  }
  const metrics = r.proposals[0]?.verified.metrics.map((m) => `${m.metric} (${m.unit})`) ?? [];
  const table = new Table({ head: ['rank', 'round #', 'measured objective', 'predicted objective', ...metrics.map((m) => `${m} measured Δ (predicted)`), 'measured-feasible'], style: { head: [], border: [] } });
  r.proposals.forEach((p, i) =>
    table.push([
      String(i + 1),
      `${p.round} #${p.searchRank}`,
      num(p.measuredObjective),
      num(p.predictedObjective),
      ...p.verified.metrics.map((m) => `${num(m.measured.delta, m.unit === 'KB' ? 0 : 3)} (${m.predicted ? num(m.predicted.delta, m.unit === 'KB' ? 0 : 3) : '-'})${m.budget?.brokenAsMeasured ? ' BREAKS' : ''}`),
      p.measuredFeasible ? 'yes' : 'no',
    ]),
  );
  if (r.proposals.length) lines.push(table.toString());
  const feasible = r.proposals.filter((p) => p.measuredFeasible).length;
  if (r.met) lines.push(`met: ${feasible} of ${r.proposals.length} verified proposal(s) meet every budget as measured (ranked first, by measured objective)${stopNote(r)}`);
  else {
    const still = r.missed.map((m) => `${m.budget} is broken by ${m.breakers} of them; the closest misses it by ${num(m.excess, 4)}`).join('; ');
    lines.push(`not met: none of the ${r.proposals.length} verified proposal(s) meets every budget as measured${stopNote(r)}; ${still || 'no budget was measured'}`);
  }
  return lines.join('\n') + '\n';
}
