/** A computation of one key: its answer (undefined when it failed or may not be shared) and the epoch it began in. */
export interface Flight<V> {
  readonly epoch: number;
  readonly answer: Promise<V | undefined>;
}

/** A caller's part in a computation: wait for someone else's answer, or compute once `ready` and `settle` it. */
export type Turn<V> =
  | { readonly lead: false; readonly answer: Promise<V | undefined> }
  | { readonly lead: true; readonly ready: Promise<void>; readonly settle: (answer: V | undefined) => void };

interface Pending<V> extends Flight<V> {
  readonly resolve: (answer: V | undefined) => void;
}

function pending<V>(epoch: number): Pending<V> {
  let resolve!: (answer: V | undefined) => void;
  const answer = new Promise<V | undefined>((done) => (resolve = done));
  return { epoch, answer, resolve };
}

/**
 * At most one computation per key runs at a time; callers that arrive while it runs share the
 * next one, which starts when it ends. So every caller's answer comes from a computation that
 * started after the caller asked: as fresh as its own would be, whatever the change feed knows.
 * That makes it safe while the feed is down, when nothing cached may be served: a burst of
 * identical requests then costs the database one computation at a time instead of one each.
 */
export class FreshFlights<V> {
  readonly #running = new Map<string, Pending<V>>();
  readonly #waiting = new Map<string, Pending<V>>();

  /** The computation of `key` under way, if any (it may have started before the caller asked). */
  running(key: string): Flight<V> | undefined {
    return this.#running.get(key);
  }

  /** Joins the next computation of `key` that has not started yet, or leads it. */
  join(key: string, epoch: number): Turn<V> {
    const waiting = this.#waiting.get(key);
    if (waiting) return { lead: false, answer: waiting.answer };
    const flight = pending<V>(epoch);
    const running = this.#running.get(key);
    if (!running) {
      this.#running.set(key, flight);
      return { lead: true, ready: Promise.resolve(), settle: this.#settler(key, flight) };
    }
    this.#waiting.set(key, flight);
    const ready = running.answer.then(() => {
      if (this.#waiting.get(key) !== flight) return; // settled before its turn (its caller went away)
      this.#waiting.delete(key);
      this.#running.set(key, flight);
    });
    return { lead: true, ready, settle: this.#settler(key, flight) };
  }

  /**
   * The value of a `compute` that starts after this call, shared with concurrent callers of `key`.
   * A caller whose shared computation failed computes its own, so a failure reaches only its leader.
   */
  async share(key: string, compute: () => Promise<V>): Promise<V> {
    const turn = this.join(key, 0);
    if (!turn.lead) return (await turn.answer) ?? compute();
    await turn.ready;
    try {
      const value = await compute();
      turn.settle(value);
      return value;
    } catch (error) {
      turn.settle(undefined);
      throw error;
    }
  }

  #settler(key: string, flight: Pending<V>): (answer: V | undefined) => void {
    let settled = false;
    return (answer) => {
      if (settled) return;
      settled = true;
      if (this.#running.get(key) === flight) this.#running.delete(key);
      if (this.#waiting.get(key) === flight) this.#waiting.delete(key);
      flight.resolve(answer);
    };
  }
}
