/** At most this many ranks in one verification (the API's limit). */
export const MAX_VERIFY_RANKS = 100;

/**
 * Ranks typed as `1-3, 7`: single ranks and inclusive ranges, comma separated. Returns the ranks
 * ascending, once each, or a message naming what is wrong. Whether the set has them is the API's to say.
 */
export function parseRanks(text: string): { readonly ranks: number[] } | { readonly error: string } {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) return { error: 'Enter the ranks to verify, e.g. 1-3 or 1, 4.' };
  const ranks = new Set<number>();
  for (const part of parts) {
    const match = /^(\d+)(?:\s*[-–]\s*(\d+))?$/.exec(part);
    if (!match) return { error: `"${part}" is not a rank or a range like 1-3.` };
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from < 1 || to < 1) return { error: 'Ranks start at 1.' };
    if (to < from) return { error: `The range "${part}" runs backwards.` };
    if (to - from + 1 + ranks.size > MAX_VERIFY_RANKS) return { error: `At most ${MAX_VERIFY_RANKS} ranks at once.` };
    for (let r = from; r <= to; r++) ranks.add(r);
  }
  return { ranks: [...ranks].sort((a, b) => a - b) };
}

/** The default choice: the top three (or all, when there are fewer). */
export function defaultRanks(proposalCount: number): string {
  const last = Math.min(3, proposalCount);
  return last <= 1 ? '1' : `1-${last}`;
}
