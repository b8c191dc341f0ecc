import type { ActivationKind, CostTable, ImportedModel } from '@actnas/core';
import { emitOnnx, importOnnx } from '@actnas/core';
import { calibrationBatch } from '../accuracy/calibration-images.js';
import type { CalibrationSource } from '../accuracy/calibration-images.js';
import { dataDependentInit } from '../accuracy/data-dependent-init.js';
import { nwotCells, nwotModel } from '../accuracy/nwot-estimator.js';
import type { NwotResult } from '../accuracy/nwot-kernel.js';
import type { CellProtocol } from '../latency/cell-protocol.js';
import { defaultStatistic, resolveTiming } from '../latency/cell-protocol.js';
import type { SiteBlockSpec } from '../latency/micro-block.js';
import { groupMicroBlocks } from '../latency/micro-block.js';
import { measureMean } from '../latency/paired-protocol.js';
import { mean, median, standardDeviation } from '../latency/statistics.js';
import type { FusionRules } from '../memory/fusion-rules.js';
import { memoryTable } from '../memory/memory-table.js';
import type { Runtime } from '../runtimes/runtime.js';
import type { ProfileCheckpoint } from './checkpoint.js';
import type { ProfileGraph } from './graph-adapters.js';
import { memoryGraphOf, siteBlocks } from './graph-adapters.js';
import { isOnnxProfileModel, onnxProvenance, onnxWithDynamicBatch } from './onnx-profile-model.js';
import type { Feeds } from '../runtimes/runtime.js';
import { fullLatencyCells, microLatencyCells, syntheticInput } from './latency-sweep.js';
import type { ProfileCell } from './profile-cell.js';
import { mallocTuning } from '../process/measuring-process.js';
import { hostCpu, provenanceNote } from './provenance.js';
import type { CalibrationAnchor, WholeModelCalibration } from './whole-model-calibration.js';
import { CALIBRATION_MIN_PAIRS, applyCalibration, calibrateTable } from './whole-model-calibration.js';

export type ProfileMetric = 'latency' | 'memory' | 'accuracy';
export type LatencyMode = 'full' | 'micro';

export interface NwotSettings {
  readonly batch: number;
  readonly seeds: readonly number[];
  readonly calibration: 'synthetic' | { readonly dir: string };
  /** Images in the calibration batch of the data-dependent init. */
  readonly initBatch: number;
}

export interface ProfileRequest {
  readonly modelName: string;
  /** A graph built from a spec (seeded weights), or a user's ONNX file (its own weights). */
  readonly graph: ProfileGraph;
  readonly runtime: Runtime;
  readonly metric: ProfileMetric;
  readonly mode: LatencyMode;
  readonly protocol: CellProtocol;
  readonly reference: ActivationKind;
  readonly candidates: readonly ActivationKind[];
  readonly seed: number;
  readonly fusion: FusionRules;
  readonly nwot: NwotSettings;
  /** Restrict to these sites (benchmarks sample sites); default every site. */
  readonly sites?: readonly string[];
}

export interface ProfileHooks {
  readonly checkpoint?: ProfileCheckpoint;
  /** Total cells and how many the checkpoint already had. */
  readonly onStart?: (total: number, resumed: number) => void;
  readonly onCell?: (cell: ProfileCell) => void;
  /** Stop after this many newly measured cells (a resumable interruption). */
  readonly stopAfter?: number;
  /** NWOT: the reference score and per-site contributions, once per seed. */
  readonly onNwotReference?: (seed: number, result: NwotResult) => void;
  /** Micro latency: the whole models about to be measured for the calibration (none when all were resumed). */
  readonly onCalibrationStart?: (anchors: readonly string[]) => void;
  readonly onCalibrationAnchor?: (anchor: CalibrationAnchor) => void;
  /** Micro latency: the fraction of the calibration's whole-model pairs done, after each turn. */
  readonly onCalibrationProgress?: (fraction: number) => void;
}

export interface ProfileOutcome {
  /** Undefined when stopped before every cell was measured. */
  readonly table?: CostTable;
  readonly cells: readonly ProfileCell[];
  readonly measured: number;
  /** Micro latency with a calibration: what moved the table's cells. */
  readonly calibration?: WholeModelCalibration;
}

/**
 * A micro table with a calibration: the part of its time budget up to which the cells' leftover
 * time runs; the calibration's anchors get the rest (down to `CALIBRATION_MIN_PAIRS`), so the
 * table as a whole ends within its budget unless the cells' capped pass alone outlasted it. At
 * 0.6 of 170 s the cells keep the 100 s they had while the calibration came on top.
 */
export const CELLS_SHARE_OF_TABLE = 0.6;

const REFERENCE_SITE = '__reference__';
/** Checkpoint rows of the calibration's whole models, by activation. */
const CALIBRATION_SITE = '__calibration__';

function protocolLabel(req: ProfileRequest): string {
  if (req.metric === 'memory') return `arena planner (best fit, 64-byte aligned), fusion=${req.fusion.id}`;
  if (req.metric === 'accuracy') return `nwot batch=${req.nwot.batch} seeds=${req.nwot.seeds.join('/')} data-dependent-init`;
  const p = req.protocol;
  if (p.kind === 'paper') return `paper (mean of ${p.options.runs} runs, unpaired)`;
  const s = p.options.stopping;
  const timing = resolveTiming(p, req.runtime.provenance);
  return `paired ${p.options.order}${timing === 'process-cpu' ? ' process-cpu-time' : ''} ${p.options.statistic ?? defaultStatistic(timing)} trimmed-mean bootstrap-95% target=${s.relative ?? '-'}rel/${s.absolute ?? '-'}ms pairs=${s.minPairs}..${s.maxPairs}${s.maxMs ? ` cap=${s.maxMs / 1000}s/cell` : ''}${req.mode === 'micro' ? budgetLabel(req) : ''}`;
}

function budgetLabel(req: ProfileRequest): string {
  const p = req.protocol;
  if (p.kind !== 'paired' || p.tableBudgetMs === undefined) return '';
  const leftover = 'time left after every cell had its cap goes to the cells still off target, nearest to target first';
  if (!endsWithCalibration(req)) return ` budget=${p.tableBudgetMs / 1000}s/table (${leftover})`;
  return ` budget=${p.tableBudgetMs / 1000}s/table (the cells to ${cellsBudgetMs(req)! / 1000}s: ${leftover}; the calibration to the end, at least ${Math.min(CALIBRATION_MIN_PAIRS, calibrationPairsOf(req)!)} pairs per anchor)`;
}

/** How far into a micro table's budget its cells may run: all of it, or their share when a calibration follows. */
function cellsBudgetMs(req: ProfileRequest): number | undefined {
  const p = req.protocol;
  if (p.kind !== 'paired' || p.tableBudgetMs === undefined) return undefined;
  return endsWithCalibration(req) ? Math.round(CELLS_SHARE_OF_TABLE * p.tableBudgetMs) : p.tableBudgetMs;
}

/** The protocol the cells are measured with: the table's, with what is left of the cells' part of its budget. */
function cellsProtocol(req: ProfileRequest, elapsedBefore: number): CellProtocol {
  const p = req.protocol;
  const budget = cellsBudgetMs(req);
  return p.kind === 'paired' && budget !== undefined ? { ...p, tableBudgetMs: Math.max(0, budget - elapsedBefore) } : p;
}

/** The clock a table's budget is kept on (the protocol's, which tests inject). */
function tableClock(req: ProfileRequest): () => number {
  return (req.protocol.kind === 'paired' ? req.protocol.options.clock : undefined) ?? (() => performance.now());
}

function unitOf(metric: ProfileMetric): string {
  return metric === 'latency' ? 'ms' : metric === 'memory' ? 'KB' : 'nwot';
}

function selectedSites(req: ProfileRequest): readonly string[] {
  const all = req.graph.sites.map((s) => s.name);
  return req.sites ? all.filter((s) => req.sites!.includes(s)) : all;
}

/** Cells the sweep must produce, in order, for progress and completion checks. */
function plannedCells(req: ProfileRequest): { site: string; activation: string }[] {
  const seeds = req.metric === 'accuracy' ? req.nwot.seeds : [undefined];
  return selectedSites(req).flatMap((site) => seeds.flatMap((seed) => req.candidates.map((k) => ({ site, activation: seedKey(k.id, seed) }))));
}

function seedKey(activation: string, seed: number | undefined): string {
  return seed === undefined ? activation : `${activation}#${seed}`;
}

async function* sweep(req: ProfileRequest, finished: (site: string, activation: string) => ProfileCell | undefined, hooks: ProfileHooks, elapsedBefore: number): AsyncGenerator<ProfileCell> {
  const wanted = new Set(selectedSites(req));
  const skip = (site: string, activation: string): boolean => finished(site, activation) !== undefined;
  const skipOther = (site: string, activation: string): boolean => !wanted.has(site) || skip(site, activation);
  if (req.metric === 'memory') {
    const table = memoryTable(memoryGraphOf(req.graph), req.fusion, req.reference, req.candidates);
    for (const c of table.cells) if (!skipOther(c.site, c.activation)) yield c;
    return;
  }
  if (req.metric === 'latency') {
    const o = { runtime: req.runtime, reference: req.reference, candidates: req.candidates, protocol: cellsProtocol(req, elapsedBefore), seed: req.seed, skip: skipOther, finished };
    if (req.mode === 'micro') yield* microLatencyCells(wantedBlocks(req), o);
    else yield* fullLatencyCells(latencyModel(req), inputFeeds(req, 1, req.seed), o);
    return;
  }
  for (const seed of req.nwot.seeds) {
    const perSeed = (site: string, activation: string): boolean => skipOther(site, seedKey(activation, seed));
    if (req.candidates.every((k) => selectedSites(req).every((s) => perSeed(s, k.id)))) continue;
    const source: CalibrationSource = req.nwot.calibration === 'synthetic' ? { kind: 'synthetic', seed } : { kind: 'folder', dir: req.nwot.calibration.dir };
    const imgsz = req.graph.imgsz;
    const model = isOnnxProfileModel(req.graph) ? onnxWithDynamicBatch(req.graph) : importOnnx(emitOnnx(req.graph, { seed, dynamicBatch: true }));
    const init = await dataDependentInit(model, { runtime: req.runtime, batch: calibrationBatch(source.kind === 'synthetic' ? { kind: 'synthetic', seed: seed + 7919 } : source, req.nwot.initBatch, imgsz) });
    const batch = calibrationBatch(source, req.nwot.batch, imgsz);
    const onReference = (r: NwotResult): void => hooks.onNwotReference?.(seed, r);
    for await (const cell of nwotCells(nwotModel(init.model), { runtime: req.runtime, batch, reference: req.reference, candidates: req.candidates, skip: perSeed, onReference })) {
      yield { ...cell, activation: seedKey(cell.activation, seed) };
    }
  }
}

/** The micro blocks of the selected sites. */
function wantedBlocks(req: ProfileRequest): readonly SiteBlockSpec[] {
  const wanted = new Set(selectedSites(req));
  return siteBlocks(req.graph).filter((b) => wanted.has(b.site));
}

/** How many distinct blocks a micro table measured, for its provenance note. */
function sharedBlocksNote(req: ProfileRequest): string | undefined {
  if (req.metric !== 'latency' || req.mode !== 'micro') return undefined;
  const blocks = wantedBlocks(req);
  const groups = groupMicroBlocks(blocks);
  const shared = groups.filter((g) => g.sites.length > 1);
  return `micro-blocks=${groups.length} distinct of ${blocks.length} sites (sites with the same input shape and conv kernel/stride/pad/groups share one measurement${shared.length ? `: ${shared.map((g) => g.sites.join('=')).join(', ')}` : ''})`;
}

/** The reference model's value: full-model latency (median), arena KB, or mean NWOT score. */
async function referenceValue(req: ProfileRequest, cells: readonly ProfileCell[]): Promise<number> {
  if (req.metric === 'memory') return cells[0]?.reference ?? 0;
  if (req.metric === 'accuracy') return mean(cells.filter((c) => c.reference !== undefined).map((c) => c.reference!));
  const model = await req.runtime.load(latencyModel(req).bytes);
  try {
    const timer = model.timer(inputFeeds(req, 1, req.seed));
    return (await measureMean(timer, { warmup: 3, runs: 15 })).median;
  } finally {
    await model.dispose();
  }
}

/** The whole model latency is measured on: the file itself, or the graph emitted with seeded weights. */
function latencyModel(req: ProfileRequest): ImportedModel {
  return isOnnxProfileModel(req.graph) ? req.graph.imported : importOnnx(emitOnnx(req.graph, { seed: req.seed }));
}

/** A seeded image batch under the model's input name, at its input size. */
function inputFeeds(req: ProfileRequest, batch: number, seed: number): Feeds {
  const g = req.graph;
  return isOnnxProfileModel(g) ? { [g.inputName]: syntheticInput([batch, 3, g.height, g.width], seed) } : { images: syntheticInput([batch, 3, g.imgsz, g.imgsz], seed) };
}

/** Averages NWOT cells over seeds (std = spread across seeds). */
function combineSeeds(req: ProfileRequest, cells: readonly ProfileCell[]): ProfileCell[] {
  if (req.metric !== 'accuracy') return [...cells];
  const by = new Map<string, ProfileCell[]>();
  for (const c of cells) {
    const key = `${c.site}\u0000${c.activation.replace(/#\d+$/, '')}`;
    by.set(key, [...(by.get(key) ?? []), c]);
  }
  return [...by].map(([key, group]) => {
    const [site, activation] = key.split('\u0000') as [string, string];
    const deltas = group.map((c) => c.delta);
    return { site, activation, delta: mean(deltas), ...(group.length > 1 ? { std: standardDeviation(deltas) } : {}), runs: group.length };
  });
}

export async function runProfile(req: ProfileRequest, hooks: ProfileHooks = {}): Promise<ProfileOutcome> {
  const cp = hooks.checkpoint;
  const clock = tableClock(req);
  // A resumed table's budget counts the time it was measured before (not the time it was stopped).
  const before = cp?.elapsedMs ?? 0;
  const started = clock() - before;
  const checkpointed = (row: ProfileCell): void => {
    if (!cp) return;
    cp.add(row);
    cp.recordElapsed(clock() - started);
  };
  const planned = plannedCells(req);
  const got = new Map<string, ProfileCell>();
  const key = (site: string, activation: string): string => `${site}\u0000${activation}`;
  for (const c of planned) {
    const prior = cp?.get(c.site, c.activation);
    if (prior) got.set(key(c.site, c.activation), prior);
  }
  hooks.onStart?.(planned.length, got.size);
  let measured = 0;
  for await (const cell of sweep(req, (s, a) => got.get(key(s, a)), hooks, before)) {
    got.set(key(cell.site, cell.activation), cell);
    checkpointed(cell);
    hooks.onCell?.(cell);
    if (++measured === hooks.stopAfter) break;
  }
  const all = planned.map((c) => got.get(key(c.site, c.activation))).filter((c): c is ProfileCell => c !== undefined);
  if (all.length < planned.length) return { cells: all, measured };
  let ref = cp?.get(REFERENCE_SITE, 'value')?.delta;
  if (ref === undefined) {
    ref = await referenceValue(req, all);
    checkpointed({ site: REFERENCE_SITE, activation: 'value', delta: ref });
  }
  const cells = combineSeeds(req, all);
  const table = toCostTable(req, cells, ref);
  const maxPairs = calibrationPairsOf(req);
  if (maxPairs === undefined) return { table, cells, measured };
  if (!coversEverySite(req)) {
    // An all-X model over a few sites moves the model by less than its own pair noise, and that
    // noise spread over the few sites would swamp their cells (−0.29 ms per site from 2 sites).
    const note = `calibration=none (the table covers ${table.sites.length} of the model's ${req.graph.sites.length} sites; the whole-model calibration swaps every site)`;
    return { table: { ...table, provenance: { ...table.provenance, note: `${table.provenance.note}; ${note}` } }, cells, measured };
  }
  const budget = req.protocol.kind === 'paired' ? req.protocol.tableBudgetMs : undefined;
  const calibration = await calibrate(req, table, maxPairs, { ...hooks, checkpointed }, budget !== undefined ? started + budget : undefined);
  return { table: applyCalibration(table, req.reference, calibration), cells, measured, calibration };
}

/** Pairs per whole model of the calibration a micro latency request asks for (undefined: none). */
function calibrationPairsOf(req: ProfileRequest): number | undefined {
  return req.metric === 'latency' && req.mode === 'micro' && req.protocol.kind === 'paired' ? req.protocol.calibration?.maxPairs : undefined;
}

function coversEverySite(req: ProfileRequest): boolean {
  return req.sites === undefined || new Set(req.sites).size >= req.graph.sites.length;
}

/**
 * Whether `runProfile` ends this request by measuring whole models for the calibration (unless a
 * checkpoint holds them): a progress report can keep a share of the job for them, as they take
 * about as long as the cells (40 of 49 s for the yolov8n fixture on a Zen 5 host, 73 of 131 s on a Xeon).
 */
export function endsWithCalibration(req: ProfileRequest): boolean {
  return (calibrationPairsOf(req) ?? 0) > 0 && coversEverySite(req);
}

/** The calibration's whole models, those a checkpoint holds resumed, the rest measured (and checkpointed) now. */
async function calibrate(req: ProfileRequest, table: CostTable, maxPairs: number, hooks: ProfileHooks & { readonly checkpointed: (row: ProfileCell) => void }, deadline: number | undefined): Promise<WholeModelCalibration> {
  const cp = hooks.checkpoint;
  const resumed = new Map<string, Omit<CalibrationAnchor, 'microSum'>>();
  for (const k of req.candidates) {
    const c = cp?.get(CALIBRATION_SITE, k.id);
    if (c && c.ciLow !== undefined && c.ciHigh !== undefined) resumed.set(k.id, { activation: k.id, measured: c.delta, ciLow: c.ciLow, ciHigh: c.ciHigh, pairs: c.runs ?? 0, ...(c.stoppedBy ? { stoppedBy: c.stoppedBy } : {}) });
  }
  const todo = req.candidates.filter((k) => k.id !== req.reference.id && !resumed.has(k.id));
  if (todo.length > 0) hooks.onCalibrationStart?.(todo.map((k) => `all-${k.id}`));
  return calibrateTable(table, {
    runtime: req.runtime, model: latencyModel(req), feeds: inputFeeds(req, 1, req.seed), timing: resolveTiming(req.protocol, req.runtime.provenance),
    candidates: req.candidates, reference: req.reference, maxPairs, seed: req.seed, measured: resumed, clock: tableClock(req),
    ...(deadline !== undefined ? { deadline } : {}),
    onProgress: hooks.onCalibrationProgress,
    onAnchor: (a) => {
      hooks.checkpointed({ site: CALIBRATION_SITE, activation: a.activation, delta: a.measured, ciLow: a.ciLow, ciHigh: a.ciHigh, runs: a.pairs, ...(a.stoppedBy ? { stoppedBy: a.stoppedBy } : {}) });
      hooks.onCalibrationAnchor?.(a);
    },
  });
}

function toCostTable(req: ProfileRequest, cells: readonly ProfileCell[], reference: number): CostTable {
  const runs = cells.map((c) => c.runs ?? 0).filter((r) => r > 0);
  const prov = req.runtime.provenance;
  return {
    metric: req.metric,
    unit: unitOf(req.metric),
    device: `${prov.runtime}-${prov.backend}-${prov.threads}t`,
    reference,
    sites: selectedSites(req),
    cells: cells.map((c) => ({
      site: c.site, activation: c.activation, delta: c.delta, reference,
      ...(c.ciLow !== undefined ? { ciLow: c.ciLow, ciHigh: c.ciHigh } : {}),
      ...(c.std !== undefined ? { std: c.std } : {}),
      ...(c.runs !== undefined && c.runs > 0 ? { runs: c.runs } : {}),
    })),
    provenance: {
      source: req.metric === 'accuracy' ? 'estimated' : 'measured',
      producer: req.metric === 'memory' ? `actnas arena planner (${req.fusion.id})` : `${prov.runtime === 'ort' ? 'onnxruntime-node' : prov.runtime} ${prov.version} (${prov.backend})`,
      ...(runs.length ? { runs: Math.round(median(runs)) } : {}),
      ...(req.metric === 'latency' ? { confidence: 0.95 } : {}),
      note: [
        provenanceNote({ runtime: prov, hostCpu: hostCpu(), imgsz: req.graph.imgsz, model: req.modelName, metric: req.metric, mode: req.metric === 'latency' ? req.mode : '-', protocol: protocolLabel(req), malloc: mallocTuning() }),
        ...(isOnnxProfileModel(req.graph) ? [onnxProvenance(req.graph, req.metric)] : []),
        ...(sharedBlocksNote(req) !== undefined ? [sharedBlocksNote(req)!] : []),
      ].join('; '),
    },
  };
}
