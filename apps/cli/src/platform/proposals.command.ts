import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ExportFormat } from '../graphql/generated.js';
import { PlatformLatestProposalSetDocument, PlatformProposalDiffDocument, PlatformProposalExportDocument } from '../graphql/generated.js';
import { CliUsageError, EXIT_OK } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';
import type { CommandModule } from '../shared/command-module.js';
import { choiceFlag, intFlag } from '../shared/flags.js';
import { deviceNames, resolveProject, withDeviceNames } from './names.js';
import type { Platform, PlatformFlags } from './platform-session.js';
import { platformOptions } from './platform-options.js';
import { connect } from './platform-session.js';
import type { VerifyFlags } from './proposals-verify.js';

const FORMATS: Readonly<Record<string, ExportFormat>> = { onnx: 'ONNX', yaml: 'ULTRALYTICS_YAML', json: 'JSON' };

interface ExportFlags extends PlatformFlags {
  readonly project: string;
  readonly version?: string;
  readonly rank: string;
  readonly format: string;
  readonly output: string;
}

interface DiffFlags extends PlatformFlags {
  readonly project: string;
  readonly from: string;
  readonly to: string;
}

function projectOptions(cmd: Command): Command {
  return platformOptions(cmd.requiredOption('--project <name|id>', 'project of the proposal sets'));
}

async function latestVersion(p: Platform, projectId: string, projectName: string): Promise<number> {
  const set = (await p.request(PlatformLatestProposalSetDocument, { slug: p.organization.slug, projectId })).organization.project.latestProposalSet;
  if (!set) throw new CliUsageError(`project ${projectName} has no proposal set yet: submit a search first`, 'NOT_FOUND');
  return set.version;
}

function exportAction(io: CliIo, setExitCode: (code: number) => void) {
  return async (f: ExportFlags): Promise<void> => {
    const format = FORMATS[choiceFlag(f.format, '--format', Object.keys(FORMATS))]!;
    const rank = intFlag(f.rank, '--rank', 1, [1, 100]);
    const wanted = f.version === undefined ? undefined : intFlag(f.version, '--version', 1, [1, 1_000_000]);
    const out = resolve(io.cwd ?? process.cwd(), f.output);
    const p = await connect(f, io.env);
    const project = await resolveProject(p, f.project);
    const version = wanted ?? (await latestVersion(p, project.id, project.name));
    const set = (await p.request(PlatformProposalExportDocument, { slug: p.organization.slug, projectId: project.id, version, rank, format })).organization.project.proposalSet;
    const file = set.export;
    const bytes = file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : Buffer.from(file.content, 'utf8');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, bytes);
    const result = { project: project.name, version: set.version, rank, format: format.toLowerCase(), filename: file.filename, contentType: file.contentType, bytes: bytes.length, output: f.output };
    io.stdout.write(f.json ? `${JSON.stringify(result)}\n` : `proposal ${rank} of ${project.name} version ${set.version} as ${f.format} (${bytes.length} bytes) → ${f.output}\n`);
    setExitCode(EXIT_OK);
  };
}

function diffAction(io: CliIo, setExitCode: (code: number) => void) {
  return async (f: DiffFlags): Promise<void> => {
    const from = intFlag(f.from, '--from', 1, [1, 1_000_000]);
    const to = intFlag(f.to, '--to', 1, [1, 1_000_000]);
    const p = await connect(f, io.env);
    const project = await resolveProject(p, f.project);
    const diff = (await p.request(PlatformProposalDiffDocument, { slug: p.organization.slug, projectId: project.id, from, to })).organization.project.proposalSetDiff;
    const names = await deviceNames(p);
    if (f.json) {
      const metricDeltas = diff.metricDeltas.map((m) => ({ ...m, device: m.deviceProfileId ? (names.get(m.deviceProfileId) ?? null) : null }));
      io.stdout.write(`${JSON.stringify({ project: project.name, ...diff, metricDeltas })}\n`);
    } else {
      const lines = [`best proposal of ${project.name}, version ${diff.from} → ${diff.to}: ${diff.changedSites.length} site${diff.changedSites.length === 1 ? '' : 's'} changed`];
      for (const c of diff.changedSites) lines.push(`  ${c.site}: ${c.from ?? '-'} → ${c.to ?? '-'}`);
      for (const m of diff.metricDeltas) {
        const show = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : x.toFixed(4));
        lines.push(`  ${withDeviceNames(m.label, names)}: ${show(m.from)} → ${show(m.to)} (${m.delta === null || m.delta === undefined ? '-' : `${m.delta >= 0 ? '+' : ''}${m.delta.toFixed(4)}`})`);
      }
      io.stdout.write(`${lines.join('\n')}\n`);
    }
    setExitCode(EXIT_OK);
  };
}

/** `actnas proposals export|diff|verify`: the stored proposal sets of a project. */
export const proposalsCommand: CommandModule = (program, io, setExitCode) => {
  const proposals = program.command('proposals').description("a project's versioned proposal sets: export a proposal as a file, diff two versions, verify proposals on a device");
  projectOptions(proposals.command('export').description('write one proposal as ONNX (activations rewritten), an Ultralytics model YAML, or JSON'))
    .option('--version <n>', 'proposal-set version (default: the newest)')
    .option('--rank <n>', 'proposal rank, 1 = best', '1')
    .requiredOption('--format <format>', 'onnx, yaml or json')
    .requiredOption('-o, --output <file>', 'file to write')
    .action(exportAction(io, setExitCode));
  projectOptions(proposals.command('verify').description('measure proposals whole on a device (an actnas agent does it) and gate on the measurements: exit 0 when the best verified proposal meets every budget of the search as measured'))
    .option('--version <n>', 'proposal-set version (default: the newest)')
    .requiredOption('--device <name>', 'device profile to measure on (an agent of the organization leases the job)')
    .option('--ranks <list>', 'proposals to measure, e.g. 1-3 or 1,3; the lowest is the one the gate judges', '1')
    .option('--metrics <list>', "what to measure: latency, memory, accuracy (default: every metric the device has tables for); budgets of the others are judged as predicted")
    .option('--wait', 'wait for the measurements and exit 0/1 on them (3 when --timeout passes first)')
    .option('--timeout <s>', 'seconds to wait with --wait', '1800')
    .action(async (f: VerifyFlags) => (await import('./proposals-verify.js')).verifyProposals(f, io, setExitCode));
  projectOptions(proposals.command('diff').description('how the best proposal changed between two versions: sites and metric totals'))
    .requiredOption('--from <n>', 'older version')
    .requiredOption('--to <n>', 'newer version')
    .action(diffAction(io, setExitCode));
};
