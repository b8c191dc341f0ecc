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

export function checkpointPathFor(outputPath: string): string {
  return `${outputPath}.checkpoint.jsonl`;
}

/**
 * Finished cells, one JSON line each after a header line with the settings. Appending a line
 * per cell means an interruption loses at most the cell being measured.
 */
export class ProfileCheckpoint {
  readonly #cells = new Map<string, ProfileCell>();

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
        const cell = JSON.parse(line) as ProfileCell;
        cp.#cells.set(cellId(cell.site, cell.activation), cell);
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

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
