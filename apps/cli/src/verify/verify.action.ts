import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ActivationKind } from '@actnas/core';
import { fullActivationRegistry } from '@actnas/core';
import type { VerifyBudgets, VerifyCandidate, VerifyMetric, VerifyReport } from '@actnas/devices';
import type { CliIo } from '../shared/cli-io.js';
import { CliUsageError, EXIT_FAILURE, EXIT_OK } from '../shared/cli-error.js';
import { parseNumber } from '../search/search-options.js';
import { readProposalFile, ranksFlag } from './proposal-file.js';
import type { ProposalFile } from './proposal-file.js';
import { formatVerifyReport, verifyReportCsv } from './verify-output.js';
import type { VerifyRunFlags } from './verify-flags.js';
import type { Verifier } from './verify-setup.js';
import { createVerifier, metricsFlag, predictionsFromTotals } from './verify-setup.js';

export interface VerifyFlags extends VerifyRunFlags {
  readonly proposals: string;
  readonly ranks?: string;
  readonly baselines?: boolean;
  readonly metrics: string;
  readonly latency?: string;
  readonly memory?: string;
  readonly accuracy?: string;
  readonly maxLatency?: string;
  readonly maxMemory?: string;
  readonly maxAccuracyDrop?: string;
  readonly output?: string;
  readonly json?: boolean;
}

export function budgetsFrom(flags: { maxLatency?: string; maxMemory?: string; maxAccuracyDrop?: string }): VerifyBudgets {
  const maxLatency = parseNumber('--max-latency', flags.maxLatency, (n) => Number.isFinite(n) && n > 0);
  const maxMemory = parseNumber('--max-memory', flags.maxMemory, (n) => Number.isFinite(n) && n > 0);
  const maxAccuracyDrop = parseNumber('--max-accuracy-drop', flags.maxAccuracyDrop, (n) => Number.isFinite(n) && n >= 0);
  return { ...(maxLatency === undefined ? {} : { maxLatency }), ...(maxMemory === undefined ? {} : { maxMemory }), ...(maxAccuracyDrop === undefined ? {} : { maxAccuracyDrop }) };
}

/** Site → activation of one proposal of the file; unknown activation names are a usage error. */
export function assignmentOf(file: ProposalFile, activations: readonly string[]): Record<string, ActivationKind> {
  const registry = fullActivationRegistry();
  return Object.fromEntries(file.sites.map((site, i) => {
    const kind = registry.tryResolve(activations[i]!);
    if (!kind) throw new CliUsageError(`proposals: unknown activation "${activations[i]}" at ${site}`);
    return [site, kind];
  }));
}

const ids = (sites: Readonly<Record<string, ActivationKind>>): Record<string, string> => Object.fromEntries(Object.entries(sites).map(([s, k]) => [s, k.id]));

/** all-reference, all-ReLU, all-Hardswish of the model. */
export function baselineCandidates(v: Verifier): VerifyCandidate[] {
  const registry = fullActivationRegistry();
  return (['all-reference', 'all-relu', 'all-hardswish'] as const).map((name) => {
    const kind = name === 'all-reference' ? v.reference : registry.resolve(name.slice(4));
    const sites = Object.fromEntries(v.graph.sites.map((s) => [s.name, kind]));
    return { name, kind: 'baseline', sites, predicted: v.predict(ids(sites)) };
  });
}

export async function writeReport(path: string, report: unknown, csv: () => string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, path.endsWith('.json') ? JSON.stringify(report, null, 1) : csv());
}

/** Exit 1 when budgets are given and no verified proposal meets every one of them as measured. */
export function verifyExitCode(report: VerifyReport, budgets: VerifyBudgets): number {
  if (Object.keys(budgets).length === 0) return EXIT_OK;
  const proposals = report.candidates.filter((c) => c.kind === 'proposal');
  return proposals.length > 0 && proposals.every((c) => c.broken.length > 0) ? EXIT_FAILURE : EXIT_OK;
}

export async function verifyAction(flags: VerifyFlags, io: CliIo, setExitCode: (code: number) => void): Promise<void> {
  const cwd = io.cwd ?? process.cwd();
  const metrics: VerifyMetric[] = metricsFlag(flags.metrics);
  const budgets = budgetsFrom(flags);
  const tableFiles = { ...(flags.latency ? { latency: flags.latency } : {}), ...(flags.memory ? { memory: flags.memory } : {}), ...(flags.accuracy ? { accuracy: flags.accuracy } : {}) };
  for (const m of Object.keys(tableFiles)) if (!metrics.includes(m as VerifyMetric)) throw new CliUsageError(`--${m} given but --metrics does not measure ${m}`);
  if (flags.output !== undefined && !/\.(csv|json)$/i.test(flags.output)) throw new CliUsageError(`-o must name a .csv or .json file, got "${flags.output}"`);
  const v = await createVerifier(flags, io, metrics, tableFiles);
  const file = readProposalFile(flags.proposals, cwd, v.modelName, v.graph.sites.map((s) => s.name));
  const ranks = ranksFlag(flags.ranks, file, flags.proposals);
  const candidates: VerifyCandidate[] = ranks.map((rank) => {
    const p = file.proposals.find((x) => x.rank === rank)!;
    const sites = assignmentOf(file, p.activations);
    return { name: `#${rank}`, kind: 'proposal', rank, sites, predicted: v.predict(ids(sites), predictionsFromTotals(p.totals)) };
  });
  if (flags.baselines) candidates.push(...baselineCandidates(v));
  if (candidates.length === 0) throw new CliUsageError(`proposals ${flags.proposals}: no proposals to verify`);
  io.stderr.write(`verify: ${candidates.length} model(s) of ${v.modelName} at ${v.graph.imgsz} on ${v.runtimeLabel}: ${metrics.join(', ')}\n`);
  const report = await v.verify(candidates, budgets);
  if (flags.output) await writeReport(resolve(cwd, flags.output), report, () => verifyReportCsv(report));
  io.stdout.write(flags.json ? JSON.stringify(report, null, 1) + '\n' : formatVerifyReport(report, `verify ${v.modelName} at ${v.graph.imgsz} on ${v.runtimeLabel}`));
  setExitCode(verifyExitCode(report, budgets));
}
