import type { Metric } from '../graphql/generated.js';
import { CliUsageError } from '../shared/cli-error.js';

const METRICS: Readonly<Record<string, Metric>> = { latency: 'LATENCY', memory: 'MEMORY', accuracy: 'ACCURACY' };

/** `--metrics latency,memory` (or `all`): each metric once, in the order given. */
export function metricsFlag(text: string, flag = '--metrics'): Metric[] {
  const names = text.trim().toLowerCase() === 'all' ? Object.keys(METRICS) : text.split(',').map((m) => m.trim().toLowerCase());
  const bad = names.find((m) => METRICS[m] === undefined);
  if (bad !== undefined) throw new CliUsageError(`${flag} must list latency, memory or accuracy (or all), got "${bad}"`);
  return [...new Set(names.map((m) => METRICS[m]!))];
}
