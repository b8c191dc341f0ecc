import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ProfileCell } from './profile-cell.js';
import { cellId } from './profile-cell.js';

/** What a checkpoint belongs to: resuming with other settings would mix incomparable cells. */
export type CheckpointKey = Readonly<Record<string, string | number | boolean>>;

export class CheckpointMismatchError extends Error {
  constructor(readonly path: string, readonly field: string) {
    super(`checkpoint ${path} was written with a different ${field}; delete it or use the same settings`);
    this.name = 'CheckpointMismatchError';
  }
}

interface ElapsedRow {
  readonly elapsedMs: number;
}

export function checkpointPathFor(outputPath: string): string {
  return `${outputPath}.checkpoint.jsonl`;
}

/**
 * Finished cells, one JSON line each after a header line with the settings. Appending a line
 * per cell means an interruption loses at most the cell being measured. Lines `{"elapsedMs": n}`
 * record how long the table had been measured, so a resumed table keeps to its time budget.
 */
export class ProfileCheckpoint {
  readonly #cells = new Map<string, ProfileCell>();
  #elapsedMs = 0;

  private constructor(readonly path: string) {}

  /**
   * Opens (or starts) the checkpoint at `path`. One written under another key throws
   * CheckpointMismatchError, or is started over with `restartOnMismatch` (the agent's choice: a
   * job measured again with new settings is better than a job that cannot run).
   */
  static open(path: string, key: CheckpointKey, options: { readonly restartOnMismatch?: boolean } = {}): ProfileCheckpoint {
    try {
      return ProfileCheckpoint.#open(path, key);
    } catch (err) {
      if (!(err instanceof CheckpointMismatchError) || !options.restartOnMismatch) throw err;
      rmSync(path, { force: true });
      return ProfileCheckpoint.#open(path, key);
    }
  }

  static #open(path: string, key: CheckpointKey): ProfileCheckpoint {
    const cp = new ProfileCheckpoint(path);
    if (!existsSync(path)) {
      writeFileSync(path, JSON.stringify({ header: key }) + '\n');
      return cp;
    }
    const [head, ...lines] = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const header = (JSON.parse(head ?? '{}') as { header?: CheckpointKey }).header ?? {};
    for (const field of new Set([...Object.keys(key), ...Object.keys(header)])) {
      if (header[field] !== key[field]) throw new CheckpointMismatchError(path, field);
    }
    for (const line of lines) {
      try {
        const row = JSON.parse(line) as ProfileCell | ElapsedRow;
        if ('elapsedMs' in row) cp.#elapsedMs = Math.max(cp.#elapsedMs, row.elapsedMs);
        else cp.#cells.set(cellId(row.site, row.activation), row);
      } catch {
        // A line cut short by the interruption: that cell is measured again.
      }
    }
    return cp;
  }

  get size(): number {
    return this.#cells.size;
  }

  has(site: string, activation: string): boolean {
    return this.#cells.has(cellId(site, activation));
  }

  get(site: string, activation: string): ProfileCell | undefined {
    return this.#cells.get(cellId(site, activation));
  }

  add(cell: ProfileCell): void {
    this.#cells.set(cellId(cell.site, cell.activation), cell);
    appendFileSync(this.path, JSON.stringify(cell) + '\n');
  }

  /** How long the table had been measured when the checkpoint was last written (0 when new). */
  get elapsedMs(): number {
    return this.#elapsedMs;
  }

  recordElapsed(ms: number): void {
    this.#elapsedMs = ms;
    appendFileSync(this.path, JSON.stringify({ elapsedMs: Math.round(ms) } satisfies ElapsedRow) + '\n');
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
