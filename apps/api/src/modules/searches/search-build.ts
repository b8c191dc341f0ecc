import { compileProblem, createSearchSpace, tableActivations } from '@actnas/core';
import type { CostTable, SearchRequest } from '@actnas/core';
import type { ModelSpec } from '../model-specs/model-spec.entity.js';
import type { SearchSpec } from './search-request.entity.js';

/** Candidates: the submitted ones, else every activation all tables cover. */
function candidates(spec: SearchSpec, tables: readonly CostTable[]): string[] {
  if (spec.candidates.length > 0) return [...spec.candidates];
  const [first, ...rest] = tables.map((t) => new Set(tableActivations(t)));
  return [...(first ?? [])].filter((activation) => rest.every((set) => set.has(activation)));
}

/** The core search request for a model spec, its tables and the submitted spec. Throws core errors. */
export function buildCoreRequest(model: ModelSpec, tables: readonly CostTable[], spec: SearchSpec): SearchRequest {
  const space = createSearchSpace({
    sites: model.sites.map((site) => ({ name: site.name, reference: site.reference })),
    candidates: candidates(spec, tables),
    reference: model.sites[0]?.reference ?? 'silu',
    locks: spec.locks,
  });
  const request: SearchRequest = { space, tables, objective: spec.objective, budgets: spec.budgets };
  compileProblem(request);
  return request;
}

/**
 * Sites a partial table lacks that this search needs: every missing site, unless the search locks
 * it to the model's reference activation there (whose delta is 0 without a row).
 */
export function uncoveredSites(model: ModelSpec, missingSites: readonly string[], locks: SearchSpec['locks']): string[] {
  const reference = new Map(model.sites.map((site) => [site.name, site.reference]));
  return missingSites.filter((site) => locks[site] === undefined || locks[site] !== reference.get(site));
}
