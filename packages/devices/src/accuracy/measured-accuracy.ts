import type { CostTable } from '@actnas/core';
import { cellLookup } from '@actnas/core';
import { sampleRankCorrelation } from 'simple-statistics';

export interface AccuracyAgreement {
  /** Cells present in both tables (reference cells, always 0, excluded). */
  readonly cells: number;
  readonly spearman: number;
}

/** Spearman rank correlation between an NWOT table and measured accuracy (e.g. mAP of trained swaps). */
export function nwotAgreement(nwot: CostTable, measured: CostTable, referenceActivation = 'silu'): AccuracyAgreement {
  const lookup = cellLookup(nwot);
  const pairs = measured.cells
    .filter((c) => c.activation !== referenceActivation)
    .flatMap((c) => {
      const n = lookup(c.site, c.activation);
      return n ? [[n.delta, c.delta] as const] : [];
    });
  const spearman = pairs.length > 2 ? sampleRankCorrelation(pairs.map((p) => p[0]), pairs.map((p) => p[1])) : Number.NaN;
  return { cells: pairs.length, spearman };
}
