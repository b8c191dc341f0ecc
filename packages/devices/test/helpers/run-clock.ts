import type { Runtime } from '../../src/runtimes/runtime.js';

/**
 * The runtime with a clock that counts its timed runs: a run is 1 "ms" on `now()`, so a test of
 * time caps and budgets does not depend on this host's speed.
 */
export function runCountingClock(runtime: Runtime): { readonly runtime: Runtime; readonly now: () => number; readonly reset: () => void } {
  let runs = 0;
  const counting: Runtime = {
    ...runtime,
    load: async (bytes) => {
      const m = await runtime.load(bytes);
      return {
        inputNames: m.inputNames, outputNames: m.outputNames, run: (feeds, outputs) => m.run(feeds, outputs), dispose: () => m.dispose(),
        timer: (feeds) => {
          const timed = m.timer(feeds);
          return () => {
            runs++;
            return timed();
          };
        },
      };
    },
  };
  return { runtime: counting, now: () => runs, reset: () => (runs = 0) };
}
