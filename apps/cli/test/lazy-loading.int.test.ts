import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Start-up pays only for what a command uses: every module the built bin resolves is recorded by
// a resolve hook, and heavy dependencies must not appear where they are not needed.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'apps/cli/bin/actnas.js');
const examples = join(root, 'packages/core/examples/yolov5nu-synthetic');
const HEAVY = {
  onnxruntime: /\/onnxruntime-node\//,
  tfjs: /\/@tensorflow\//,
  onnxProto: /\/onnx-proto\//,
  yaml: /\/node_modules\/yaml\//,
  glpk: /\/glpk\.js\//,
  csv: /\/csv-parse\//,
  cliTable: /\/cli-table3\//,
  devices: /\/packages\/devices\//,
  fullCore: /\/packages\/core\/dist\/(index|onnx|graph)/,
} as const;

let dir: string;
let hooks: string;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'actnas-lazy-'));
  hooks = join(dir, 'record-resolves.mjs');
  // Written straight to fd 2: the hooks run on their own thread, whose process.stderr is relayed
  // through the main thread and can lose its last lines when the bin exits on a busy machine.
  const resolve = "import { writeSync } from 'node:fs'; export async function resolve(s, c, n) { const r = await n(s, c); writeSync(2, 'RESOLVED ' + r.url + '\\n'); return r; }";
  writeFileSync(hooks, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(resolve)}));\n`);
});

/** The module URLs one run of the bin resolves. */
function loaded(cwd: string, ...args: string[]): string[] {
  const { npm_command: _npmCommand, ...env } = process.env;
  const r = spawnSync(process.execPath, ['--import', hooks, bin, ...args], { cwd, encoding: 'utf8', env: { ...env, ACTNAS_API: 'http://127.0.0.1:9/graphql', ACTNAS_TOKEN: 'x' } });
  return r.stderr.split('\n').filter((l) => l.startsWith('RESOLVED ')).map((l) => l.slice('RESOLVED '.length));
}

const heavyIn = (urls: readonly string[]): string[] => Object.entries(HEAVY).filter(([, re]) => urls.some((u) => re.test(u))).map(([name]) => name);

describe('lazy loading of the actnas bin', () => {
  it('--help loads the CLI and commander only', () => {
    const urls = loaded(root, '--help');
    expect(urls.some((u) => u.endsWith('apps/cli/dist/commands.js'))).toBe(true);
    expect(urls.filter((u) => u.startsWith('file:') && !u.includes('/apps/cli/') && !u.includes('/commander/'))).toEqual([]);
  });

  it('search loads the search engine, not ONNX, YAML, runtimes or the device library', () => {
    const urls = loaded(examples, 'search', '--latency', 'latency.csv', '--k', '1', '--json');
    // The search path is one bundled file (apps/cli build: bundle:search) with glpk.js outside it;
    // JSON out: no text-table renderer either (cli-table3 is loaded when tables are printed).
    expect(urls.some((u) => u.endsWith('apps/cli/dist/search/search.action.js'))).toBe(true);
    expect(heavyIn(urls).sort()).toEqual(['glpk']);
  });

  it('the bundled search path holds the search engine and the CSV reader, nothing heavy', () => {
    // esbuild marks where each bundled module starts with a `// path` comment.
    const bundled = readFileSync(join(root, 'apps/cli/dist/search/search.action.js'), 'utf8')
      .split('\n')
      .filter((l) => /^\/\/ \S+\.js$/.test(l))
      .map((l) => `/${l.slice(3)}`);
    expect(bundled.some((p) => p.includes('/packages/core/dist/search/ilp.strategy.js'))).toBe(true);
    expect(heavyIn(bundled).sort()).toEqual(['csv']);
  });

  it('search submit loads neither the solver nor the table parser', () => {
    const urls = loaded(examples, 'search', 'submit', '--project', 'p', '--model', 'm', '--device', 'd');
    expect(urls.some((u) => u.endsWith('platform/search-submit.js'))).toBe(true);
    expect(heavyIn(urls)).toEqual([]);
  });

  it('model info loads the graph builder but no runtime', () => {
    const urls = loaded(root, 'model', 'info', 'yolov5nu', '--imgsz', '64');
    expect(heavyIn(urls)).not.toContain('onnxruntime');
    expect(heavyIn(urls)).not.toContain('tfjs');
  });
});
