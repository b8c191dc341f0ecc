import Table from 'cli-table3';
import type { Baseline, MetricTotal, Proposal, SearchResult } from '@actnas/core/search';

const SHORT: Readonly<Record<string, string>> = { relu: 'R', silu: 'S', hardswish: 'H', relu6: '6', leakyrelu: 'L' };

/** Ranked proposals, baselines and (if any) the infeasibility report as text tables. */
export function formatResultTable(result: SearchResult): string {
  const lines = [
    `strategy ${result.strategy} · ${result.status} · objective: ${result.objective}${result.budgets.length ? ` · budgets: ${result.budgets.join(', ')}` : ''}`,
    `${result.proposals.length} proposal(s) in ${result.stats.timeMs.toFixed(1)} ms`,
  ];
  if (result.proposals.length > 0) lines.push(proposalTable(result).toString(), `assignment key: ${Object.entries(SHORT).map(([a, s]) => `${s}=${a}`).join(' ')}, other=?`);
  for (const report of result.infeasible ?? []) {
    const best = `${report.lowerBound ? '≥ ' : ''}${formatNumber(report.bestAchievable)}`;
    lines.push(`infeasible: ${report.description}; best achievable ${best}${report.withOtherBudgets ? ' (with the other budgets)' : ''}`);
  }
  lines.push(baselineTable(result).toString());
  for (const note of result.notes ?? []) lines.push(`note: ${note}`);
  return lines.join('\n') + '\n';
}

function proposalTable(result: SearchResult): Table.Table {
  const metrics = result.proposals[0]!.totals.map((t) => `${t.label} (${t.unit})`);
  const table = new Table({ head: ['rank', 'objective', ...metrics, 'changed', 'dist', 'assignment'], style: { head: [], border: [] } });
  for (const p of result.proposals) table.push(proposalRow(p));
  return table;
}

function proposalRow(p: Proposal): string[] {
  return [String(p.rank), formatNumber(p.objective), ...p.totals.map(formatTotal), String(p.changedSites), p.minDistanceToBetter === undefined ? '-' : String(p.minDistanceToBetter), p.activations.map((a) => SHORT[a] ?? '?').join('')];
}

function baselineTable(result: SearchResult): Table.Table {
  const metrics = result.baselines.find((b) => b.totals)?.totals?.map((t) => `${t.label} (${t.unit})`) ?? [];
  const table = new Table({ head: ['baseline', 'objective', ...metrics, 'within budgets'], style: { head: [], border: [] } });
  for (const b of result.baselines) table.push(baselineRow(b, metrics.length));
  return table;
}

function baselineRow(b: Baseline, width: number): string[] {
  if (!b.available || !b.totals) return [b.name, 'n/a', ...new Array<string>(width).fill('-'), '-'];
  return [b.name, formatNumber(b.objective ?? Number.NaN), ...b.totals.map(formatTotal), b.feasible ? 'yes' : 'no'];
}

function formatTotal(t: MetricTotal): string {
  return `${formatNumber(t.total)} (${t.delta >= 0 ? '+' : ''}${formatNumber(t.delta)})`;
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  return abs !== 0 && abs < 0.1 ? x.toPrecision(4) : x.toFixed(3);
}
