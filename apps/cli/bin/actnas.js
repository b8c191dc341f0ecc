#!/usr/bin/env node
import { main } from '../dist/main.js';

// `npx actnas` inside a workspace folder runs with that workspace as the working directory;
// npm keeps the directory the user typed the command in as INIT_CWD.
const cwd = process.env.npm_command === 'exec' && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();

// Output piped into `head` and closed early is not an error of ours: stop quietly, as Unix tools do.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd });
