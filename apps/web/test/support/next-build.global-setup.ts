import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webRoot = fileURLToPath(new URL('../..', import.meta.url));
const sources = ['src', 'next.config.ts', 'package.json', 'tsconfig.json'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

/**
 * One production build per test run: `npm test` builds through turbo first, so this only builds
 * when the output is missing or older than the sources (e.g. `vitest run apps/web` alone).
 */
export function ensureProductionBuild(): void {
  const buildId = join(webRoot, '.next', 'BUILD_ID');
  const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const changedAt = Math.max(...sources.map((s) => join(webRoot, s)).filter(existsSync).map(newestMtime));
  if (builtAt >= changedAt) return;
  execFileSync('npx', ['next', 'build'], { cwd: webRoot, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
}

export default function setup(): void {
  ensureProductionBuild();
}
