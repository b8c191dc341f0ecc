import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot, seriousViolations } from './support/browser';
import { graphql, startPlatform } from './support/platform';
import type { Platform } from './support/platform';

// The synthetic yolov5nu example tables shipped with the repository (read as data files).
const examples = fileURLToPath(new URL('../../../packages/core/examples/yolov5nu-synthetic/', import.meta.url));

let platform: Platform;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  platform = await startPlatform('search');
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  context.setDefaultTimeout(30_000);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

async function expectAccessible(): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

async function registerDevice(name: string, runtime: string): Promise<void> {
  await page.goto(`${platform.webUrl}/o/edge-lab/devices/new`);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Processor').fill('Cortex-A76');
  await page.getByLabel('Runtime', { exact: true }).fill(runtime);
  await page.getByLabel('Runtime version').fill('1.30');
  await page.getByLabel('Threads').fill('4');
  await page.getByRole('button', { name: 'Register device' }).click();
  await page.waitForURL(/\/devices\/(?!new$)[^/]+$/);
}

async function uploadTable(device: string, metric: string, fileName: string, content: string): Promise<string> {
  await page.goto(`${platform.webUrl}/o/edge-lab/tables/new`);
  await page.getByLabel('Device profile', { exact: true }).selectOption({ label: device });
  await page.getByLabel('Metric', { exact: true }).selectOption(metric);
  await page.getByLabel('Provenance', { exact: true }).selectOption('SYNTHETIC');
  await page.setInputFiles('#table-file', { name: fileName, mimeType: 'text/csv', buffer: Buffer.from(content) });
  await page.getByTestId('heatmap').waitFor();
  await page.getByRole('button', { name: 'Publish table' }).click();
  await page.waitForURL(/\/tables\/(?!new$)[^/]+$/);
  return page.url().split('/').pop()!;
}

describe('from sign-up to a downloaded model', () => {
  const tableIds: string[] = [];
  let sessionToken: string;

  it('signs up, creates an organization and a project, registers two devices and a built-in model', async () => {
    await page.goto(`${platform.webUrl}/sign-up`);
    await page.getByLabel('Name').fill('Dana Edge');
    await page.getByLabel('Email').fill('dana@edge.test');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/orgs/new');
    await page.getByLabel('Organization name').fill('Edge Lab');
    await page.getByLabel('Slug').fill('edge-lab');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.waitForURL('**/o/edge-lab');
    await page.getByLabel('Project name').fill('Drone detector');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/p\/[^/]+$/);
    await registerDevice('Pi 5 ORT', 'onnxruntime');
    await registerDevice('Pi 5 TFLite', 'tflite');
    await page.goto(`${platform.webUrl}/o/edge-lab/models`);
    await page.getByLabel('Built-in model', { exact: true }).selectOption('yolov5nu');
    await page.getByRole('button', { name: 'Register model' }).click();
    await page.getByRole('cell', { name: 'yolov5nu' }).first().waitFor();
    sessionToken = (await context.cookies()).find((c) => c.name === 'actnas_session')!.value;
  });

  it('shows a malformed upload’s problems by row and column', async () => {
    await page.goto(`${platform.webUrl}/o/edge-lab/tables/new`);
    const bad = 'layer,activation,reference,delta\nmodel.0.act,relu,10,abc\nmodel.0.act,hardswish,10,-0.2\nnot.a.site,relu,10,-0.1\n';
    await page.setInputFiles('#table-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    const preview = page.getByTestId('row-errors').first();
    await preview.waitFor();
    // The preview lists the API's own check of the file, and Publish stays off while it finds problems.
    expect(await preview.getByRole('row').filter({ hasText: 'not a decimal number: "abc"' }).getByRole('cell').allTextContents()).toEqual(['2', 'delta', 'not a decimal number: "abc"']);
    expect(await page.getByRole('button', { name: 'Publish table' }).isDisabled()).toBe(true);
    await expectAccessible();
    await screenshot(page, 'table-upload-errors');
  });

  it('uploads latency and accuracy tables, shows the heatmap with tooltips, provenance, and compares two devices', async () => {
    const latency = await readFile(join(examples, 'latency.csv'), 'utf8');
    const accuracy = await readFile(join(examples, 'accuracy.csv'), 'utf8');
    // The TFLite device: every swap costs 30 % more than on ORT.
    const tflite = latency
      .split('\n')
      .map((line, i) => (i === 0 || !line ? line : line.replace(/^([^,]+,[^,]+,[^,]+,)([^,]+)/, (_m, head: string, d: string) => `${head}${(Number(d) * 1.3).toFixed(4)}`)))
      .join('\n');
    tableIds.push(await uploadTable('Pi 5 ORT', 'LATENCY', 'latency.csv', latency));
    await page.getByText('Provenance', { exact: true }).waitFor();
    expect(await page.getByText('synthetic', { exact: true }).count()).toBeGreaterThan(0);
    const heatmap = page.getByTestId('heatmap');
    await heatmap.focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('tooltip').waitFor();
    expect(await page.getByRole('tooltip').textContent()).toMatch(/^model\.\S+ → \S+: Δ /);
    await expectAccessible();
    await screenshot(page, 'cost-table-heatmap');
    tableIds.push(await uploadTable('Pi 5 ORT', 'ACCURACY', 'accuracy.csv', accuracy));
    tableIds.push(await uploadTable('Pi 5 TFLite', 'LATENCY', 'latency-tflite.csv', tflite));
    await page.goto(`${platform.webUrl}/o/edge-lab/tables/compare?a=${tableIds[0]}&b=${tableIds[2]}`);
    expect(await page.getByTestId('heatmap').count()).toBe(3);
    await expectAccessible();
    await screenshot(page, 'cost-table-compare');
  });

  it('starts a profiling job and follows its status and progress live', async () => {
    await page.goto(`${platform.webUrl}/o/edge-lab/jobs`);
    await page.getByLabel('Device profile', { exact: true }).selectOption({ label: 'Pi 5 ORT' });
    await page.getByRole('button', { name: 'Start profiling job' }).click();
    await page.waitForURL(/\/jobs\/[^/]+$/);
    expect(await page.getByTestId('job-status').textContent()).toBe('queued');
    await page.getByText('waiting for an agent').waitFor();
    const org = await graphql<{ organization: { id: string } }>(platform.apiUrl, sessionToken, '{ organization(slug: "edge-lab") { id } }');
    const organizationId = org.data!.organization.id;
    const created = await graphql<{ createApiToken: { secret: string } }>(platform.apiUrl, sessionToken, 'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }', { i: { organizationId, name: 'agent', scopes: ['AGENT'] } });
    const agent = created.data!.createApiToken.secret;
    const lease = await graphql<{ leaseProfilingJob: { leaseId: string; job: { id: string } } }>(platform.apiUrl, agent, 'mutation($i: LeaseProfilingJobInput!) { leaseProfilingJob(input: $i) { leaseId job { id } } }', { i: { organizationId, agentName: 'bench-pi-5' } });
    expect(lease.errors).toBeUndefined();
    const { leaseId, job } = lease.data!.leaseProfilingJob;
    const progress = await graphql(platform.apiUrl, agent, 'mutation($i: ReportProfilingProgressInput!) { reportProfilingProgress(input: $i) { id } }', { i: { organizationId, jobId: job.id, leaseId, progress: 0.5 } });
    expect(progress.errors).toBeUndefined();
    // No reload: the page polls the API through the server.
    await page.getByTestId('job-status').filter({ hasText: 'leased' }).waitFor({ timeout: 15_000 });
    await page.getByText('50%').first().waitFor();
    // The page names the agent that holds the job and its token's prefix.
    const held = await page.getByTestId('job-agent').textContent();
    expect(held).toMatch(/^leased by "bench-pi-5" \(token actnas_pat_[\w-]{6}…\) until/);
    expect(held).not.toContain(agent);
    await expectAccessible();
    await screenshot(page, 'profiling-job');
    await page.goto(`${platform.webUrl}/o/edge-lab/jobs`);
    await page.getByRole('cell', { name: /leased by "bench-pi-5"/ }).first().waitFor();
  });

  it('validates a new search, locks a site from the strip, and runs it', async () => {
    await page.goto(`${platform.webUrl}/o/edge-lab`);
    await page.getByRole('link', { name: 'Drone detector' }).click();
    await page.getByRole('link', { name: 'New search' }).click();
    await page.waitForURL('**/searches/new');
    await page.getByLabel('Proposals (k)').fill('0');
    await page.getByRole('button', { name: 'Run search' }).click();
    await page.getByText('k is a whole number from 1 to 50.').first().waitFor();
    expect(await page.getByLabel('Proposals (k)').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Proposals (k)').fill('3');
    expect(await page.getByText('k is a whole number from 1 to 50.').count()).toBe(0);
    await page.getByLabel('Diversity (sites by which any two proposals differ)').fill('2');
    await page.getByRole('checkbox', { name: 'accuracy on Pi 5 ORT' }).check();
    await page.getByLabel('Budget value for accuracy on Pi 5 ORT (mAP)').fill('-0.01');
    const firstSite = page.getByRole('button', { name: /^Site 1, model\.0\.act: silu\. Toggle lock$/ });
    await firstSite.click();
    expect(await page.getByRole('button', { name: /^Site 1, model\.0\.act: silu, locked\. Toggle lock$/ }).getAttribute('aria-pressed')).toBe('true');
    await expectAccessible();
    await screenshot(page, 'new-search');
    await page.getByRole('button', { name: 'Run search' }).click();
    await page.waitForURL(/\/versions\/\d+$/, { timeout: 120_000 });
  });

  it('shows the Pareto chart, ranked proposals and per-site strips of the result', async () => {
    await page.getByTestId('pareto-chart').waitFor();
    await page.locator('[data-testid="pareto-chart"] a[data-point]').first().waitFor();
    const legend = await page.getByTestId('pareto-legend').textContent();
    expect(legend).toContain('Pi 5 ORT');
    expect(legend).toContain('Pi 5 TFLite');
    expect(legend).toContain('proposals');
    expect(legend).toContain('uniform baselines');
    await page.getByText('Chart data as a table').click();
    await page.getByRole('cell', { name: 'all-SiLU (reference)' }).first().waitFor();
    // Site 1 is locked at its reference (SiLU): the ReLU baseline keeps it there and says so.
    expect(await page.getByRole('cell', { name: 'all-ReLU except 1 locked site' }).count()).toBeGreaterThan(0);
    expect(await page.getByRole('link', { name: 'Proposal 1', exact: true }).count()).toBe(1);
    const strip = page.getByRole('img', { name: /^Site 1, model\.0\.act: silu$/ });
    expect(await strip.count()).toBeGreaterThan(0);
    expect(await page.getByRole('img', { name: /^Site \d+, model\./ }).count()).toBeGreaterThanOrEqual(68);
    await expectAccessible();
    await screenshot(page, 'proposal-set');
  });

  it('downloads the rewritten ONNX of proposal 1 and it loads in onnxruntime-node', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download proposal 1 as ONNX (rewritten)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^yolov5nu-v\d+-rank1\.onnx$/);
    const path = join(tmpdir(), `actnas-web-${Date.now()}.onnx`);
    onTestFinished(() => rm(path, { force: true }));
    await download.saveAs(path);
    const session = await ort.InferenceSession.create(path);
    expect(session.inputNames.length).toBe(1);
    expect(session.outputNames.length).toBeGreaterThan(0);
    const [yaml] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download proposal 1 as Ultralytics YAML' }).click()]);
    expect(yaml.suggestedFilename()).toMatch(/\.ya?ml$/);
  });

  it('lists the comparison versions and diffs two versions', async () => {
    await page.goto(`${platform.webUrl}/o/edge-lab`);
    await page.getByRole('link', { name: 'Drone detector' }).click();
    await page.getByRole('heading', { name: 'Versions' }).waitFor();
    for (let i = 0; i < 60 && (await page.getByRole('link', { name: /^v\d+$/ }).count()) < 3; i++) {
      await page.waitForTimeout(1000);
      await page.reload();
    }
    expect(await page.getByRole('link', { name: /^v\d+$/ }).count()).toBe(3);
    await expectAccessible();
    await screenshot(page, 'project-dashboard-results');
    const projectUrl = page.url();
    // Versions follow completion order, so find the ILP search's version by its strategy.
    await page.getByTestId('versions').locator('tbody tr').filter({ hasText: 'ilp · ' }).getByRole('link').click();
    await page.waitForURL(/\/versions\/\d+$/);
    await page.getByTestId('pareto-legend').getByText('LZCM / naive').waitFor();
    await page.getByText('Chart data as a table').click();
    expect(await page.getByRole('cell', { name: /^LZCM \(v\d\)$/ }).count()).toBe(2);
    expect(await page.getByRole('cell', { name: /^naive \(v\d\)$/ }).count()).toBe(2);
    await page.goto(`${projectUrl}/diff?from=1&to=2`);
    await page.getByRole('heading', { name: /sites changed/ }).waitFor();
    await page.getByRole('heading', { name: "Best proposal's metrics" }).waitFor();
    expect(await page.getByRole('list', { name: /^v[12], proposal 1$/ }).count()).toBe(2);
    await expectAccessible();
    await screenshot(page, 'version-diff');
  });
});
