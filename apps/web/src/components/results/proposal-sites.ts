import { formatSignedNumber } from '../../lib/format/units';

interface CellLike {
  readonly site: string;
  readonly activation: string;
  readonly delta: number;
  readonly std?: number | null;
  readonly ciLow?: number | null;
  readonly ciHigh?: number | null;
  readonly runs?: number | null;
}

interface TableWithCells {
  readonly id: string;
  readonly unit: string;
  readonly cells: readonly CellLike[];
}

/** One table's cell for a site's chosen activation. */
export interface SiteCell {
  readonly tableId: string;
  readonly unit: string;
  /** null: the table has no cell for this swap. */
  readonly delta: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly std: number | null;
  readonly runs: number | null;
  /** The site keeps its reference activation: no swap, no change. */
  readonly unchanged: boolean;
}

export interface SiteRow {
  readonly index: number;
  readonly site: string;
  readonly reference: string;
  readonly activation: string;
  readonly changed: boolean;
  readonly locked: boolean;
  readonly cells: readonly SiteCell[];
}

/** A proposal's sites, each with its chosen activation and every table's cell for that swap. */
export function siteRows(
  activations: readonly { readonly site: string; readonly activation: string }[],
  modelSites: readonly { readonly name: string; readonly reference: string }[],
  tables: readonly TableWithCells[],
  locks: ReadonlyMap<string, string>,
): SiteRow[] {
  const referenceOf = new Map(modelSites.map((s) => [s.name, s.reference]));
  const index = tables.map((t) => new Map(t.cells.map((c) => [`${c.site}\u0000${c.activation}`, c])));
  return activations.map((a, i) => {
    const reference = referenceOf.get(a.site) ?? '';
    const unchanged = a.activation === reference;
    const cells = tables.map((t, j): SiteCell => {
      const cell = index[j]!.get(`${a.site}\u0000${a.activation}`);
      return {
        tableId: t.id,
        unit: t.unit,
        delta: cell ? cell.delta : unchanged ? 0 : null,
        ciLow: cell?.ciLow ?? null,
        ciHigh: cell?.ciHigh ?? null,
        std: cell?.std ?? null,
        runs: cell?.runs ?? null,
        unchanged,
      };
    });
    return { index: i + 1, site: a.site, reference, activation: a.activation, changed: !unchanged, locked: locks.has(a.site), cells };
  });
}

/** `−1.23 [−1.40, −1.05]`, `±0 (reference)` or `no cell`. */
export function cellText(cell: SiteCell): string {
  if (cell.delta === null) return 'no cell';
  if (cell.unchanged && cell.delta === 0) return '±0 (reference)';
  const value = formatSignedNumber(cell.delta, cell.unit);
  if (cell.ciLow !== null && cell.ciHigh !== null) return `${value} [${formatSignedNumber(cell.ciLow, cell.unit)}, ${formatSignedNumber(cell.ciHigh, cell.unit)}]`;
  if (cell.std !== null) return `${value} ± ${formatSignedNumber(cell.std, cell.unit).replace(/^\+/, '')}`;
  return value;
}
