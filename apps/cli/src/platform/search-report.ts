import type { PlatformProposalSetFragment, PlatformSearchFragment } from '../graphql/generated.js';
import { withDeviceNames } from './names.js';

type Proposal = PlatformProposalSetFragment['proposals'][number];

/** Device ids in the API's labels (`latency@<id>`, budgets) replaced by the devices' names. */
function named(text: string, devices: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [id, name] of devices) out = out.split(id).join(name);
  return out;
}

function number(x: number): string {
  const abs = Math.abs(x);
  return abs !== 0 && abs < 0.1 ? x.toPrecision(4) : x.toFixed(3);
}

/** One proposal: its objective, every metric's total and delta, and the sites it changes. */
export function formatProposal(q: Proposal, devices: ReadonlyMap<string, string>): string {
  const width = Math.max(...q.totals.map((t) => withDeviceNames(t.label, devices).length), 8);
  const totals = q.totals.map((t) => `  ${withDeviceNames(t.label, devices).padEnd(width)}  ${number(t.total).padStart(10)} ${t.unit}  (${t.delta >= 0 ? '+' : ''}${number(t.delta)})`);
  const changes = q.changes.map((c) => `${c.site}=${c.activation}`);
  const shown = changes.length > 12 ? [...changes.slice(0, 12), `… ${changes.length - 12} more`] : changes;
  return [
    `proposal ${q.rank}${q.feasible ? '' : ' (violates a budget)'}: objective ${number(q.objective)}`,
    ...totals,
    `  ${q.changedSites} site${q.changedSites === 1 ? '' : 's'} changed${shown.length ? `: ${shown.join(', ')}` : ''}`,
  ].join('\n');
}

/** The outcome of a search as CI logs show it: status, version, the best proposal that meets the budgets. */
export function formatSearch(s: PlatformSearchFragment, devices: ReadonlyMap<string, string>): string {
  const set = s.proposalSet;
  const lines = [`search ${s.id}: ${s.status.toLowerCase()}${set ? ` · project ${s.project.name} version ${set.version} (${set.status})` : ''}`];
  if (s.error) lines.push(`${s.error.code}: ${named(s.error.message, devices)}`);
  if (set) {
    lines.push(`objective: ${named(set.objective, devices)}${set.budgets.length ? ` · budgets: ${named(set.budgets.join(', '), devices)}` : ''}`);
    const best = set.proposals.find((q) => q.feasible);
    lines.push(best ? formatProposal(best, devices) : `none of the ${set.proposals.length} proposals meets the budgets`);
  }
  return `${lines.join('\n')}\n`;
}
