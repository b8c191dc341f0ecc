import type { SearchResult } from '@actnas/core';

export interface SiteChange {
  readonly site: string;
  readonly from: string | null;
  readonly to: string | null;
}

export interface MetricDelta {
  readonly label: string;
  readonly metric: string;
  readonly device: string | null;
  readonly unit: string;
  readonly from: number | null;
  readonly to: number | null;
  readonly delta: number | null;
}

export interface ProposalSetDiff {
  readonly changedSites: readonly SiteChange[];
  readonly metricDeltas: readonly MetricDelta[];
}

/** Compares the best (rank 1) proposal of two results: sites whose activation changed, metric deltas. */
export function diffResults(from: SearchResult, to: SearchResult): ProposalSetDiff {
  const best = (result: SearchResult) => result.proposals.find((p) => p.rank === 1) ?? result.proposals[0];
  const a = best(from);
  const b = best(to);
  const assignment = (result: SearchResult, activations: readonly string[] | undefined) =>
    new Map(result.sites.map((site, i) => [site, activations?.[i] ?? null]));
  const before = assignment(from, a?.activations);
  const after = assignment(to, b?.activations);
  const sites = [...new Set([...from.sites, ...to.sites])];
  const changedSites = sites
    .map((site) => ({ site, from: before.get(site) ?? null, to: after.get(site) ?? null }))
    .filter((change) => change.from !== change.to);
  const totals = new Map<string, MetricDelta>();
  for (const total of a?.totals ?? []) {
    totals.set(total.label, { label: total.label, metric: total.metric, device: total.device ?? null, unit: total.unit, from: total.total, to: null, delta: null });
  }
  for (const total of b?.totals ?? []) {
    const previous = totals.get(total.label);
    const fromValue = previous?.from ?? null;
    totals.set(total.label, {
      label: total.label,
      metric: total.metric,
      device: total.device ?? null,
      unit: total.unit,
      from: fromValue,
      to: total.total,
      delta: fromValue === null ? null : total.total - fromValue,
    });
  }
  return { changedSites, metricDeltas: [...totals.values()] };
}
