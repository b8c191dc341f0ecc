'use client';

import { useRouter } from 'next/navigation';
import type { MouseEvent } from 'react';
import { CartesianGrid, ErrorBar, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Symbols, Tooltip, XAxis, YAxis } from 'recharts';
import { TableWrap } from '@/components/form/table-wrap';
import { formatDelta, formatSignedNumber, formatTick, formatValue } from '@/lib/format/units';
import type { BudgetLine, ParetoPoint } from './pareto-points';
import { niceAxis, paretoFront } from './pareto-points';
import styles from './pareto-chart.module.css';

export type { ParetoPoint } from './pareto-points';

/** A tick at its axis step's precision, with a real minus sign. */
const tick = (value: number, decimals: number): string => (value < 0 ? `\u2212${Math.abs(value).toFixed(decimals)}` : value.toFixed(decimals));

const deviceColours = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
const kinds = {
  proposal: { shape: 'circle', name: 'proposals', size: 64 },
  reference: { shape: 'star', name: 'reference', size: 140 },
  baseline: { shape: 'square', name: 'uniform baselines', size: 64 },
  strategy: { shape: 'triangle', name: 'LZCM / naive', size: 90 },
  measured: { shape: 'diamond', name: 'measured (95% CI)', size: 70 },
} as const;
type Kind = keyof typeof kinds;

interface Datum {
  readonly x: number;
  readonly y: number;
  readonly point: ParetoPoint;
  /** A measured point's CI as offsets below and above x, for the error bar. */
  readonly ex?: [number, number];
}

const datumOf = (p: ParetoPoint): Datum => ({ x: p.latencyMs, y: p.accuracyDelta, point: p, ...(p.latencyCi ? { ex: [p.latencyMs - p.latencyCi[0], p.latencyCi[1] - p.latencyMs] } : {}) });

interface ShapeProps {
  readonly cx?: number;
  readonly cy?: number;
  readonly payload?: unknown;
}


/**
 * Latency against accuracy change, one colour per device: proposals (circles, joined along each
 * device's Pareto front), the reference (star), the uniform baselines (squares, labelled), the
 * paper's strategies (triangles), proposals measured on a device (diamonds, their latency CI as
 * an error bar) and the budgets (dashed lines). A point with a page opens it on
 * click or Enter. The same points are listed in a table for screen readers.
 */
export function ParetoChart({ points, budgets = [], title, latencyUnit = 'ms', accuracyUnit = 'mAP' }: { readonly points: readonly ParetoPoint[]; readonly budgets?: readonly BudgetLine[]; readonly title: string; readonly latencyUnit?: string; readonly accuracyUnit?: string }) {
  const router = useRouter();
  const devices = [...new Set(points.map((p) => p.device))];
  const colourOf = (device: string): string => deviceColours[Math.max(0, devices.indexOf(device)) % deviceColours.length]!;
  const series = devices.flatMap((device) =>
    (Object.keys(kinds) as Kind[]).map((kind) => ({
      key: `${device}-${kind}`,
      kind,
      colour: colourOf(device),
      // Later points draw on top: where proposals coincide, the best ranked is the one clicked.
      data: points
        .filter((p) => p.device === device && p.kind === kind)
        .map(datumOf)
        .reverse(),
    })),
  ).filter((s) => s.data.length > 0);
  const fronts = devices.map((device) => ({ device, data: paretoFront(points.filter((p) => p.device === device && p.kind === 'proposal')).map((p): Datum => ({ x: p.latencyMs, y: p.accuracyDelta, point: p })) })).filter((f) => f.data.length > 1);
  const xAxis = niceAxis([...points.flatMap((p) => [p.latencyMs, ...(p.latencyCi ?? [])]), ...budgets.filter((b) => b.axis === 'x').map((b) => b.value)]);
  const yAxis = niceAxis([...points.map((p) => p.accuracyDelta), ...budgets.filter((b) => b.axis === 'y').map((b) => b.value)]);
  // Labels of points in the right third go to their left, so they stay inside the plot.
  const labelLeft = (x: number): boolean => x > xAxis.domain[0] + ((xAxis.domain[1] - xAxis.domain[0]) * 2) / 3;

  const open = (event: MouseEvent, href: string): void => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    router.push(href);
  };
  const shapeFor = (kind: Kind, colour: string) =>
    function PointShape({ cx = 0, cy = 0, payload }: ShapeProps) {
      const symbol = <Symbols cx={cx} cy={cy} type={kinds[kind].shape} size={kinds[kind].size} fill={kind === 'measured' ? '#ffffff' : colour} stroke={kind === 'measured' ? colour : '#111827'} strokeWidth={kind === 'proposal' ? 0.5 : kind === 'measured' ? 2 : 1} />;
      const point = (payload as Datum | undefined)?.point;
      if (!point?.href) return symbol;
      const name = `${point.label} on ${point.device}: ${formatValue(point.latencyMs, latencyUnit)}, accuracy ${formatDelta(point.accuracyDelta, accuracyUnit)}`;
      return (
        <a href={point.href} onClick={(e) => open(e, point.href!)} aria-label={`Open ${name}`} className={styles.pointLink} data-point={point.label}>
          <title>{name}</title>
          {symbol}
        </a>
      );
    };
  const withCi = points.some((p) => p.latencyCi);
  const labelled = (kind: Kind): boolean => kind === 'reference' || kind === 'baseline' || kind === 'strategy';

  return (
    <figure className={styles.figure} data-testid="pareto-chart">
      <figcaption className="label">{title}</figcaption>
      <div className={styles.plot}>
        <ResponsiveContainer>
          <ScatterChart margin={{ top: 16, right: 32, bottom: 36, left: 24 }} accessibilityLayer title={title} desc={`Scatter of total latency (${latencyUnit}) against accuracy change (${accuracyUnit}); the data table below lists every point.`}>
            <CartesianGrid stroke="#e3e6eb" />
            <XAxis type="number" dataKey="x" name="Latency" domain={xAxis.domain} ticks={xAxis.ticks} tickFormatter={(v: number) => tick(v, xAxis.decimals)} label={{ value: `Latency (${latencyUnit}, lower is better)`, position: 'bottom', offset: 14 }} />
            <YAxis type="number" dataKey="y" name="Accuracy Δ" domain={yAxis.domain} ticks={yAxis.ticks} width={92} tickFormatter={(v: number) => tick(v, yAxis.decimals)} label={{ value: `Accuracy Δ (${accuracyUnit}, higher is better)`, angle: -90, position: 'insideLeft', offset: 0, style: { textAnchor: 'middle' } }} />
            <Tooltip cursor={{ strokeDasharray: '3 3' }} content={<PointTooltip latencyUnit={latencyUnit} accuracyUnit={accuracyUnit} />} />
            {budgets.map((b) =>
              b.axis === 'x' ? (
                <ReferenceLine key={`${b.axis}-${b.device}-${b.value}`} x={b.value} stroke={colourOf(b.device)} strokeDasharray="6 4" label={{ value: `budget: ${b.label}`, position: 'insideTopLeft', fill: '#374151', fontSize: 12 }} />
              ) : (
                <ReferenceLine key={`${b.axis}-${b.device}-${b.value}`} y={b.value} stroke={colourOf(b.device)} strokeDasharray="6 4" label={{ value: `budget: ${b.label}`, position: 'insideBottomRight', fill: '#374151', fontSize: 12 }} />
              ),
            )}
            {fronts.map((f) => (
              <Scatter key={`front-${f.device}`} name={`${f.device} Pareto front`} data={f.data} fill={colourOf(f.device)} line={{ stroke: colourOf(f.device), strokeWidth: 1.5 }} shape={() => <g />} legendType="none" tooltipType="none" isAnimationActive={false} />
            ))}
            {series.map((s) => (
              <Scatter
                key={s.key}
                name={`${s.key}`}
                data={s.data}
                fill={s.colour}
                shape={shapeFor(s.kind, s.colour)}
                // The hovered point is drawn again on top: it must stay a link too.
                activeShape={shapeFor(s.kind, s.colour)}
                isAnimationActive={false}
                {...(labelled(s.kind) ? { label: (props: LabelProps) => <PointLabel {...props} datum={s.data[props.index ?? -1]} left={labelLeft} /> } : {})}
              >
                {s.kind === 'measured' ? <ErrorBar dataKey="ex" direction="x" width={6} stroke={s.colour} strokeWidth={1.5} isAnimationActive={false} /> : null}
              </Scatter>
            ))}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <ul className={styles.legend} aria-label="Legend" data-testid="pareto-legend">
        {devices.map((device) => (
          <li key={device}>
            <span className={styles.swatch} style={{ background: colourOf(device) }} aria-hidden="true" />
            {device}
          </li>
        ))}
        {(Object.keys(kinds) as Kind[])
          .filter((kind) => points.some((p) => p.kind === kind))
          .map((kind) => (
            <li key={kind}>
              <svg width="14" height="14" viewBox="-7 -7 14 14" aria-hidden="true">
                <Symbols cx={0} cy={0} type={kinds[kind].shape} size={kinds[kind].size / 2} fill="#6b7280" />
              </svg>
              {kinds[kind].name}
            </li>
          ))}
        {fronts.length > 0 ? (
          <li>
            <span className={styles.line} aria-hidden="true" /> Pareto front
          </li>
        ) : null}
        {budgets.length > 0 ? (
          <li>
            <span className={styles.dashed} aria-hidden="true" /> budget
          </li>
        ) : null}
      </ul>
      <details>
        <summary>Chart data as a table</summary>
        <TableWrap label={`${title} data`}>
          <table>
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr>
                <th scope="col">Point</th>
                <th scope="col">Device</th>
                <th scope="col">Kind</th>
                <th scope="col" className="num">
                  Latency ({latencyUnit})
                </th>
                <th scope="col" className="num">
                  Accuracy Δ ({accuracyUnit})
                </th>
                {withCi ? (
                  <th scope="col" className="num">
                    Latency 95% CI ({latencyUnit})
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={`${p.device}-${p.kind}-${p.label}`}>
                  <td>{p.href ? <a href={p.href} onClick={(e) => open(e, p.href!)}>{p.label}</a> : p.label}</td>
                  <td>{p.device}</td>
                  <td>{kinds[p.kind].name}</td>
                  <td className="num">{formatTick(p.latencyMs, latencyUnit)}</td>
                  <td className="num">{formatSignedNumber(p.accuracyDelta, accuracyUnit)}</td>
                  {withCi ? <td className="num">{p.latencyCi ? `${formatTick(p.latencyCi[0], latencyUnit)} – ${formatTick(p.latencyCi[1], latencyUnit)}` : ''}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </details>
    </figure>
  );
}

interface LabelProps {
  readonly x?: number | string;
  readonly y?: number | string;
  readonly index?: number;
}

/** A baseline's or strategy's name beside it: to the right, or to the left near the right edge. */
function PointLabel({ x, y, datum, left }: LabelProps & { readonly datum: Datum | undefined; readonly left: (x: number) => boolean }) {
  if (!datum || typeof x !== 'number' || typeof y !== 'number') return null;
  const toLeft = left(datum.x);
  // The reference sits where the least-changing strategies land: its label goes below, theirs above.
  const below = datum.point.kind === 'reference';
  return (
    <text x={x + (toLeft ? -9 : 9)} y={y} dy={below ? 16 : -6} textAnchor={toLeft ? 'end' : 'start'} fontSize={11} fill="#374151">
      {datum.point.label}
    </text>
  );
}

function PointTooltip({ active, payload, latencyUnit, accuracyUnit }: { readonly active?: boolean; readonly payload?: readonly { readonly payload?: Datum }[]; readonly latencyUnit: string; readonly accuracyUnit: string }) {
  const point = active ? payload?.[0]?.payload?.point : undefined;
  if (!point) return null;
  return (
    <div className={styles.tooltip}>
      <strong>{point.label}</strong> · {point.device}
      <br />
      {formatValue(point.latencyMs, latencyUnit)}, accuracy {formatDelta(point.accuracyDelta, accuracyUnit)}
      {point.latencyCi ? (
        <>
          <br />
          95% CI {formatTick(point.latencyCi[0], latencyUnit)} – {formatValue(point.latencyCi[1], latencyUnit)}
        </>
      ) : null}
      {point.href ? (
        <>
          <br />
          <span className="muted">click to open</span>
        </>
      ) : null}
    </div>
  );
}
