import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { CostTable, CostTableReadOptions, MetricKind, SearchSpace } from '@actnas/core/search';
import { CostTableValidationError, createSearchSpace, parseCostTableCsv, parseCostTableJson, tableActivations } from '@actnas/core/search';
import { CliUsageError, unreadableFile } from '../shared/cli-error.js';

export interface TableSource {
  readonly metric: MetricKind;
  readonly file: string;
  readonly device?: string;
}

/** Reads one table file (.json or CSV); every problem becomes a one-line usage error. */
export function readTableFile(source: TableSource, cwd: string, space?: SearchSpace, reference?: string): CostTable {
  const path = resolve(cwd, source.file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw unreadableFile(`${source.metric} table`, source.file, err);
  }
  const options: CostTableReadOptions = {
    metric: source.metric,
    source: `${source.metric} table ${source.file}`,
    ...(source.device === undefined ? {} : { device: source.device }),
    ...(space === undefined ? {} : { space }),
    ...(reference === undefined ? {} : { referenceActivation: reference }),
  };
  try {
    return extname(path).toLowerCase() === '.json' ? parseCostTableJson(text, options) : parseCostTableCsv(text, options);
  } catch (err) {
    if (err instanceof CostTableValidationError) throw new CliUsageError(err.message);
    throw err;
  }
}

/**
 * Reads the first table without a space, derives the space from it (its sites in order, its
 * activations as candidates), then reads every other table against that space.
 */
export function readTables(sources: readonly TableSource[], cwd: string, reference: string): { space: SearchSpace; tables: CostTable[] } {
  const [first, ...rest] = sources;
  if (!first) throw new CliUsageError('no cost table given (use --latency, --accuracy or --memory)');
  const firstTable = readTableFile(first, cwd, undefined, reference);
  const space = createSearchSpace({ sites: firstTable.sites, candidates: tableActivations(firstTable), reference });
  return { space, tables: [firstTable, ...rest.map((s) => readTableFile(s, cwd, space, reference))] };
}
