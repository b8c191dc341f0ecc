#!/usr/bin/env node
import { measuresOnThisHost } from '../dist/shared/measuring-commands.js';

const argv = process.argv.slice(2);

// Commands that time models run in a child started with the malloc tunables they need (glibc reads
// them only at process start); the child owns the terminal, and this process exits as it does.
const relaunched = measuresOnThisHost(argv) && (await (await import('@actnas/devices/measuring-process')).relaunchForMeasurement());

if (!relaunched) {
  const { main } = await import('../dist/main.js');

  // `npx actnas` inside a workspace folder runs with that workspace as the working directory;
  // npm keeps the directory the user typed the command in as INIT_CWD.
  const cwd = process.env.npm_command === 'exec' && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();

  // Output piped into `head` and closed early is not an error of ours: stop quietly, as Unix tools do.
  process.stdout.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });

  process.exitCode = await main(argv, { stdout: process.stdout, stderr: process.stderr, cwd });
}
