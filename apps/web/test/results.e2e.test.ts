import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot, seriousViolations } from './support/browser';
import { startPlatform } from './support/platform';
import type { Platform } from './support/platform';
import { ApiUser, exampleTable, latencyWithCi } from './support/seed';

// The search-and-results experience of issue 15, each finding driven as a user meets it.

let platform: Platform;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dana: ApiUser;
let vendor: ApiUser;
const errors: string[] = [];
const ids = { org: '', project: '', device: '', model: '', latencyV1: '', latencyV2: '', accuracy: '', vendorOrg: '', partnerDevice: '' };
let projectUrl = '';
let versionUrl = '';

beforeAll(async () => {
  platform = await startPlatform('results');
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  context.setDefaultTimeout(30_000);
  page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));

  dana = await ApiUser.signUp(platform.apiUrl, 'dana@results.test', 'Dana');
  ids.org = await dana.organization('Results Lab', 'results-lab');
  ids.project = await dana.project(ids.org, 'Drone detector');
  ids.device = await dana.device(ids.org, 'Pi 5');
  ids.model = await dana.model(ids.org);
  ids.latencyV1 = await dana.table(ids.org, ids.device, ids.model, 'LATENCY', await latencyWithCi(1));
  ids.latencyV2 = await dana.table(ids.org, ids.device, ids.model, 'LATENCY', await latencyWithCi(1.1));
  ids.accuracy = await dana.table(ids.org, ids.device, ids.model, 'ACCURACY', await exampleTable('accuracy'));
  await dana.table(ids.org, ids.device, ids.model, 'MEMORY', await exampleTable('memory'));

  // Another organization: one device in the public catalog, one shared with Results Lab.
  vendor = await ApiUser.signUp(platform.apiUrl, 'vera@vendor.test', 'Vera');
  ids.vendorOrg = await vendor.organization('Vendor', 'vendor-co');
  const vendorModel = await vendor.model(ids.vendorOrg);
  const jetson = await vendor.device(ids.vendorOrg, 'Vendor Jetson');
  await vendor.table(ids.vendorOrg, jetson, vendorModel, 'LATENCY', await latencyWithCi(0.5));
  await vendor.table(ids.vendorOrg, jetson, vendorModel, 'ACCURACY', await exampleTable('accuracy'));
  await vendor.visibility(ids.vendorOrg, jetson, 'PUBLIC');
  ids.partnerDevice = await vendor.device(ids.vendorOrg, 'Partner Pi');
  await vendor.table(ids.vendorOrg, ids.partnerDevice, vendorModel, 'LATENCY', await latencyWithCi(0.8));
  await vendor.visibility(ids.vendorOrg, ids.partnerDevice, 'SHARED', ['results-lab']);

  await dana.signIn(context, platform.webUrl);
  projectUrl = `${platform.webUrl}/o/results-lab/p/${ids.project}`;
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

async function expectAccessible(): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

const box = (name: string | RegExp) => page.getByRole('checkbox', { name });

async function waitForSearches(): Promise<void> {
  for (let i = 0; i < 240; i++) {
    const data = await dana.run<{ organization: { project: { searchRequests: { nodes: { status: string }[] } } } }>(
      'query($p: ID!) { organization(slug: "results-lab") { project(id: $p) { searchRequests(first: 50) { nodes { status } } } } }',
      { p: ids.project },
    );
    if (data.organization.project.searchRequests.nodes.every((s) => s.status === 'SUCCEEDED' || s.status === 'FAILED')) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('searches did not finish');
}

/** The chart's data table as rows of cell texts. */
async function chartRows(): Promise<string[][]> {
  const details = page.locator('[data-testid="pareto-chart"] details');
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').click();
  return details.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
}

describe('search and results in Chromium', () => {
  it('starts the new search form with our own newest tables, "at least" for accuracy, and the sign convention', async () => {
    await page.goto(`${projectUrl}/searches/new`);
    expect(await box('latency · Pi 5 · v2').isChecked()).toBe(true);
    expect(await box('latency · Pi 5 · v1').isChecked()).toBe(false);
    expect(await box('accuracy · Pi 5 · v1').isChecked()).toBe(true);
    expect(await box('memory · Pi 5 · v1').isChecked()).toBe(true);
    // Another organization's tables (public catalog, shared with us) are offered, never pre-checked.
    await page.getByText(/Tables of devices shared with us or in the public catalog/).click();
    expect(await box('latency · Vendor Jetson · v1').isChecked()).toBe(false);
    expect(await box('accuracy · Vendor Jetson · v1').isChecked()).toBe(false);
    expect(await box('latency · Partner Pi · v1').isChecked()).toBe(false);
    expect(await page.locator('#search-objective option:checked').textContent()).toBe('latency on Pi 5');
    const accuracyBound = page.getByLabel('Bound for accuracy on Pi 5');
    expect(await accuracyBound.inputValue()).toBe('MIN');
    expect(await page.locator(`#budget-ACCURACY-${ids.device}-of`).inputValue()).toBe('DELTA');
    await page.getByText('A change is candidate − reference, so a negative accuracy change is a loss.').waitFor();
    await box('accuracy on Pi 5').check();
    expect(await accuracyBound.inputValue()).toBe('MIN');
    await page.getByLabel('Budget value for accuracy on Pi 5 (mAP)').fill('-0.01');
    expect(await page.getByTestId(`budget-ACCURACY-${ids.device}-words`).textContent()).toBe('= lose at most 0.0100 mAP');
    await expectAccessible();
    await screenshot(page, 'results-new-search');
  });

  it('keeps the whole form after a failed submit, then lands on the running search and its version, with an older table and the comparisons', async () => {
    await box('latency on Pi 5').check();
    await page.getByLabel('Budget value for latency on Pi 5 (ms)').fill('900');
    // The older latency version, and a shared device's table chosen explicitly.
    await box('latency · Pi 5 · v2').uncheck();
    await box('latency · Pi 5 · v1').check();
    await box('latency · Partner Pi · v1').check();
    await page.locator('#search-objective').selectOption({ label: 'latency on Pi 5' });
    // The partner stops sharing while the form is open: the API refuses the table.
    await vendor.visibility(ids.vendorOrg, ids.partnerDevice, 'PRIVATE');
    await page.getByRole('button', { name: 'Run search' }).click();
    await page.locator('.alert.error').filter({ hasText: 'Cost table not found' }).waitFor();
    expect(page.url()).toMatch(/\/searches\/new$/);
    // Nothing was reset: budgets ticked with their bounds and values, tables and objective kept.
    expect(await box('accuracy on Pi 5').isChecked()).toBe(true);
    expect(await page.getByLabel('Bound for accuracy on Pi 5').inputValue()).toBe('MIN');
    expect(await page.getByLabel('Budget value for accuracy on Pi 5 (mAP)').inputValue()).toBe('-0.01');
    expect(await box('latency on Pi 5').isChecked()).toBe(true);
    expect(await page.getByLabel('Budget value for latency on Pi 5 (ms)').inputValue()).toBe('900');
    expect(await box('latency · Pi 5 · v1').isChecked()).toBe(true);
    expect(await box('latency · Pi 5 · v2').isChecked()).toBe(false);
    expect(await box('latency · Partner Pi · v1').isChecked()).toBe(true);
    expect(await page.locator('#search-objective option:checked').textContent()).toBe('latency on Pi 5');
    expect(await box(/Also run the paper's LZCM and naive/).isChecked()).toBe(true);
    await screenshot(page, 'results-failed-submit-kept');

    await box('latency · Partner Pi · v1').uncheck();
    const visited: string[] = [];
    page.on('framenavigated', (frame) => frame === page.mainFrame() && visited.push(frame.url()));
    await page.getByRole('button', { name: 'Run search' }).click();
    await page.waitForURL(/\/versions\/\d+$/, { timeout: 120_000 });
    versionUrl = page.url();
    expect(visited.some((url) => /\/searches\/[0-9a-f-]{36}$/.test(url))).toBe(true);
    expect(await page.getByText('Something went wrong').count()).toBe(0);
    expect(errors).toEqual([]);
    // The comparison strategies ran on the same (older) tables, as versions of their own.
    await page.getByRole('link', { name: /^v\d+ \(LZCM\)$/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: /^v\d+ \(naive\)$/ }).waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('search-summary').textContent()).toContain('Pi 5: latency v1, memory v1, accuracy v1');
  });

  it('reads clearly: units and precision, a chart with the budgets, labelled baselines, axis titles apart from ticks, and points that open their proposal', async () => {
    await page.goto(versionUrl);
    const table = page.getByRole('region', { name: 'Ranked proposals' });
    expect(await table.getByRole('columnheader').allTextContents()).toContain('Objective (ms)');
    const first = table.locator('tbody tr').first();
    const cells = await first.locator('td').allTextContents();
    expect(cells[1]).toMatch(/^\d+\.\d{2} ms$/);
    expect(cells.find((c) => c.includes('mAP'))).toMatch(/^0\.\d{4} mAP\u2212\d\.\d{4} mAP$/);
    const chart = page.getByTestId('pareto-chart');
    expect(await chart.locator('.recharts-reference-line').count()).toBe(2);
    const labels = await chart.locator('svg text').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['budget: latency ≤ 900.00 ms', 'budget: accuracy Δ ≥ \u22120.0100 mAP']));
    for (const name of ['all-SiLU (reference)', 'all-ReLU', 'all-Hardswish']) expect(labels).toContain(name);
    expect(labels.some((l) => /^LZCM \(v\d+\)$/.test(l))).toBe(true);
    // The y-axis title sits left of every tick label; the legend is outside the plot.
    const title = await chart.locator('text.recharts-label').filter({ hasText: 'Accuracy Δ (mAP' }).boundingBox();
    const ticks = await chart.locator('.recharts-yAxis-tick-labels text').evaluateAll((nodes) => nodes.map((n) => n.getBoundingClientRect().left));
    expect(ticks.length).toBeGreaterThan(2);
    expect(title!.x + title!.width).toBeLessThanOrEqual(Math.min(...ticks));
    const grid = await chart.locator('.recharts-cartesian-grid').boundingBox();
    const legend = await chart.getByTestId('pareto-legend').boundingBox();
    expect(legend!.y).toBeGreaterThanOrEqual(grid!.y + grid!.height);
    expect(await chart.getByTestId('pareto-legend').textContent()).toContain('Pi 5');
    await expectAccessible();
    await screenshot(page, 'results-version');
    // Clicking a proposal's point opens its page; where proposals coincide, the best ranked is on top.
    const point = await chart.locator('a[data-point="#1"]').first().boundingBox();
    await page.mouse.click(point!.x + point!.width / 2, point!.y + point!.height / 2);
    await page.waitForURL(/\/versions\/\d+\/proposals\/1$/);
  });

  it('shows a proposal: per-site activations with each table’s cell and CI, and downloads named by version that say the weights are seeded', async () => {
    const version = versionUrl.split('/').pop()!;
    await page.getByRole('heading', { name: `Proposal 1 of version ${version}` }).waitFor();
    expect(await page.getByTestId('proposal-objective').textContent()).toMatch(/^\d+\.\d{2} ms$/);
    const rows = page.getByTestId('proposal-sites').locator('tbody tr');
    expect(await rows.count()).toBe(68);
    const headers = await page.getByTestId('proposal-sites').locator('thead th').allTextContents();
    expect(headers).toEqual(expect.arrayContaining(['Δ latency on Pi 5 (ms), v1', 'Δ accuracy on Pi 5 (mAP), v1', 'Δ memory on Pi 5 (KB), v1']));
    const changed = rows.filter({ hasNot: page.getByText('±0 (reference)') }).first();
    expect((await changed.locator('td').nth(headers.indexOf('Δ latency on Pi 5 (ms), v1')).textContent())!).toMatch(/^\u2212\d+\.\d+ \[\u2212\d+\.\d+, [\u2212+]\d+\.\d+\]$/);
    expect(await page.getByTestId('weights-note').textContent()).toContain('seeded random weights');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download proposal 1 as ONNX (rewritten)' }).click()]);
    expect(download.suggestedFilename()).toBe(`yolov5nu-v${version}-rank1.onnx`);
    await expectAccessible();
    await screenshot(page, 'results-proposal');
  });

  it('lists versions with their budgets, best objective and table versions', async () => {
    await page.goto(projectUrl);
    const version = versionUrl.split('/').pop()!;
    const row = page.getByTestId('versions').locator('tbody tr').filter({ has: page.getByRole('link', { name: `v${version}`, exact: true }) });
    const text = await row.textContent();
    expect(text).toContain('accuracy Δ ≥ \u22120.0100 mAP');
    expect(text).toContain('latency ≤ 900.00 ms');
    expect(text).toContain('Pi 5: latency v1, memory v1, accuracy v1');
    expect(text).toMatch(/\d+\.\d{2} ms/);
    // The comparison versions say what they compare with.
    expect(await page.getByTestId('versions').getByText(`(compares with v${version})`).count()).toBe(2);
    // The latest result is the search's own version, not a comparison queued with it.
    expect(await page.locator('section[aria-labelledby="latest-heading"] a').textContent()).toBe(`Version ${version}`);
    await expectAccessible();
  });

  it('ranks a Pareto sweep under min latency fastest first and draws its front', async () => {
    await page.goto(`${projectUrl}/searches/new`);
    await page.getByLabel('Strategy').selectOption('PARETO');
    await box(/Also run the paper's LZCM and naive/).uncheck();
    await box('accuracy on Pi 5').check();
    await page.getByLabel('Budget value for accuracy on Pi 5 (mAP)').fill('-0.01');
    await page.getByRole('button', { name: 'Run search' }).click();
    await page.waitForURL(/\/versions\/\d+$/, { timeout: 120_000 });
    const latency = await page
      .getByRole('region', { name: 'Ranked proposals' })
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => Number((r.querySelectorAll('td')[1]?.textContent ?? '').replace(/[^\d.]/g, ''))));
    expect(latency.length).toBeGreaterThan(2);
    expect(latency[0]).toBe(Math.min(...latency));
    expect([...latency].sort((a, b) => a - b)).toEqual(latency);
    expect(await page.locator('[data-testid="pareto-chart"] .recharts-scatter-line').count()).toBeGreaterThan(0);
    await screenshot(page, 'results-pareto');
  });

  it('draws the unchanged reference as what it says when sites are locked', async () => {
    const locks = ['model.0.act', 'model.1.act', 'model.2.cv1.act'].map((site) => ({ site, activation: 'relu' }));
    const { submitSearch } = await dana.run<{ submitSearch: { id: string } }>('mutation($i: SubmitSearchInput!) { submitSearch(input: $i) { id } }', {
      i: { organizationId: ids.org, projectId: ids.project, modelSpecId: ids.model, costTableIds: [ids.latencyV2, ids.accuracy], objective: { sense: 'MIN', metric: { metric: 'LATENCY' } }, budgets: [{ metric: { metric: 'ACCURACY' }, bound: 'MIN', value: -0.01, of: 'DELTA' }], k: 2, locks },
    });
    await waitForSearches();
    await page.goto(`${projectUrl}/searches/${submitSearch.id}`);
    await page.waitForURL(/\/versions\/\d+$/);
    const rows = await chartRows();
    const reference = rows.find((r) => r[0] === 'all-SiLU (reference)');
    expect(reference?.[2]).toBe('reference');
    expect(reference?.[4]).toBe('±0');
    expect(reference?.[3]).toBe('937.89');
    expect(rows.find((r) => r[0] === 'reference with 3 locked sites')?.[2]).toBe('uniform baselines');
    expect(rows.some((r) => r[0] === 'all-ReLU')).toBe(true);
    expect(rows.find((r) => r[0] === 'all-Hardswish except 3 locked sites')).toBeDefined();
  });

  it('labels a version diff’s metrics by device name and unit', async () => {
    await page.goto(`${projectUrl}/diff?from=1&to=2`);
    const headers = await page.getByRole('region', { name: 'Metric changes' }).locator('tbody th').allTextContents();
    expect(headers).toEqual(expect.arrayContaining(['latency on Pi 5 (ms)', 'accuracy on Pi 5 (mAP)']));
    expect(await page.getByRole('region', { name: 'Metric changes' }).textContent()).not.toContain('@');
    await expectAccessible();
  });

  it('compares only tables of one metric, on one colour scale', async () => {
    await page.goto(`${platform.webUrl}/o/results-lab/tables/compare?a=${ids.latencyV2}&b=${ids.accuracy}`);
    await page.getByRole('alert').filter({ hasText: 'only tables of one metric and model compare' }).waitFor();
    expect(await page.getByTestId('heatmap').count()).toBe(0);
    const options = await page.locator('#compare-b option').allTextContents();
    expect(options.length).toBeGreaterThan(0);
    for (const option of options) expect(option).toMatch(/^latency · yolov5nu · /);
    await page.goto(`${platform.webUrl}/o/results-lab/tables/compare?a=${ids.latencyV2}&b=${ids.latencyV1}`);
    expect(await page.getByTestId('heatmap').count()).toBe(3);
    const scales = await page.locator('[aria-label="Colour scale"]').allTextContents();
    expect(scales[0]).toBe(scales[1]);
    await expectAccessible();
    await screenshot(page, 'results-compare');
  });

  it('labels the heatmap’s sites and downloads the table as CSV named by its version', async () => {
    await page.goto(`${platform.webUrl}/o/results-lab/tables/${ids.latencyV2}`);
    const heatmap = page.getByTestId('heatmap');
    await heatmap.waitFor();
    expect(Number(await heatmap.getAttribute('data-site-labels'))).toBeGreaterThanOrEqual(23);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('yolov5nu-latency-Pi_5-v2.csv');
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/^layer,activation,reference,delta/);
    expect(csv.split('\n').length).toBeGreaterThan(69);
  });
});
