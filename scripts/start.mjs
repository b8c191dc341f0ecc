#!/usr/bin/env node
/**
 * `npm start`: builds what is not built yet, then runs the platform on this machine —
 * the GraphQL API with its search workers (embedded PostgreSQL unless DATABASE_URL is set,
 * seeded once with a demo organization) and the dashboard — until Ctrl-C.
 *
 * Every process it starts runs in a process group of its own, and stopping signals the whole
 * group: whatever a child started (next-server's workers, API cluster workers) stops with it.
 * When one of them exits, on Ctrl-C, SIGTERM or SIGHUP, or when npm above it is gone, every group
 * gets SIGTERM, then SIGKILL after a grace period, and `npm start` exits only when all of them are gone.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const apiPort = Number(process.env.API_PORT ?? 4000);
const webPort = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const apiUrl = `http://${host}:${apiPort}/graphql`;
const baseEnv = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NEXT_TELEMETRY_DISABLED: '1' };
/** The API drains its search workers for up to 10 s on SIGTERM; give it that and a little more. */
const GRACE_MS = Number(process.env.ACTNAS_STOP_GRACE_MS ?? 15_000);

/** Process group ids (the pid of each group's leader) of everything started here. */
const groups = new Set();
let stopping = false;

function step(message) {
  process.stdout.write(`\n▸ ${message}\n`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone already
  }
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

async function waitForGroups(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while ([...groups].some(groupAlive) && Date.now() < deadline) await sleep(100);
  return [...groups].filter(groupAlive);
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const pgid of groups) signalGroup(pgid, 'SIGTERM');
  const stubborn = await waitForGroups(GRACE_MS);
  if (stubborn.length > 0) {
    process.stderr.write(`actnas: ${stubborn.length} process group(s) still running ${GRACE_MS / 1000} s after SIGTERM; killing them\n`);
    for (const pgid of stubborn) signalGroup(pgid, 'SIGKILL');
    await waitForGroups(5_000);
  }
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => void stop(0));
// A SIGTERM to npm itself (a supervisor stopping `npm start`, `kill <npm pid>`) ends npm and its
// `sh -c` without reaching this process, which then runs on as an orphan: a new parent means the
// one that started it is gone, and everything stops as on SIGTERM.
const parentAtStart = process.ppid;
setInterval(() => {
  if (process.ppid !== parentAtStart) void stop(0);
}, 250).unref();
// Last resort when this process ends any other way (an exception here): nothing outlives it.
process.on('exit', () => {
  for (const pgid of groups) if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
});

function run(name, command, args, options, { prefixOutput = true, onExit } = {}) {
  const child = spawn(command, args, { stdio: ['ignore', prefixOutput ? 'pipe' : 'inherit', prefixOutput ? 'pipe' : 'inherit'], detached: true, ...options });
  if (child.pid !== undefined) groups.add(child.pid);
  if (prefixOutput) {
    const prefix = (stream, out) =>
      stream.on('data', (chunk) => {
        for (const line of chunk.toString().split('\n')) if (line.trim()) out.write(`[${name}] ${line}\n`);
      });
    prefix(child.stdout, process.stdout);
    prefix(child.stderr, process.stderr);
  }
  child.on('error', (error) => {
    process.stderr.write(`[${name}] could not start: ${error.message}\n`);
    void stop(1);
  });
  child.on('exit', (code, signal) => {
    if (onExit) return onExit(code, signal);
    if (stopping) return;
    process.stderr.write(`[${name}] exited (${signal ?? code}); stopping the platform\n`);
    void stop(code || 1);
  });
  return child;
}

step('Building packages, API and dashboard (turbo caches what is already built)');
const built = await new Promise((resolve) => {
  run('build', 'npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: root, env: baseEnv }, {
    prefixOutput: false,
    onExit: (code) => resolve(code === 0 ? 0 : code || 1),
  });
});
if (stopping) await new Promise(() => {}); // stop() is under way and exits
// What the build leaves running on purpose (turbo's daemon) is not ours to stop.
groups.clear();
if (built !== 0) {
  process.stderr.write('actnas: the build failed; see the errors above\n');
  process.exit(built);
}

const database = process.env.DATABASE_URL ? 'PostgreSQL at DATABASE_URL' : 'embedded PostgreSQL (PGlite) in .actnas-data/';
step(`Starting the API and search workers on ${apiUrl} (${database})`);
run('api', process.execPath, ['apps/api/dist/main.js'], {
  cwd: root,
  env: { ...baseEnv, PORT: String(apiPort), HOST: host, ACTNAS_SEED_DEMO: process.env.ACTNAS_SEED_DEMO ?? '1' },
});

await waitForHealth(`http://${host}:${apiPort}/healthz`, 120_000);

step(`Starting the dashboard on http://${host}:${webPort}`);
run('web', process.execPath, [join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(webPort), '-H', host], {
  cwd: join(root, 'apps/web'),
  env: { ...baseEnv, ACTNAS_API_URL: apiUrl, PORT: String(webPort) },
});

await waitForHealth(`http://${host}:${webPort}/`, 60_000);
if (!stopping) {
  process.stdout.write(
    [
      '',
      'ActNAS Platform is running:',
      `  dashboard   http://${host}:${webPort}   (demo sign-in: demo@actnas.local / actnas-demo-password)`,
      `  GraphQL     ${apiUrl}`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

async function waitForHealth(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  if (!stopping) {
    process.stderr.write(`actnas: ${url} did not answer within ${timeoutMs / 1000} s\n`);
    await stop(1);
  }
}
