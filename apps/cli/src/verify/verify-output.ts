import Table from 'cli-table3';
import type { MetricCheck, VerifiedCandidate, VerifyReport } from '@actnas/devices';

const num = (n: number | undefined, d: number): string => (n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(d));
const digits = (unit: string): number => (unit === 'KB' ? 0 : unit === 'ms' ? 3 : 4);
const signed = (n: number, d: number): string => `${n >= 0 ? '+' : ''}${n.toFixed(d)}`;

function predictedCell(m: MetricCheck): string {
  if (!m.predicted) return '-';
  const d = digits(m.unit);
  return `${signed(m.predicted.delta, d)} ± ${num(m.predicted.uncertainty, d)}`;
}

function measuredCell(m: MetricCheck): string {
  const d = digits(m.unit);
  const v = m.measured;
  return v.low === v.high ? signed(v.delta, d) : `${signed(v.delta, d)} [${signed(v.low, d)}, ${signed(v.high, d)}]`;
}

function flags(m: MetricCheck): string {
  const out: string[] = [];
  if (m.inside === false) out.push('OUTSIDE');
  if (m.budget?.brokenAsMeasured) out.push(`BREAKS ${m.budget.description} by ${num(m.budget.excess, digits(m.unit))}`);
  return out.join('; ') || (m.inside ? 'ok' : '');
}

/** Predicted beside measured, one row per candidate and metric, with the flags. */
export function formatVerifyReport(report: VerifyReport, header: string): string {
  const lines = [header];
  const r = report.reference;
  lines.push(`reference (measured): ${[r.latency !== undefined ? `latency ${num(r.latency, 3)} ms (median)` : '', r.memory !== undefined ? `memory ${num(r.memory, 0)} KB (arena)` : '', r.accuracy !== undefined ? `NWOT ${num(r.accuracy, 3)}` : ''].filter(Boolean).join(', ')}`);
  if (report.noise) {
    lines.push(`latency noise floor ${num(report.noise.floor, 3)} ms: median |delta| of ${report.noise.nullCopies.length} fresh session(s) of the unchanged model (${report.noise.nullCopies.map((n) => signed(n.delta, 3)).join(', ')}); ${report.noise.timing === 'process-cpu' ? 'runs timed by the process\'s CPU time (1-thread onnxruntime)' : 'runs timed by the wall clock'}`);
  }
  const table = new Table({ head: ['model', 'metric', 'predicted Δ ± unc.', 'measured Δ [95% CI]', 'residual', 'flags'], style: { head: [], border: [] } });
  for (const c of report.candidates) {
    c.metrics.forEach((m, i) => {
      table.push([i === 0 ? candidateLabel(c) : '', `${m.metric} (${m.unit})`, predictedCell(m), measuredCell(m), m.residual === undefined ? '-' : signed(m.residual, digits(m.unit)), flags(m)]);
    });
  }
  lines.push(table.toString());
  const outside = report.candidates.filter((c) => c.outside.length > 0);
  const broken = report.candidates.filter((c) => c.broken.length > 0);
  lines.push(`${report.candidates.length} model(s) verified in ${(report.elapsedMs / 1000).toFixed(1)} s; ${outside.length} outside predicted ± combined uncertainty${broken.length ? `; ${broken.length} break a budget as measured (${broken.map((c) => c.name).join(', ')})` : ''}`);
  if (outside.some((c) => c.outside.includes('accuracy'))) lines.push(NWOT_NOT_ADDITIVE);
  return lines.join('\n') + '\n';
}

/** Why an accuracy residual is no table error (measured in PROFILING.md, "NWOT of a whole model"). */
export const NWOT_NOT_ADDITIVE =
  'accuracy OUTSIDE: NWOT is not additive. A single swap scored whole equals its cell, but a model with many swaps scores below the sum: ' +
  'every model keeps the reference\'s data-dependent BatchNorm statistics, and each swapped activation shifts the pre-activation means of the layers after it, ' +
  'so swaps compound (all-ReLU on yolov5nu at 320: sum +1.29, whole −3.11). The residual is that interaction, not table noise: rank by the measured NWOT.';

export function candidateLabel(c: VerifiedCandidate): string {
  return c.kind === 'proposal' ? `#${c.rank ?? '?'} (${c.changedSites} changed)` : c.name;
}

const CSV_HEAD = [
  'model', 'kind', 'rank', 'metric', 'unit', 'predicted_delta', 'predicted_uncertainty', 'predicted_total', 'measured_delta', 'measured_ci_low', 'measured_ci_high', 'measured_total', 'runs',
  'residual', 'combined_uncertainty', 'inside', 'budget', 'budget_excess', 'broken_as_measured',
];

const csvCell = (v: unknown): string => {
  const s = v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One row per candidate and metric. */
export function verifyReportCsv(report: VerifyReport): string {
  const rows = report.candidates.flatMap((c) =>
    c.metrics.map((m) => [
      c.name, c.kind, c.rank, m.metric, m.unit, m.predicted?.delta, m.predicted?.uncertainty,
      m.predicted?.reference === undefined ? undefined : m.predicted.reference + m.predicted.delta,
      m.measured.delta, m.measured.low, m.measured.high, m.measured.total, m.measured.runs,
      m.residual, m.combinedUncertainty, m.inside, m.budget?.description, m.budget?.excess, m.budget?.brokenAsMeasured,
    ]),
  );
  return [CSV_HEAD, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
