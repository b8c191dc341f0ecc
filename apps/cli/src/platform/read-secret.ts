import type { CliIo } from '../shared/cli-io.js';

/** Longest secret accepted from stdin: tokens are ~60 characters, so anything much longer is a mistake. */
const MAX_SECRET_CHARS = 4096;

/**
 * A secret from standard input: the first line of what is piped in, or on a terminal a line typed
 * after `prompt` without echo.
 */
export async function readSecret(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin ?? process.stdin;
  if (stdin === process.stdin && process.stdin.isTTY) return readHidden(prompt, io);
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (text.includes('\n') || text.length > MAX_SECRET_CHARS) break;
  }
  return (text.split(/\r?\n/)[0] ?? '').trim().slice(0, MAX_SECRET_CHARS);
}

function readHidden(prompt: string, io: CliIo): Promise<string> {
  const stdin = process.stdin;
  io.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (value: string | Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      io.stderr.write('\n');
      if (value instanceof Error) reject(value);
      else resolve(value.trim());
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(typed);
        if (ch === '\u0003') return done(new Error('interrupted'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (typed.length < MAX_SECRET_CHARS) typed += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
