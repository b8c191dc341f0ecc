import type { CliIo } from './cli-io.js';

/** On a terminal: one status line, rewritten as work progresses. Silent in logs and CI. */
export function statusLine(io: CliIo): { update: (text: string) => void; stop: () => void } {
  if (!io.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  let shown = false;
  return {
    update: (text) => {
      shown = true;
      io.stderr.write(`\r\u001b[2K${text}`);
    },
    stop: () => {
      if (shown) io.stderr.write('\r\u001b[2K');
    },
  };
}
