/** A tensor to place: it occupies memory from step `first` to step `last`, both included. */
export interface TensorLifetime {
  readonly id: string;
  readonly bytes: number;
  readonly first: number;
  readonly last: number;
}

export interface ArenaPlan {
  readonly offsets: ReadonlyMap<string, number>;
  /** High-water mark of the arena. */
  readonly arenaBytes: number;
}

export const TFLITE_ALIGNMENT = 64;

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

function overlaps(a: TensorLifetime, b: TensorLifetime): boolean {
  return a.first <= b.last && b.first <= a.last;
}

interface Placed {
  readonly tensor: TensorLifetime;
  readonly offset: number;
  readonly size: number;
}

/** Smallest gap among `live` (sorted by offset) that fits `size`; else the top of the stack. */
function bestFitOffset(live: readonly Placed[], size: number): number {
  let best: number | undefined;
  let bestGap = Infinity;
  let cursor = 0;
  for (const p of live) {
    const gap = p.offset - cursor;
    if (gap >= size && gap < bestGap) {
      best = cursor;
      bestGap = gap;
    }
    cursor = Math.max(cursor, p.offset + p.size);
  }
  return best ?? cursor;
}

/**
 * TFLite's greedy arena planner: tensors largest first (ties: earlier first), each at the
 * smallest gap that fits among the already placed tensors whose lifetimes overlap its own.
 */
export function planArena(tensors: readonly TensorLifetime[], alignment = TFLITE_ALIGNMENT): ArenaPlan {
  const order = [...tensors].sort((a, b) => b.bytes - a.bytes || a.first - b.first || a.id.localeCompare(b.id));
  const placed: Placed[] = [];
  const offsets = new Map<string, number>();
  let arenaBytes = 0;
  for (const tensor of order) {
    const size = alignUp(tensor.bytes, alignment);
    const live = placed.filter((p) => overlaps(p.tensor, tensor)).sort((a, b) => a.offset - b.offset);
    const offset = bestFitOffset(live, size);
    placed.push({ tensor, offset, size });
    offsets.set(tensor.id, offset);
    arenaBytes = Math.max(arenaBytes, offset + size);
  }
  return { offsets, arenaBytes };
}

/** Largest sum of simultaneously live (aligned) tensor sizes: a lower bound on any arena. */
export function peakLiveBytes(tensors: readonly TensorLifetime[], alignment = TFLITE_ALIGNMENT): number {
  const steps = Math.max(0, ...tensors.map((t) => t.last + 1));
  const live = new Float64Array(steps);
  for (const t of tensors) for (let s = t.first; s <= t.last; s++) live[s]! += alignUp(t.bytes, alignment);
  return Math.max(0, ...live);
}
