import type { Metric, PlatformCostTableSummaryFragment, PlatformDeviceFragment } from '../graphql/generated.js';
import {
  PlatformCostTablesDocument, PlatformDevicesDocument, PlatformModelSpecsDocument, PlatformProjectsDocument, PlatformSharedDevicesDocument,
} from '../graphql/generated.js';
import { CliUsageError } from '../shared/cli-error.js';
import type { Platform } from './platform-session.js';

/** Names instead of ids: every lookup pages through the organization's list and matches an id or an exact name. */

interface Page<N> {
  readonly nodes: readonly N[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor?: string | null };
}

/** At most this many pages of 100: an organization with more is asked for ids. */
const MAX_PAGES = 50;

async function allNodes<N>(fetchPage: (after: string | null) => Promise<Page<N>>): Promise<N[]> {
  const out: N[] = [];
  let after: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page: Page<N> = await fetchPage(after);
    out.push(...page.nodes);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
    after = page.pageInfo.endCursor;
  }
  return out;
}

interface Named {
  readonly id: string;
  readonly name: string;
}

function listOf(nodes: readonly Named[]): string {
  const names = [...new Set(nodes.map((n) => n.name))];
  if (names.length === 0) return 'none';
  return names.length > 8 ? `${names.slice(0, 8).join(', ')}, … ${names.length - 8} more` : names.join(', ');
}

/** Exactly one node whose id or name is `wanted`; a one-line error naming what is wrong otherwise. */
function pick<N extends Named>(nodes: readonly N[], wanted: string, what: string, where: string, describe: (n: N) => string = (n) => n.id): N {
  const byId = nodes.find((n) => n.id === wanted);
  if (byId) return byId;
  const matches = nodes.filter((n) => n.name === wanted);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new CliUsageError(`${what} "${wanted}" is ambiguous in ${where}: ${matches.map(describe).join(', ')}; pass an id instead`, 'AMBIGUOUS');
  }
  throw new CliUsageError(`unknown ${what} "${wanted}" in ${where} (known: ${listOf(nodes)})`, 'NOT_FOUND');
}

export async function resolveProject(p: Platform, wanted: string): Promise<Named> {
  const slug = p.organization.slug;
  const projects = await allNodes(async (after) => (await p.request(PlatformProjectsDocument, { slug, after })).organization.projects);
  return pick(projects, wanted, 'project', `organization ${slug}`);
}

export async function resolveModel(p: Platform, wanted: string): Promise<Named> {
  const slug = p.organization.slug;
  const specs = await allNodes(async (after) => (await p.request(PlatformModelSpecsDocument, { slug, after })).organization.modelSpecs);
  return pick(specs, wanted, 'model spec', `organization ${slug}`);
}

/**
 * A device profile by id or name: the organization's own, or (unless `owned`) one shared with it.
 * `name@owner-slug` picks between two of one name.
 */
export async function resolveDevice(p: Platform, wanted: string, options: { readonly owned: boolean }): Promise<PlatformDeviceFragment> {
  const slug = p.organization.slug;
  const own = await allNodes(async (after) => (await p.request(PlatformDevicesDocument, { slug, after })).organization.deviceProfiles);
  const shared = options.owned ? [] : await allNodes(async (after) => (await p.request(PlatformSharedDevicesDocument, { slug, after })).organization.sharedDeviceProfiles);
  const all = [...own, ...shared];
  const at = wanted.lastIndexOf('@');
  if (at > 0 && !all.some((d) => d.id === wanted || d.name === wanted)) {
    const [name, owner] = [wanted.slice(0, at), wanted.slice(at + 1)];
    const owned = all.filter((d) => d.owner.slug === owner);
    if (owned.length > 0) return pick(owned, name, 'device profile', `organization ${owner}`);
  }
  const where = options.owned ? `organization ${slug}` : `organization ${slug} or shared with it`;
  return pick(all, wanted, 'device profile', where, (d) => `${d.id} (${d.name}@${d.owner.slug})`);
}

/** Names of the device profiles the organization owns or is shared, by id (for labels like `latency@<id>`). */
export async function deviceNames(p: Platform): Promise<Map<string, string>> {
  const slug = p.organization.slug;
  const own = await allNodes(async (after) => (await p.request(PlatformDevicesDocument, { slug, after })).organization.deviceProfiles);
  const shared = await allNodes(async (after) => (await p.request(PlatformSharedDevicesDocument, { slug, after })).organization.sharedDeviceProfiles);
  return new Map([...own, ...shared].map((d) => [d.id, d.name]));
}

/** Version `version` (default the newest) of the (device, model, metric) table, or undefined when there is none. */
export async function findTable(
  p: Platform,
  device: PlatformDeviceFragment,
  modelName: string,
  metric: Metric,
  version?: number,
): Promise<PlatformCostTableSummaryFragment | undefined> {
  const slug = p.organization.slug;
  // Newest first: stop at the first page that holds the version asked for.
  for (let i = 0, after: string | null = null; i < MAX_PAGES; i++) {
    const page: Page<PlatformCostTableSummaryFragment> = (await p.request(PlatformCostTablesDocument, { slug, deviceProfileId: device.id, metric, after })).organization.costTables;
    const match = page.nodes.find((t) => t.modelSpecName === modelName && (version === undefined || t.version === version));
    if (match) return match;
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return undefined;
    after = page.pageInfo.endCursor;
  }
  return undefined;
}

/** `latency@<device id>` labels of totals, with the device's name in place of its id. */
export function withDeviceNames(label: string, devices: ReadonlyMap<string, string>): string {
  const at = label.indexOf('@');
  if (at < 0) return label;
  const name = devices.get(label.slice(at + 1));
  return name === undefined ? label : `${label.slice(0, at)}@${name}`;
}
