import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import type { CostTable, LiveSetRows } from '@actnas/core/search';
import type { CostTableProvenanceInput, Metric, PlatformCostTableQuery, PlatformCostTableSummaryFragment, ProvenanceSource } from '../graphql/generated.js';
import { PlatformCostTableDocument, PlatformPublishCostTableDocument } from '../graphql/generated.js';
import { CliUsageError, EXIT_OK } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';
import type { CommandModule } from '../shared/command-module.js';
import { choiceFlag, intFlag } from '../shared/flags.js';
import { findTable, resolveDevice, resolveModel } from './names.js';
import type { Platform, PlatformFlags } from './platform-session.js';
import { platformOptions } from './platform-options.js';
import { connect } from './platform-session.js';

/** The API's limit on an upload's text (publishCostTable content). */
const MAX_TABLE_CHARS = 4 * 1_048_576;
const METRICS = ['latency', 'memory', 'accuracy'] as const;
const SOURCES = ['measured', 'imported', 'estimated', 'synthetic'] as const;

interface PublishFlags extends PlatformFlags {
  readonly device: string;
  readonly model: string;
  readonly metric: string;
  readonly source?: string;
  readonly producer?: string;
  readonly note?: string;
  readonly private?: boolean;
  readonly liveSet?: string;
}

interface PullFlags extends PlatformFlags {
  readonly output: string;
  readonly version?: string;
}

async function readUpload(path: string, shown: string): Promise<string> {
  const size = await stat(path).then(
    (s) => s.size,
    () => {
      throw new CliUsageError(`${shown}: no such file`);
    },
  );
  if (size > MAX_TABLE_CHARS) throw new CliUsageError(`${shown}: ${size} bytes is over the API's limit of ${MAX_TABLE_CHARS} for a cost table`);
  return readFile(path, 'utf8');
}

/**
 * Parses the file as the API will, so a malformed table is refused here with the same message and
 * no request is made. A JSON table keeps its own provenance; a CSV gets the flags'.
 */
async function checkTable(text: string, format: 'CSV' | 'JSON', metric: (typeof METRICS)[number], shown: string): Promise<CostTable> {
  const { CostTableValidationError, parseCostTableCsv, parseCostTableJson } = await import('@actnas/core/search');
  try {
    const options = { metric, source: shown };
    return format === 'JSON' ? parseCostTableJson(text, options) : parseCostTableCsv(text, options);
  } catch (err) {
    if (err instanceof CostTableValidationError) throw new CliUsageError(err.message);
    throw err;
  }
}

/** Live-set rows (`actnas profile --metric memory --live-set`) for the table's sites, checked as the API will. */
async function readLiveSet(path: string, shown: string, table: CostTable): Promise<LiveSetRows> {
  const { CostTableValidationError, parseLiveSetRows } = await import('@actnas/core/search');
  const text = await readUpload(path, shown);
  try {
    return parseLiveSetRows(JSON.parse(text) as unknown, { source: shown, sites: table.sites });
  } catch (err) {
    if (err instanceof SyntaxError) throw new CliUsageError(`${shown}: invalid JSON: ${err.message}`);
    if (err instanceof CostTableValidationError) throw new CliUsageError(err.message);
    throw err;
  }
}

function provenanceOf(f: PublishFlags): CostTableProvenanceInput {
  const source = choiceFlag(f.source ?? 'imported', '--source', SOURCES).toUpperCase() as ProvenanceSource;
  return { source, ...(f.producer ? { producer: f.producer } : {}), ...(f.note ? { note: f.note } : {}) };
}

function summary(t: PlatformCostTableSummaryFragment): string {
  return `${t.metric.toLowerCase()} table v${t.version} (${t.id}) of ${t.modelSpecName} on ${t.deviceProfile.name}`;
}

function publishAction(io: CliIo, setExitCode: (code: number) => void) {
  return async (file: string, f: PublishFlags): Promise<void> => {
    // Every flag and the file are checked before the first request.
    const metric = choiceFlag(f.metric, '--metric', METRICS);
    const format = extname(file).toLowerCase() === '.json' ? 'JSON' : 'CSV';
    const provenance = format === 'CSV' ? provenanceOf(f) : undefined;
    if (format === 'JSON' && (f.source ?? f.producer ?? f.note) !== undefined) throw new CliUsageError('--source, --producer and --note apply to CSV files; a JSON table carries its own provenance');
    if (f.liveSet !== undefined && metric !== 'memory') throw new CliUsageError('--live-set goes with --metric memory: the rows are the memory table\'s per-step live sets');
    const cwd = io.cwd ?? process.cwd();
    const content = await readUpload(resolve(cwd, file), file);
    const parsed = await checkTable(content, format, metric, file);
    const cells = parsed.cells.length;
    const liveSet = f.liveSet === undefined ? undefined : await readLiveSet(resolve(cwd, f.liveSet), f.liveSet, parsed);
    const p = await connect(f, io.env);
    const device = await resolveDevice(p, f.device, { owned: true });
    const model = await resolveModel(p, f.model);
    const { publishCostTable: table } = await p.request(PlatformPublishCostTableDocument, {
      input: {
        organizationId: p.organization.id,
        deviceProfileId: device.id,
        modelSpecId: model.id,
        metric: metric.toUpperCase() as Metric,
        format,
        content,
        ...(provenance ? { provenance } : {}),
        ...(f.private ? { visibility: 'PRIVATE' as const } : {}),
        ...(liveSet ? { liveSet } : {}),
      },
    });
    const rows = table.liveSetSteps === null || table.liveSetSteps === undefined ? '' : `, live-set rows of ${table.liveSetSteps} steps`;
    io.stdout.write(f.json ? `${JSON.stringify({ ...table, cells })}\n` : `published ${summary(table)}: ${cells} cells${rows}\n`);
    setExitCode(EXIT_OK);
  };
}

/** `<id>` or `<device>/<model>/<metric>` (the newest version, or --version N). */
async function tableId(p: Platform, ref: string, version: number | undefined): Promise<string> {
  const parts = ref.split('/');
  if (parts.length < 3) {
    if (version !== undefined) throw new CliUsageError('--version needs a device/model/metric reference (an id names one version already)');
    return ref;
  }
  const metric = choiceFlag(parts.at(-1)!.toLowerCase(), 'the metric of a table reference', METRICS);
  const model = parts.at(-2)!;
  const device = await resolveDevice(p, parts.slice(0, -2).join('/'), { owned: false });
  const table = await findTable(p, device, model, metric.toUpperCase() as Metric, version);
  if (!table) throw new CliUsageError(`no ${metric} table${version === undefined ? '' : ` v${version}`} of ${model} on ${device.name} is published`, 'NOT_FOUND');
  return table.id;
}

type PulledTable = PlatformCostTableQuery['organization']['costTable'];

/** The table as actnas.cost-table/v1 JSON, as `actnas profile -o x.json` writes it. */
async function tableJson(t: PulledTable): Promise<string> {
  const { costTableToJson } = await import('@actnas/core/search');
  const p = t.provenance;
  /** GraphQL's nulls as absent fields, as core's types have them. */
  const nonNull = <T extends object>(o: T): { [K in keyof T]: Exclude<T[K], null> } => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]: Exclude<T[K], null> };
  return JSON.stringify(
    costTableToJson({
      metric: t.metric.toLowerCase() as (typeof METRICS)[number],
      unit: t.unit,
      device: t.deviceProfile.name,
      reference: t.reference,
      sites: t.sites,
      cells: t.cells.map((c) => nonNull(c)),
      provenance: nonNull({ source: p.source.toLowerCase() as (typeof SOURCES)[number], producer: p.producer, runs: p.runs, confidence: p.confidence, note: p.note }),
    }),
    null,
    1,
  );
}

function pullAction(io: CliIo, setExitCode: (code: number) => void) {
  return async (ref: string, f: PullFlags): Promise<void> => {
    const version = f.version === undefined ? undefined : intFlag(f.version, '--version', 1, [1, 1_000_000]);
    const out = resolve(io.cwd ?? process.cwd(), f.output);
    const p = await connect(f, io.env);
    const id = await tableId(p, ref, version);
    const table = (await p.request(PlatformCostTableDocument, { slug: p.organization.slug, id })).organization.costTable;
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, extname(out).toLowerCase() === '.json' ? await tableJson(table) : table.csv);
    const { csv: _csv, cells, ...rest } = table;
    io.stdout.write(f.json ? `${JSON.stringify({ ...rest, cells: cells.length, output: f.output })}\n` : `pulled ${summary(table)} → ${f.output}\n`);
    setExitCode(EXIT_OK);
  };
}

/** `actnas tables publish|pull`: cost tables of the platform by name. */
export const tablesCommand: CommandModule = (program, io, setExitCode) => {
  const tables = program.command('tables').description('publish cost tables to the platform and pull them back, by device and model name');
  platformOptions(
    tables
      .command('publish')
      .description('publish a table (the paper\'s CSV or actnas.cost-table/v1 JSON) as the next version of (device, model, metric); prints the version')
      .argument('<file>', '.csv or .json table, e.g. from actnas profile'),
  )
    .requiredOption('--device <name|id>', 'device profile of your organization')
    .requiredOption('--model <name|id>', 'model spec of your organization')
    .requiredOption('--metric <metric>', 'latency, memory or accuracy')
    .option('--source <source>', `CSV provenance: ${SOURCES.join(', ')} (default imported)`)
    .option('--producer <text>', 'CSV provenance: runtime or tool that measured it')
    .option('--note <text>', 'CSV provenance: free text')
    .option('--private', 'readable by your organization only, even where the device profile is shared or public')
    .option('--live-set <file>', 'memory tables: the per-step live-set rows (actnas profile --live-set), for peak-memory budgets')
    .action(publishAction(io, setExitCode));
  platformOptions(
    tables
      .command('pull')
      .description('download a table: by id, or the newest version of <device>/<model>/<metric>')
      .argument('<table>', 'table id, or device/model/metric (e.g. pi5/yolov5nu/latency)'),
  )
    .requiredOption('-o, --output <file>', '.csv (the paper\'s format) or .json (actnas.cost-table/v1)')
    .option('--version <n>', 'with device/model/metric: this version instead of the newest')
    .action(pullAction(io, setExitCode));
};
