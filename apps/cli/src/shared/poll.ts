import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions<T> {
  readonly timeoutMs: number;
  /** The longest pause between two reads; they start at `firstDelayMs` and grow by half each time. */
  readonly maxDelayMs: number;
  readonly firstDelayMs?: number;
  /** Each read that is not done yet. */
  readonly onProgress?: (value: T) => void;
}

/** Reads until `done` holds or the timeout passes, fast at first and then every `maxDelayMs`; returns the last read. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, o: PollOptions<T>): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  let delay = o.firstDelayMs ?? 100;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    o.onProgress?.(value);
    const left = deadline - Date.now();
    if (left <= 0) return value;
    await sleep(Math.min(delay, left));
    delay = Math.min(o.maxDelayMs, delay * 1.5);
  }
}
