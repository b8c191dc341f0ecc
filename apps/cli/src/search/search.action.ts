import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { LiveSetRows, RunSearchOptions, SearchRequest, SearchResult } from '@actnas/core/search';
import { CostTableValidationError, SearchRequestError, parseLiveSetRows, runSearch } from '@actnas/core/search';
import type { CliIo } from '../shared/cli-io.js';
import { CliUsageError, EXIT_FAILURE, EXIT_OK, unreadableFile } from '../shared/cli-error.js';
import type { TableSource } from './search-tables.js';
import { readTables } from './search-tables.js';
import { applySiteFlags, parseBudgets, parseInteger, parseNumber, parseObjective, parsePair, parseStrategy } from './search-options.js';

// One search per process: compiling glpk's WebAssembly with V8's optimising tier costs more CPU
// than it saves in a run this short (10 proposals of yolov5nu: ~200 ms of CPU with the baseline
// compiler alone, ~400 ms with tier-up). Set before glpk is first compiled, in this process only.
setFlagsFromString('--liftoff-only');

export interface SearchFlags {
  readonly latency?: string;
  readonly latencyDevice: string[];
  readonly accuracy?: string;
  readonly memory?: string;
  readonly objective: string;
  readonly maxAccuracyDrop?: string;
  readonly maxLatency?: string;
  readonly maxLatencyDevice: string[];
  readonly maxMemory?: string;
  readonly liveSet?: string;
  readonly maxPeakMemory?: string;
  readonly k: string;
  readonly diversity: string;
  readonly strategy: string;
  readonly seed: string;
  readonly samples?: string;
  readonly timeLimit?: string;
  readonly naiveN?: string;
  readonly target?: string;
  readonly lock: string[];
  readonly allow: string[];
  readonly reference: string;
  readonly json?: boolean;
  readonly table?: boolean;
}

/** `actnas search` on local table files: solves here and prints the ranked proposals. */
export async function localSearch(flags: SearchFlags, io: CliIo, setExitCode: (code: number) => void): Promise<void> {
  const result = await search(flags, io.cwd ?? process.cwd());
  // The text tables load cli-table3 (~15 ms): only when they are printed.
  io.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : (await import('./search-output.js')).formatResultTable(result));
  setExitCode(result.status === 'infeasible' ? EXIT_FAILURE : EXIT_OK);
}

/** A search as the flags describe it, ready to run (and re-run with other budgets by `search --verify`). */
export interface PreparedSearch {
  readonly request: SearchRequest;
  readonly options: RunSearchOptions;
}

export function prepareSearch(flags: SearchFlags, cwd: string): PreparedSearch {
  if (flags.json && flags.table) throw new CliUsageError('choose one of --json and --table');
  const strategy = parseStrategy(flags.strategy);
  const options: RunSearchOptions = {
    strategy,
    k: parseInteger('--k', flags.k, 1)!,
    diversity: parseInteger('--diversity', flags.diversity, 1)!,
    seed: parseInteger('--seed', flags.seed, 0)!,
    ...optional('samples', parseInteger('--samples', flags.samples, 1)),
    ...optional('timeLimitMs', parseNumber('--time-limit', flags.timeLimit, (n) => n > 0)),
    ...optional('naiveN', parseInteger('--naive-n', flags.naiveN, 0)),
    ...(flags.target === undefined ? {} : { targets: [flags.target] }),
  };
  const objective = parseObjective(flags.objective);
  const budgets = parseBudgets(flags);
  const maxPeakKB = parseNumber('--max-peak-memory', flags.maxPeakMemory, (n) => Number.isFinite(n) && n > 0);
  if ((flags.liveSet === undefined) !== (maxPeakKB === undefined)) throw new CliUsageError('--live-set and --max-peak-memory go together: the rows (from actnas profile --metric memory --live-set) and the budget on their peak');
  const loaded = readTables(tableSources(flags), cwd, flags.reference);
  const space = applySiteFlags(loaded.space, flags.allow, flags.lock);
  const peakMemory = flags.liveSet === undefined ? [] : [{ rows: readLiveSet(flags.liveSet, cwd, loaded.space.sites.map((s) => s.name)), maxKB: maxPeakKB! }];
  return { request: { space, tables: loaded.tables, objective, budgets, peakMemory }, options };
}

export async function runPrepared(p: PreparedSearch): Promise<SearchResult> {
  try {
    return await runSearch(p.request, p.options);
  } catch (err) {
    if (err instanceof SearchRequestError || err instanceof RangeError) throw new CliUsageError(err.message);
    throw err;
  }
}

async function search(flags: SearchFlags, cwd: string): Promise<SearchResult> {
  return runPrepared(prepareSearch(flags, cwd));
}

/** Live-set rows written by `actnas profile --metric memory --live-set`; every site must be one of the tables'. */
function readLiveSet(file: string, cwd: string, sites: readonly string[]): LiveSetRows {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (err) {
    throw unreadableFile('live-set rows', file, err);
  }
  try {
    return parseLiveSetRows(JSON.parse(text) as unknown, { source: `live-set rows ${file}`, sites });
  } catch (err) {
    if (err instanceof SyntaxError) throw new CliUsageError(`live-set rows ${file}: invalid JSON: ${err.message}`);
    if (err instanceof CostTableValidationError) throw new CliUsageError(err.message);
    throw err;
  }
}

function tableSources(flags: SearchFlags): TableSource[] {
  const sources: TableSource[] = [];
  if (flags.latency !== undefined) sources.push({ metric: 'latency', file: flags.latency });
  for (const pair of flags.latencyDevice) {
    const [device, file] = parsePair('--latency-device', pair);
    sources.push({ metric: 'latency', file, device });
  }
  if (flags.accuracy !== undefined) sources.push({ metric: 'accuracy', file: flags.accuracy });
  if (flags.memory !== undefined) sources.push({ metric: 'memory', file: flags.memory });
  return sources;
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
