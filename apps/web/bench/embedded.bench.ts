/**
 * The embedded default (PGlite, as `npm start` runs without DATABASE_URL) next to PostgreSQL:
 *
 * 1. First load in Chromium (production build, median of 5 fresh contexts after one warm-up) of a
 *    project dashboard and of a version page with 50 proposals; target < 1 s each.
 * 2. The concurrent use of the embedded-default test (test/embedded-concurrency.int.test.ts):
 *    20 dashboard readers, 5 searches and an agent for BENCH_CONCURRENCY_SECONDS (60), the API in
 *    its own process as `npm start` runs it: request count, p50, p99, 5xx and GraphQL errors.
 *
 * Prints both tables with the machine's load average and writes bench-results/embedded.json.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { startApiProcess } from '../../../test/support/api-process';
import { driveConcurrentUse, summarize } from '../../../test/support/concurrent-use';
import type { ConcurrentUseReport } from '../../../test/support/concurrent-use';
import { launchBrowser } from '../test/support/browser';
import { createTestDatabase } from '../test/support/database';
import { ensureProductionBuild } from '../test/support/next-build.global-setup';
import { graphql, startPlatform } from '../test/support/platform';
import { webRoot } from '../test/support/web-server';

const RUNS = 5;
const PROPOSALS = 50;
const CONCURRENCY_MS = Number(process.env['BENCH_CONCURRENCY_SECONDS'] ?? 60) * 1000;
const examples = fileURLToPath(new URL('../../../packages/core/examples/yolov5nu-synthetic/', import.meta.url));
type Database = 'postgres' | 'embedded';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const load1m = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

async function must<T>(apiUrl: string, token: string | undefined, query: string, variables: Record<string, unknown>): Promise<T> {
  const result = await graphql<T>(apiUrl, token, query, variables);
  if (!result.data || result.errors?.length) throw new Error(`bench set-up failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** An organization whose project has a version with 50 proposals (and two smaller ones before it). */
async function populate(apiUrl: string): Promise<{ token: string; dashboard: string; version: string }> {
  const { signUp } = await must<{ signUp: { token: string } }>(apiUrl, undefined, 'mutation($i: SignUpInput!) { signUp(input: $i) { token } }', {
    i: { email: 'first-load@actnas.test', password: 'benchmark-password', name: 'Bench' },
  });
  const token = signUp.token;
  const org = await must<{ createOrganization: { id: string } }>(apiUrl, token, 'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }', { i: { name: 'Bench', slug: 'bench' } });
  const organizationId = org.createOrganization.id;
  const project = await must<{ createProject: { id: string } }>(apiUrl, token, 'mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }', { i: { organizationId, name: 'Bench project' } });
  const projectId = project.createProject.id;
  const device = await must<{ createDeviceProfile: { id: string } }>(apiUrl, token, 'mutation($i: CreateDeviceProfileInput!) { createDeviceProfile(input: $i) { id } }', {
    i: { organizationId, name: 'Bench device', processor: 'Cortex-A76', runtime: 'onnxruntime', runtimeVersion: '1.30', threads: 4, inputSize: 640 },
  });
  const spec = await must<{ registerBuiltinModelSpec: { id: string } }>(apiUrl, token, 'mutation($i: RegisterBuiltinModelSpecInput!) { registerBuiltinModelSpec(input: $i) { id } }', { i: { organizationId, builtinName: 'yolov5nu' } });
  const tableIds: string[] = [];
  for (const metric of ['latency', 'memory', 'accuracy']) {
    const published = await must<{ publishCostTable: { id: string } }>(apiUrl, token, 'mutation($i: PublishCostTableInput!) { publishCostTable(input: $i) { id } }', {
      i: {
        organizationId,
        deviceProfileId: device.createDeviceProfile.id,
        modelSpecId: spec.registerBuiltinModelSpec.id,
        metric: metric.toUpperCase(),
        format: 'CSV',
        content: await readFile(join(examples, `${metric}.csv`), 'utf8'),
        provenance: { source: 'SYNTHETIC' },
      },
    });
    tableIds.push(published.publishCostTable.id);
  }
  let version = 0;
  for (const [strategy, k, diversity] of [['LZCM', 1, 1], ['NAIVE', 1, 1], ['ILP', PROPOSALS, 1]] as const) {
    const submitted = await must<{ submitSearch: { id: string } }>(apiUrl, token, 'mutation($i: SubmitSearchInput!) { submitSearch(input: $i) { id } }', {
      i: {
        organizationId,
        projectId,
        modelSpecId: spec.registerBuiltinModelSpec.id,
        costTableIds: tableIds,
        objective: { sense: 'MIN', metric: { metric: 'LATENCY' } },
        budgets: [{ metric: { metric: 'ACCURACY' }, bound: 'MIN', value: -0.005, of: 'DELTA' }],
        strategy,
        k,
        diversity,
      },
    });
    for (let transportErrors = 0; ; ) {
      // A status read is safe to repeat: one connection reset (seen once here, under heavy load) is retried.
      const status = await must<{ organization: { searchRequest: { status: string; proposalSet: { version: number; proposals: unknown[] } | null } } }>(
        apiUrl,
        token,
        'query($slug: String!, $id: ID!) { organization(slug: $slug) { searchRequest(id: $id) { status proposalSet { version proposals { rank } } } } }',
        { slug: 'bench', id: submitted.submitSearch.id },
      ).catch((error: unknown) => {
        if (++transportErrors > 3 || !(error instanceof TypeError)) throw error;
        return undefined;
      });
      if (!status) continue;
      const request = status.organization.searchRequest;
      if (request.status === 'FAILED') throw new Error(`the ${strategy} bench search failed`);
      if (request.status === 'SUCCEEDED') {
        version = request.proposalSet!.version;
        if (k === PROPOSALS && request.proposalSet!.proposals.length !== PROPOSALS) throw new Error(`the version has ${request.proposalSet!.proposals.length} proposals, not ${PROPOSALS}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { token, dashboard: `/o/bench/p/${projectId}`, version: `/o/bench/p/${projectId}/versions/${version}` };
}

interface Loads {
  readonly ttfb: number[];
  readonly fcp: number[];
  readonly load: number[];
}

/** Navigation timing of `RUNS` first loads, each in a fresh browser context, after one warm-up. */
async function firstLoads(browser: Browser, url: string, cookie: { name: string; value: string; url: string }): Promise<Loads> {
  const visit = async (): Promise<{ ttfb: number; fcp: number; load: number }> => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addCookies([{ ...cookie, httpOnly: true, sameSite: 'Lax' }]);
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    if (page.url().includes('/sign-in')) throw new Error(`${url} sent the bench user to sign in`);
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return { ttfb: nav.responseStart, fcp: fcp?.startTime ?? Number.NaN, load: nav.loadEventEnd };
    });
    await context.close();
    return timing;
  };
  // The server's first hit of a route loads its modules: start-up, not a page load.
  await visit();
  const loads: Loads = { ttfb: [], fcp: [], load: [] };
  for (let run = 0; run < RUNS; run++) {
    const timing = await visit();
    loads.ttfb.push(timing.ttfb);
    loads.fcp.push(timing.fcp);
    loads.load.push(timing.load);
  }
  return loads;
}

async function measureFirstLoads(browser: Browser, database: Database): Promise<{ dashboard: Loads; version: Loads }> {
  const platform = await startPlatform(`bench-${database}`, { database });
  try {
    const { token, dashboard, version } = await populate(platform.apiUrl);
    const cookie = { name: 'actnas_session', value: token, url: platform.webUrl };
    return { dashboard: await firstLoads(browser, `${platform.webUrl}${dashboard}`, cookie), version: await firstLoads(browser, `${platform.webUrl}${version}`, cookie) };
  } finally {
    await platform.close();
  }
}

async function measureConcurrency(database: Database): Promise<ConcurrentUseReport & { readonly loadAverage: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'actnas-bench-concurrency-'));
  const postgres = database === 'postgres' ? await createTestDatabase('bench_concurrency') : undefined;
  const api = await startApiProcess(postgres ? { DATABASE_URL: postgres.url } : { ACTNAS_DATA_DIR: dataDir });
  try {
    const report = await driveConcurrentUse({ apiUrl: api.url, durationMs: CONCURRENCY_MS, readers: 20, searches: 5 });
    console.log(`\n${database}: ${summarize(report)}`);
    return { ...report, loadAverage: load1m() };
  } finally {
    await api.stop();
    await postgres?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  ensureProductionBuild();
  const browser = await launchBrowser();
  const loads: Record<Database, { dashboard: Loads; version: Loads; loadAverage: string }> = {} as never;
  try {
    for (const database of ['postgres', 'embedded'] as const) loads[database] = { ...(await measureFirstLoads(browser, database)), loadAverage: load1m() };
  } finally {
    await browser.close();
  }
  const concurrency: Record<Database, Awaited<ReturnType<typeof measureConcurrency>>> = {} as never;
  for (const database of ['embedded', 'postgres'] as const) concurrency[database] = await measureConcurrency(database);

  const round = (value: number): number => Number(value.toFixed(1));
  const firstLoadRows = (['embedded', 'postgres'] as const).flatMap((database) =>
    (['dashboard', 'version'] as const).map((page) => {
      const l = loads[database][page];
      return {
        database,
        page: page === 'dashboard' ? 'project dashboard' : `version page, ${PROPOSALS} proposals`,
        'TTFB ms': round(median(l.ttfb)),
        'FCP ms': round(median(l.fcp)),
        'load ms (median)': round(median(l.load)),
        'load ms (max)': round(Math.max(...l.load)),
        target: '< 1000',
        'load avg': loads[database].loadAverage,
      };
    }),
  );
  const concurrencyRows = (['embedded', 'postgres'] as const).map((database) => {
    const r = concurrency[database];
    return {
      database: database === 'embedded' ? 'embedded (the figure)' : 'postgres (peer)',
      requests: r.requests,
      'req/s': round(r.requests / (r.durationMs / 1000)),
      'p50 ms': round(r.p50Ms),
      'p99 ms': round(r.p99Ms),
      '5xx': r.serverErrors,
      'GraphQL errors': r.graphqlErrors.length,
      'searches ok': `${r.searches.filter((s) => s.status === 'SUCCEEDED').length}/${r.searches.length}`,
      target: '0 5xx, 0 errors, 5/5',
      'load avg': r.loadAverage,
    };
  });
  console.log(`\napps/web bench (embedded): production build, first loads median of ${RUNS}; concurrent use ${CONCURRENCY_MS / 1000} s, 20 readers, 5 searches, 1 agent`);
  console.table(firstLoadRows);
  console.table(concurrencyRows);
  await mkdir(join(webRoot, 'bench-results'), { recursive: true });
  const strip = (r: ConcurrentUseReport & { loadAverage: string }) => ({ ...r, samples: undefined, graphqlErrors: r.graphqlErrors.slice(0, 20) });
  await writeFile(
    join(webRoot, 'bench-results', 'embedded.json'),
    JSON.stringify({ runs: RUNS, firstLoads: loads, firstLoadRows, concurrency: { embedded: strip(concurrency.embedded), postgres: strip(concurrency.postgres) }, concurrencyRows }, null, 2),
  );
}

await main();
