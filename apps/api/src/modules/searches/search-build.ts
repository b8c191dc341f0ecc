import { SearchRequestError, compileProblem, createSearchSpace, peakMemoryLabel, tableActivations } from '@actnas/core';
import type { CostTable, LiveSetRows, PeakMemoryBudget, SearchRequest } from '@actnas/core';
import type { ModelSpec } from '../model-specs/model-spec.entity.js';
import type { SearchSpec } from './search-request.entity.js';

/** Candidates: the submitted ones, else every activation all tables cover. */
function candidates(spec: SearchSpec, tables: readonly CostTable[]): string[] {
  if (spec.candidates.length > 0) return [...spec.candidates];
  const [first, ...rest] = tables.map((t) => new Set(tableActivations(t)));
  return [...(first ?? [])].filter((activation) => rest.every((set) => set.has(activation)));
}

/**
 * PEAK_MEMORY budgets over the live-set rows of the chosen memory tables: of the named device, or
 * of the only memory table when the budget names none.
 */
function peakBudgets(spec: SearchSpec, tables: readonly CostTable[], liveSets: ReadonlyMap<string, LiveSetRows>): PeakMemoryBudget[] {
  return (spec.peakMemory ?? []).map((budget) => {
    const memory = tables.filter((t) => t.metric === 'memory' && (budget.device === undefined || t.device === budget.device));
    if (memory.length === 0) throw new SearchRequestError(`${peakMemoryLabel(budget.device)} needs a chosen memory table${budget.device === undefined ? '' : ' of that device profile'}`);
    if (memory.length > 1) throw new SearchRequestError(`${peakMemoryLabel(budget.device)} is ambiguous: name the device profile (${memory.map((t) => t.device).join(', ')})`);
    const device = memory[0]!.device;
    const rows = device === undefined ? undefined : liveSets.get(device);
    if (!rows) throw new SearchRequestError(`${peakMemoryLabel(device)} needs live-set rows: publish the memory table with liveSet (actnas tables publish --live-set)`);
    return { rows, maxKB: budget.maxKB, ...(device === undefined ? {} : { device }) };
  });
}

/** The core search request for a model spec, its tables and the submitted spec. Throws core errors. */
export function buildCoreRequest(model: ModelSpec, tables: readonly CostTable[], spec: SearchSpec, liveSets: ReadonlyMap<string, LiveSetRows> = new Map()): SearchRequest {
  const space = createSearchSpace({
    sites: model.sites.map((site) => ({ name: site.name, reference: site.reference })),
    candidates: candidates(spec, tables),
    reference: model.sites[0]?.reference ?? 'silu',
    locks: spec.locks,
  });
  const request: SearchRequest = { space, tables, objective: spec.objective, budgets: spec.budgets, peakMemory: peakBudgets(spec, tables, liveSets) };
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
