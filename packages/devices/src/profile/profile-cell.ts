/** One measured (site, candidate) cell, as checkpointed and turned into a cost-table cell. */
export interface ProfileCell {
  readonly site: string;
  readonly activation: string;
  readonly delta: number;
  readonly ciLow?: number;
  readonly ciHigh?: number;
  /** Paired runs (or runs per model in paper mode) behind the cell. */
  readonly runs?: number;
  readonly stoppedBy?: 'target' | 'cap' | 'time';
  /** Reference value measured alongside (e.g. the micro block's own time). */
  readonly reference?: number;
  /** Spread (sd) across seeds, for averaged NWOT cells. */
  readonly std?: number;
  /** Micro mode: the site whose identical block was measured for this one (absent when unshared). */
  readonly block?: string;
}

export function cellId(site: string, activation: string): string {
  return `${site}\u0000${activation}`;
}

/** A stable per-cell seed, so re-measuring one cell replays its random choices. */
export function cellSeed(base: number, site: string, activation: string): number {
  let h = 2166136261 ^ base;
  for (const ch of `${site}|${activation}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}
