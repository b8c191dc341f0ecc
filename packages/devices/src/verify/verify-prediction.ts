import type { CostCell, CostTable } from '@actnas/core';
import { cellLookup } from '@actnas/core';

/** z of a two-sided 95 % interval: table uncertainties and measured CIs are both reported at 95 %. */
export const Z95 = 1.959964;

/** The additive prediction of one metric for one assignment. */
export interface Prediction {
  /** Σ single-swap deltas of the chosen cells. */
  readonly delta: number;
  /**
   * Half-width of the 95 % interval of the sum from the table's own uncertainty: √Σσ² over the
   * chosen cells (σ = the cell's std, else its 95 % CI half-width / 1.96; 0 for cells without
   * either, e.g. the planner's memory cells), times 1.96.
   */
  readonly uncertainty: number;
  /** The table's reference value, so delta + reference is the predicted total. */
  readonly reference?: number;
}

/** The standard deviation a cell carries: its std, else its 95 % CI as a normal interval, else 0. */
export function cellSigma(cell: CostCell): number {
  if (cell.std !== undefined) return cell.std;
  if (cell.ciLow !== undefined && cell.ciHigh !== undefined) return (cell.ciHigh - cell.ciLow) / (2 * Z95);
  return 0;
}

/**
 * Σ cells of `table` for a full assignment (site → activation id; sites left out and sites at
 * `reference` add 0). Undefined when the table has no cell for a swapped site.
 */
export function predictFromTable(table: CostTable, sites: Readonly<Record<string, string>>, reference: string): Prediction | undefined {
  const lookup = cellLookup(table);
  let delta = 0;
  let variance = 0;
  for (const [site, activation] of Object.entries(sites)) {
    if (activation === reference) continue;
    const cell = lookup(site, activation);
    if (!cell) return undefined;
    delta += cell.delta;
    variance += cellSigma(cell) ** 2;
  }
  return { delta, uncertainty: Z95 * Math.sqrt(variance), reference: table.reference };
}
