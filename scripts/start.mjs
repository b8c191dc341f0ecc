#!/usr/bin/env node
/**
 * `npm start`: builds what is not built yet, then runs the platform on this machine —
 * the GraphQL API with its search workers (embedded PostgreSQL unless DATABASE_URL is set,
 * seeded once with a demo organization) and the dashboard — until Ctrl-C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const apiPort = Number(process.env.API_PORT ?? 4000);
const webPort = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const apiUrl = `http://${host}:${apiPort}/graphql`;
const baseEnv = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NEXT_TELEMETRY_DISABLED: '1' };

function step(message) {
  process.stdout.write(`\n▸ ${message}\n`);
}

step('Building packages, API and dashboard (turbo caches what is already built)');
const build = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit', env: baseEnv });
if (build.status !== 0) {
  process.stderr.write('actnas: the build failed; see the errors above\n');
  process.exit(build.status ?? 1);
}

const children = [];
let stopping = false;

function run(name, command, args, options) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const prefix = (stream, out) =>
    stream.on('data', (chunk) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) out.write(`[${name}] ${line}\n`);
    });
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`[${name}] exited (${signal ?? code}); stopping the platform\n`);
    stop(code ?? 1);
  });
  children.push(child);
  return child;
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r))))).then(() => process.exit(code));
}
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));

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

async function waitForHealth(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  if (!stopping) {
    process.stderr.write(`actnas: ${url} did not answer within ${timeoutMs / 1000} s\n`);
    stop(1);
  }
}
