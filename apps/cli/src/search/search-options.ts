import type { Budget, MetricKind, Objective, SearchSpace, StrategyName, WeightedTerm } from '@actnas/core/search';
import { STRATEGIES, SearchSpaceError, lockSite, maxAccuracyDrop, maxLatency, maxMemory, metricRef, restrictSite } from '@actnas/core/search';
import { CliUsageError } from '../shared/cli-error.js';

const METRIC_NAMES: Readonly<Record<string, MetricKind>> = { latency: 'latency', memory: 'memory', accuracy: 'accuracy', mem: 'memory', acc: 'accuracy', lat: 'latency' };

/** `min-latency`, `max-accuracy`, `min-memory`, optionally `@device`; or `weighted:latency=1,accuracy=-1000`. */
export function parseObjective(text: string): Objective {
  const weightedMatch = /^weighted:(.+)$/.exec(text);
  if (weightedMatch) return { sense: 'weighted', terms: weightedMatch[1]!.split(',').map(parseTerm) };
  const m = /^(min|max)-([a-z]+)(?:@(.+))?$/.exec(text);
  const metric = m ? METRIC_NAMES[m[2]!] : undefined;
  if (!m || !metric) throw new CliUsageError(`bad --objective "${text}" (use min-latency, min-memory, max-accuracy, min-latency@DEVICE or weighted:latency=1,accuracy=-1000)`);
  return { sense: m[1] as 'min' | 'max', metric: metricRef(metric, m[3]) };
}

function parseTerm(term: string): WeightedTerm {
  const m = /^([a-z]+)(?:@([^=]+))?=(.+)$/.exec(term.trim());
  const metric = m ? METRIC_NAMES[m[1]!] : undefined;
  const weight = m ? Number(m[3]) : Number.NaN;
  if (!m || !metric || !Number.isFinite(weight)) throw new CliUsageError(`bad weighted term "${term}" (use metric[@device]=weight)`);
  return { metric: metricRef(metric, m[2]), weight };
}

export function parseNumber(flag: string, text: string | undefined, check: (n: number) => boolean = Number.isFinite): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new CliUsageError(`bad ${flag} "${text}"`);
  return n;
}

export function parseInteger(flag: string, text: string | undefined, min: number): number | undefined {
  return parseNumber(flag, text, (n) => Number.isInteger(n) && n >= min);
}

export function parsePair(flag: string, text: string): [string, string] {
  const i = text.indexOf('=');
  if (i <= 0 || i === text.length - 1) throw new CliUsageError(`bad ${flag} "${text}" (expected NAME=VALUE)`);
  return [text.slice(0, i).trim(), text.slice(i + 1).trim()];
}

export function parseStrategy(text: string): StrategyName {
  if (!(STRATEGIES as readonly string[]).includes(text)) throw new CliUsageError(`bad --strategy "${text}" (use ${STRATEGIES.join(', ')})`);
  return text as StrategyName;
}

export interface BudgetFlags {
  readonly maxAccuracyDrop?: string;
  readonly maxLatency?: string;
  readonly maxLatencyDevice: readonly string[];
  readonly maxMemory?: string;
}

export function parseBudgets(flags: BudgetFlags): Budget[] {
  const budgets: Budget[] = [];
  const drop = parseNumber('--max-accuracy-drop', flags.maxAccuracyDrop, (n) => Number.isFinite(n) && n >= 0);
  if (drop !== undefined) budgets.push(maxAccuracyDrop(drop));
  const latency = parseNumber('--max-latency', flags.maxLatency, (n) => Number.isFinite(n) && n > 0);
  if (latency !== undefined) budgets.push(maxLatency(latency));
  for (const pair of flags.maxLatencyDevice) {
    const [device, value] = parsePair('--max-latency-device', pair);
    budgets.push(maxLatency(parseNumber('--max-latency-device', value, (n) => Number.isFinite(n) && n > 0)!, device));
  }
  const memory = parseNumber('--max-memory', flags.maxMemory, (n) => Number.isFinite(n) && n > 0);
  if (memory !== undefined) budgets.push(maxMemory(memory));
  return budgets;
}

/** Applies `--allow site=a,b` and `--lock site=act` to the space. */
export function applySiteFlags(space: SearchSpace, allow: readonly string[], locks: readonly string[]): SearchSpace {
  try {
    let out = space;
    for (const pair of allow) {
      const [site, list] = parsePair('--allow', pair);
      out = restrictSite(out, site, list.split(',').map((s) => s.trim()));
    }
    for (const pair of locks) {
      const [site, act] = parsePair('--lock', pair);
      if (!out.sites.find((s) => s.name === site)?.allowed.includes(act)) throw new CliUsageError(`--lock ${pair}: "${act}" is not a candidate at "${site}"`);
      out = lockSite(out, site, act);
    }
    return out;
  } catch (err) {
    if (err instanceof SearchSpaceError) throw new CliUsageError(err.message);
    throw err;
  }
}
