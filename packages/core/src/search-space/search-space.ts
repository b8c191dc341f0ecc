/**
 * The search space: activation sites in forward order, the candidates allowed at each site and
 * per-site locks. The reference kind of each site is data (SiLU for YOLOv5nu, but not assumed).
 */

export interface SearchSite {
  /** Module path of the activation, e.g. `model.2.m.0.cv1.act`. */
  readonly name: string;
  /** Canonical activation id the reference model uses at this site. */
  readonly reference: string;
  /** Canonical activation ids a proposal may put here, in search order (never empty). */
  readonly allowed: readonly string[];
  /** Set when the site is locked: `allowed` is then exactly `[locked]`. */
  readonly locked?: string;
}

export interface SearchSpace {
  readonly sites: readonly SearchSite[];
  /** Every candidate id the space knows (union of allowed sets and references), in first-seen order. */
  readonly activations: readonly string[];
}

export interface SiteInput {
  readonly name: string;
  readonly reference?: string;
  readonly allowed?: readonly string[];
}

export interface SearchSpaceInput {
  readonly sites: readonly (string | SiteInput)[];
  /** Candidates allowed at sites that do not list their own. */
  readonly candidates: readonly string[];
  /** Reference kind for sites that do not name one. */
  readonly reference: string;
  readonly locks?: Readonly<Record<string, string>>;
}

export class SearchSpaceError extends Error {
  override readonly name = 'SearchSpaceError';
}

export function createSearchSpace(input: SearchSpaceInput): SearchSpace {
  const seen = new Set<string>();
  const sites = input.sites.map((raw): SearchSite => {
    const site = typeof raw === 'string' ? { name: raw } : raw;
    if (site.name.trim() === '') throw new SearchSpaceError('a site has an empty name');
    if (seen.has(site.name)) throw new SearchSpaceError(`site "${site.name}" appears twice`);
    seen.add(site.name);
    const allowed = dedupe(site.allowed ?? input.candidates);
    if (allowed.length === 0) throw new SearchSpaceError(`site "${site.name}" allows no candidate`);
    return { name: site.name, reference: site.reference ?? input.reference, allowed };
  });
  let space: SearchSpace = { sites, activations: collectActivations(sites) };
  for (const [site, activation] of Object.entries(input.locks ?? {})) space = lockSite(space, site, activation);
  return space;
}

/** Returns a space where `site` may only take `activation` (which need not be among its candidates). */
export function lockSite(space: SearchSpace, site: string, activation: string): SearchSpace {
  return replaceSite(space, site, (s) => ({ ...s, allowed: [activation], locked: activation }));
}

/** Returns a space where `site` may only take candidates in `allowed` (kept in the site's order). */
export function restrictSite(space: SearchSpace, site: string, allowed: readonly string[]): SearchSpace {
  return replaceSite(space, site, (s) => {
    const kept = s.allowed.filter((a) => allowed.includes(a));
    if (kept.length === 0) throw new SearchSpaceError(`site "${site}" would allow no candidate (asked for ${allowed.join(', ')})`);
    return { name: s.name, reference: s.reference, allowed: kept };
  });
}

export function siteIndex(space: SearchSpace): ReadonlyMap<string, number> {
  return new Map(space.sites.map((s, i) => [s.name, i]));
}

function replaceSite(space: SearchSpace, site: string, change: (s: SearchSite) => SearchSite): SearchSpace {
  const index = space.sites.findIndex((s) => s.name === site);
  if (index < 0) throw new SearchSpaceError(`unknown site "${site}"`);
  const sites = space.sites.map((s, i) => (i === index ? change(s) : s));
  return { sites, activations: collectActivations(sites) };
}

function collectActivations(sites: readonly SearchSite[]): readonly string[] {
  return dedupe(sites.flatMap((s) => [...s.allowed, s.reference]));
}

function dedupe(ids: readonly string[]): readonly string[] {
  return [...new Set(ids)];
}
