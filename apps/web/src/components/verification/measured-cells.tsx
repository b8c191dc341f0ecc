import { formatDelta, formatValue, metricWord } from '@/lib/format/units';
import type { BudgetVerdict, MeasurementLike } from '@/lib/verification/measured';
import { ciHalfWidth, combinedUncertainty } from '@/lib/verification/measured';

/** `−12.30 ms ± 0.40 ms`, and the runs behind it. */
export function MeasuredValue({ m, unit }: { readonly m: MeasurementLike; readonly unit: string }) {
  const half = ciHalfWidth(m);
  return (
    <>
      <span data-testid="measured-value">
        {formatDelta(m.measured, unit)}
        {half === null ? '' : ` ± ${formatValue(half, unit)}`}
      </span>
      <br />
      <small className="muted">
        {m.runs} run{m.runs === 1 ? '' : 's'}
      </small>
    </>
  );
}

/** Predicted `−10.00 ms ± 1.20 ms` (the combined 95 % uncertainty), for a flag's explanation. */
export function predictedText(m: MeasurementLike, unit: string): string {
  const u = combinedUncertainty(m);
  return m.predicted === null ? 'no prediction' : `predicted ${formatDelta(m.predicted, unit)}${u === null ? '' : ` ± ${formatValue(u, unit)}`}`;
}

/**
 * What verification found for one proposal: each metric measured outside its prediction, each
 * budget broken as measured, else that it held.
 */
export function VerificationFlags({ outside, verdicts, describe, unitOf, deviceName }: { readonly outside: readonly MeasurementLike[]; readonly verdicts: readonly BudgetVerdict[]; readonly describe: (v: BudgetVerdict) => string; readonly unitOf: (m: MeasurementLike) => string; readonly deviceName: (id: string) => string }) {
  const broken = verdicts.filter((v) => v.basis === 'measured' && v.broken);
  if (outside.length === 0 && broken.length === 0) return <span className="badge held">as predicted</span>;
  return (
    <>
      {outside.map((m) => (
        <span key={`${m.metric}/${m.deviceProfileId}`} className="badge flag" data-flag="outside" title={`measured ${formatDelta(m.measured, unitOf(m))}, ${predictedText(m, unitOf(m))}`}>
          {metricWord(m.metric)} on {deviceName(m.deviceProfileId)} outside prediction
        </span>
      ))}
      {broken.map((v, i) => (
        <span key={i} className="badge flag" data-flag="budget">
          breaks {describe(v)} as measured
        </span>
      ))}
    </>
  );
}
