/** One (site, activation) cell of a cost table as the heatmap draws it. */
export interface HeatCell {
  readonly site: string;
  readonly activation: string;
  readonly delta: number;
  readonly std?: number | null;
  readonly ciLow?: number | null;
  readonly ciHigh?: number | null;
  readonly runs?: number | null;
}

export interface HeatGrid {
  readonly sites: readonly string[];
  readonly activations: readonly string[];
  /** values[row * sites.length + column]: row = activation, column = site; NaN where absent. */
  readonly values: Float64Array;
  readonly cells: readonly (HeatCell | undefined)[];
  /** The largest |delta|, so the colour scale is symmetric around zero. */
  readonly extent: number;
}

export function buildGrid(cells: readonly HeatCell[], sitesInOrder?: readonly string[]): HeatGrid {
  const sites = sitesInOrder ? [...sitesInOrder] : [...new Set(cells.map((c) => c.site))];
  const activations = [...new Set(cells.map((c) => c.activation))];
  const siteIndex = new Map(sites.map((s, i) => [s, i]));
  const activationIndex = new Map(activations.map((a, i) => [a, i]));
  const values = new Float64Array(sites.length * activations.length).fill(Number.NaN);
  const placed: (HeatCell | undefined)[] = new Array<HeatCell | undefined>(values.length);
  let extent = 0;
  for (const cell of cells) {
    const column = siteIndex.get(cell.site);
    const row = activationIndex.get(cell.activation);
    if (column === undefined || row === undefined) continue;
    const i = row * sites.length + column;
    values[i] = cell.delta;
    placed[i] = cell;
    extent = Math.max(extent, Math.abs(cell.delta));
  }
  return { sites, activations, values, cells: placed, extent };
}

/**
 * Diverging colour for a delta: blue below zero (cheaper than the reference), red above, white at
 * zero; `lowerIsBetter` flips it for metrics where a rise is good (accuracy).
 */
export function deltaColour(delta: number, extent: number, lowerIsBetter = true): string {
  if (Number.isNaN(delta)) return '#e5e7eb';
  const t = extent === 0 ? 0 : Math.max(-1, Math.min(1, delta / extent));
  const good = lowerIsBetter ? t < 0 : t > 0;
  const s = Math.sqrt(Math.abs(t));
  const [r, g, b] = good ? [33, 102, 172] : [178, 24, 43];
  const mix = (c: number): number => Math.round(255 + (c - 255) * s);
  return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`;
}

export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 100) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(3);
  return value.toPrecision(3);
}

export function describeCell(cell: HeatCell, unit: string): string {
  const ci = cell.ciLow != null && cell.ciHigh != null ? `, 95% CI ${formatNumber(cell.ciLow)} to ${formatNumber(cell.ciHigh)}` : cell.std != null ? `, ± ${formatNumber(cell.std)} (std)` : '';
  const runs = cell.runs != null ? `, ${cell.runs} runs` : '';
  return `${cell.site} → ${cell.activation}: Δ ${cell.delta > 0 ? '+' : ''}${formatNumber(cell.delta)} ${unit}${ci}${runs}`;
}
