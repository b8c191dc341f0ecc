import type { ParetoPoint } from './pareto-chart';

export interface TotalLike {
  readonly metric: string;
  readonly deviceProfileId?: string | null;
  /** The core's JSON names the device `device`. */
  readonly device?: string | null;
  readonly delta: number;
  readonly total: number;
}

const deviceOf = (t: TotalLike): string | null => t.deviceProfileId ?? t.device ?? null;

/**
 * One point per device: its total latency against the accuracy delta (the device's own accuracy
 * table, else the only one; 0 when the search had no accuracy table).
 */
export function pointsFor(label: string, kind: ParetoPoint['kind'], totals: readonly TotalLike[], deviceName: (id: string | null) => string): ParetoPoint[] {
  const accuracy = totals.filter((t) => t.metric.toUpperCase() === 'ACCURACY');
  return totals
    .filter((t) => t.metric.toUpperCase() === 'LATENCY')
    .map((latency) => {
      const device = deviceOf(latency);
      const acc = accuracy.find((a) => deviceOf(a) === device) ?? (accuracy.length === 1 ? accuracy[0] : undefined);
      return { label, kind, device: deviceName(device), latencyMs: latency.total, accuracyDelta: acc?.delta ?? 0 };
    });
}

interface BaselineJson {
  readonly name: string;
  readonly available: boolean;
  readonly totals?: readonly TotalLike[];
}

const baselineNames: Readonly<Record<string, string>> = { 'all-reference': 'all-SiLU (reference)', 'all-relu': 'all-ReLU', 'all-hardswish': 'all-Hardswish' };

/** The uniform baselines the core stores with every result. */
export function baselinePoints(result: unknown, deviceName: (id: string | null) => string): ParetoPoint[] {
  const baselines = (result as { baselines?: readonly BaselineJson[] } | null)?.baselines ?? [];
  return baselines.filter((b) => b.available && b.totals).flatMap((b) => pointsFor(baselineNames[b.name] ?? b.name, 'baseline', b.totals!, deviceName));
}
