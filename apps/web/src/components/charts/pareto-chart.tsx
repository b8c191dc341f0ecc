'use client';

import { TableWrap } from '@/components/form/table-wrap';
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';

export interface ParetoPoint {
  readonly label: string;
  /** The device (series) the point belongs to. */
  readonly device: string;
  readonly latencyMs: number;
  readonly accuracyDelta: number;
  readonly kind: 'proposal' | 'baseline' | 'strategy';
}

const deviceColours = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
const shapes = { proposal: 'circle', baseline: 'square', strategy: 'triangle' } as const;

/**
 * Latency against accuracy delta, one colour per device; proposals are circles, the uniform
 * baselines (all-SiLU / all-ReLU / all-Hardswish) squares and the paper's strategies (LZCM,
 * naive) triangles. The same points are listed in a table next to it for screen readers.
 */
export function ParetoChart({ points, title }: { readonly points: readonly ParetoPoint[]; readonly title: string }) {
  const devices = [...new Set(points.map((p) => p.device))];
  const series = devices.flatMap((device, d) =>
    (['proposal', 'baseline', 'strategy'] as const).map((kind) => ({
      key: `${device}-${kind}`,
      name: `${device} ${kind === 'proposal' ? 'proposals' : kind === 'baseline' ? 'baselines' : 'LZCM / naive'}`,
      colour: deviceColours[d % deviceColours.length]!,
      shape: shapes[kind],
      data: points.filter((p) => p.device === device && p.kind === kind).map((p) => ({ x: p.latencyMs, y: p.accuracyDelta, label: p.label })),
    })),
  ).filter((s) => s.data.length > 0);
  return (
    <figure style={{ margin: 0 }} data-testid="pareto-chart">
      <figcaption className="label">{title}</figcaption>
      <div style={{ width: '100%', height: 340 }}>
        <ResponsiveContainer>
          <ScatterChart margin={{ top: 10, right: 20, bottom: 30, left: 24 }} accessibilityLayer title={title} desc="Scatter of total latency (ms) against accuracy change; focus it and use the arrow keys to read points, or open the data table below.">
            <CartesianGrid stroke="#d5d9e0" />
            <XAxis type="number" dataKey="x" name="Latency" unit=" ms" domain={['auto', 'auto']} label={{ value: 'Latency (ms)', position: 'insideBottom', offset: -15 }} />
            <YAxis type="number" dataKey="y" name="Accuracy Δ" domain={['auto', 'auto']} label={{ value: 'Accuracy Δ', angle: -90, position: 'insideLeft' }} />
            <ZAxis type="category" dataKey="label" name="Point" />
            <Tooltip cursor={{ strokeDasharray: '3 3' }} />
            <Legend verticalAlign="top" />
            {series.map((s) => (
              <Scatter key={s.key} name={s.name} data={s.data} fill={s.colour} shape={s.shape} isAnimationActive={false} />
            ))}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
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
                  Latency (ms)
                </th>
                <th scope="col" className="num">
                  Accuracy Δ
                </th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={`${p.device}-${p.label}`}>
                  <td>{p.label}</td>
                  <td>{p.device}</td>
                  <td>{p.kind}</td>
                  <td className="num">{p.latencyMs.toFixed(3)}</td>
                  <td className="num">{p.accuracyDelta.toFixed(5)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </details>
    </figure>
  );
}
