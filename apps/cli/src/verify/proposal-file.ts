import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliUsageError, unreadableFile } from '../shared/cli-error.js';

/** The parts of `actnas search --json` output that verification reads. */
export interface ProposalFileEntry {
  readonly rank: number;
  readonly activations: readonly string[];
  readonly objective?: number;
  readonly totals?: readonly { metric: string; delta: number; std?: number; reference: number; device?: string }[];
}

export interface ProposalFile {
  readonly sites: readonly string[];
  readonly proposals: readonly ProposalFileEntry[];
}

/** Reads a `search --json` file and checks it is for the model with `modelSites` (same site names). */
export function readProposalFile(file: string, cwd: string, modelName: string, modelSites: readonly string[]): ProposalFile {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (err) {
    throw unreadableFile('proposals', file, err);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CliUsageError(`proposals ${file}: invalid JSON: ${(err as Error).message}`);
  }
  const d = doc as Partial<ProposalFile>;
  if (!Array.isArray(d.sites) || !Array.isArray(d.proposals) || !d.proposals.every((p) => Array.isArray(p?.activations) && p.activations.length === d.sites!.length)) {
    throw new CliUsageError(`proposals ${file}: not the output of actnas search --json (sites and proposals with one activation per site)`);
  }
  const known = new Set(modelSites);
  const foreign = d.sites.find((s) => !known.has(s));
  const given = new Set(d.sites);
  const missing = modelSites.filter((s) => !given.has(s));
  if (foreign !== undefined || missing.length > 0) {
    const why = foreign !== undefined ? `site "${foreign}" is not a site of ${modelName}` : `${missing.length} of ${modelName}'s sites are missing (first: "${missing[0]}")`;
    throw new CliUsageError(`proposals ${file} are for another model: ${why} (${d.sites.length} sites in the file, ${modelSites.length} in ${modelName})`);
  }
  return { sites: d.sites, proposals: d.proposals };
}

/** `--ranks 1-10` or `1,3,5-7`: ranks of the file's proposals, each checked to exist. */
export function ranksFlag(text: string | undefined, file: ProposalFile, fileName: string): number[] {
  const available = file.proposals.map((p) => p.rank);
  return text === undefined ? available : parseRanks(text, available, fileName);
}

/** `1-10` or `1,3,5-7` as ranks, each one of `available` (the ranks `source` has). */
export function parseRanks(text: string, available: readonly number[], source: string): number[] {
  const ranks: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new CliUsageError(`--ranks must be ranks or ranges like 1-10 or 1,3,5-7, got "${text}"`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new CliUsageError(`--ranks: range ${part.trim()} is empty`);
    for (let r = from; r <= to; r++) {
      if (!available.includes(r)) throw new CliUsageError(`--ranks ${text}: rank ${r} is out of range (${source} has ${available.length ? `ranks 1-${Math.max(...available)}` : 'no proposals'})`);
      if (!ranks.includes(r)) ranks.push(r);
    }
  }
  return ranks;
}
