import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Integration tests run the built `actnas` bin and the built API (`apps/api/dist/main.js`, as
 * `npm start` runs it). Build them once, before any test file starts:
 * a build inside a test file could rewrite `dist` while another file is running the bin.
 * turbo makes this a cache hit when `npm test` has just built everything.
 */
export default function buildCliOnce(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync('npx', ['turbo', 'run', 'build', '--filter=@actnas/cli...', '--filter=@actnas/api...', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
}
