import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot, seriousViolations } from './support/browser';
import { graphql, startPlatform } from './support/platform';
import type { Platform } from './support/platform';
import { ApiUser, exampleTable, latencyWithCi } from './support/seed';

// Issue 14, the dashboard half: a version's proposals verified on a device, measured beside predicted.

interface Total {
  readonly metric: string;
  readonly delta: number;
  readonly total: number;
}
interface Proposal {
  readonly rank: number;
  readonly totals: readonly Total[];
}

let platform: Platform;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dana: ApiUser;
let agentToken = '';
const errors: string[] = [];
const ids = { org: '', project: '', device: '', model: '', latency: '', accuracy: '', memory: '', set: '' };
let versionUrl = '';
let proposals: readonly Proposal[] = [];

const delta = (p: Proposal | undefined, metric: string): number => p!.totals.find((t) => t.metric === metric)!.delta;
const total = (p: Proposal | undefined, metric: string): number => p!.totals.find((t) => t.metric === metric)!.total;

async function agent<T>(query: string, i: Record<string, unknown>): Promise<T> {
  const r = await graphql<T>(platform.apiUrl, agentToken, query, { i: { organizationId: ids.org, ...i } });
  if (!r.data || r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data;
}

beforeAll(async () => {
  platform = await startPlatform('verification');
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(30_000);
  page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));

  dana = await ApiUser.signUp(platform.apiUrl, 'dana@verify.test', 'Dana');
  ids.org = await dana.organization('Verify Lab', 'verify-lab');
  ids.project = await dana.project(ids.org, 'Drone detector');
  ids.device = await dana.device(ids.org, 'Pi 5');
  ids.model = await dana.model(ids.org);
  ids.latency = await dana.table(ids.org, ids.device, ids.model, 'LATENCY', await latencyWithCi(1));
  ids.accuracy = await dana.table(ids.org, ids.device, ids.model, 'ACCURACY', await exampleTable('accuracy'));
  ids.memory = await dana.table(ids.org, ids.device, ids.model, 'MEMORY', await exampleTable('memory'));
  agentToken = (await dana.run<{ createApiToken: { secret: string } }>('mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }', { i: { organizationId: ids.org, name: 'agent', scopes: ['AGENT'] } })).createApiToken.secret;

  const { submitSearch } = await dana.run<{ submitSearch: { id: string } }>('mutation($i: SubmitSearchInput!) { submitSearch(input: $i) { id } }', {
    i: { organizationId: ids.org, projectId: ids.project, modelSpecId: ids.model, costTableIds: [ids.latency, ids.accuracy, ids.memory], objective: { sense: 'MIN', metric: { metric: 'LATENCY' } }, budgets: [{ metric: { metric: 'ACCURACY' }, bound: 'MIN', value: -0.01, of: 'DELTA' }], k: 5 },
  });
  let version = 0;
  for (let i = 0; i < 480 && version === 0; i++) {
    const { organization } = await dana.run<{ organization: { searchRequest: { status: string; proposalSet: { id: string; version: number; proposals: Proposal[] } | null } } }>(
      'query($id: ID!) { organization(slug: "verify-lab") { searchRequest(id: $id) { status proposalSet { id version proposals { rank totals { metric delta total } } } } } }',
      { id: submitSearch.id },
    );
    const request = organization.searchRequest;
    if (request.status === 'FAILED') throw new Error('search failed');
    if (request.proposalSet) {
      ({ id: ids.set, version, proposals } = request.proposalSet);
    } else await new Promise((r) => setTimeout(r, 250));
  }
  if (version === 0) throw new Error('search did not finish');
  await dana.signIn(context, platform.webUrl);
  versionUrl = `${platform.webUrl}/o/verify-lab/p/${ids.project}/versions/${version}`;
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

async function expectAccessible(): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

const rankOrder = (): Promise<number[]> => page.getByRole('region', { name: 'Ranked proposals' }).locator('tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-rank'))));
const row = (rank: number) => page.getByRole('region', { name: 'Ranked proposals' }).locator(`tbody tr[data-rank="${rank}"]`);

describe('verifying a version on a device, in Chromium', () => {
  it('names an API error beside the form, then queues the top three and shows the job waiting for an agent', async () => {
    expect(proposals.length).toBe(5);
    await page.goto(versionUrl);
    // Nothing measured yet: no measured columns, no order toggle.
    expect(await page.getByRole('link', { name: 'Rank by measurement' }).count()).toBe(0);
    const form = page.getByTestId('verify-form');
    expect(await form.getByLabel('Device profile').locator('option:checked').textContent()).toBe('Pi 5 (latency, memory, accuracy)');
    expect(await form.getByLabel('Ranks to verify').inputValue()).toBe('1-3');

    await form.getByLabel('Ranks to verify').fill('2, 9');
    await form.getByRole('button', { name: 'Verify on device' }).click();
    await form.locator('.alert.error').filter({ hasText: 'has no proposal of rank 9 (it has ranks 1–5)' }).waitFor();
    expect(await form.locator('#verify-ranks-error').textContent()).toContain('no proposal of rank 9');
    expect(await form.getByLabel('Ranks to verify').inputValue()).toBe('2, 9');
    expect(await page.getByTestId('verification-jobs').count()).toBe(0);

    await form.getByLabel('Ranks to verify').fill('1-3');
    await form.getByRole('button', { name: 'Verify on device' }).click();
    const jobs = page.getByTestId('verification-jobs');
    await jobs.waitFor();
    const cells = await jobs.locator('tbody tr').first().locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['1–3', 'Pi 5', 'latency, memory, accuracy']);
    expect(cells[3]).toBe('queued');
    expect(cells[4]).toBe('waiting for an agent');
    expect(await page.getByText('Updating live…').count()).toBeGreaterThan(0);
    await expectAccessible();
    expect(errors).toEqual([]);
  });

  it('follows the agent: leased with its name, its progress, then done, and lists the job on the jobs page', async () => {
    const { leaseVerificationJob: lease } = await agent<{ leaseVerificationJob: { leaseId: string; job: { id: string; ranks: number[]; metrics: string[] } } }>(
      'mutation($i: LeaseVerificationJobInput!) { leaseVerificationJob(input: $i) { leaseId job { id ranks metrics } } }',
      { agentName: 'pi-bench' },
    );
    expect(lease.job.ranks).toEqual([1, 2, 3]);
    await agent('mutation($i: ReportVerificationProgressInput!) { reportVerificationProgress(input: $i) { id } }', { jobId: lease.job.id, leaseId: lease.leaseId, progress: 0.5 });
    // The page refreshes itself while the job is live.
    const status = page.getByTestId('verification-status').first();
    await page.getByTestId('verification-jobs').locator('tbody tr').first().getByText(/^leased by "pi-bench" \(token .+…\) until \d\d:\d\d:\d\d UTC$/).waitFor();
    expect(await status.textContent()).toBe('running');
    // A refresh between the lease and the progress report shows 0 %: wait for the next one.
    await page.waitForFunction(() => document.querySelector('[data-testid="verification-jobs"] progress')?.getAttribute('value') === '50');

    const [p1, p2, p3] = proposals;
    const latency = (p: Proposal | undefined, shift: number) => ({ metric: 'LATENCY', measured: delta(p, 'LATENCY') + shift, ciLow: delta(p, 'LATENCY') + shift - 0.2, ciHigh: delta(p, 'LATENCY') + shift + 0.2, runs: 40, host: 'pi5-lab' });
    const measurements = [
      // #1: 40 ms slower than its cells add up to, far beyond their uncertainty (σ of 68 cells ≤ 6 ms).
      { rank: 1, ...latency(p1, 40) },
      { rank: 2, ...latency(p2, 0) },
      // #2: loses 0.02 mAP as measured, past the budget, yet within its wide CI of the prediction.
      { rank: 2, metric: 'ACCURACY', measured: -0.02, ciLow: -0.05, ciHigh: 0.01, runs: 3, host: 'pi5-lab' },
      { rank: 3, ...latency(p3, 0) },
      { rank: 3, metric: 'MEMORY', measured: delta(p3, 'MEMORY'), runs: 1, host: 'pi5-lab' },
    ];
    await agent('mutation($i: CompleteVerificationJobInput!) { completeVerificationJob(input: $i) { id } }', { jobId: lease.job.id, leaseId: lease.leaseId, measurements });
    await page.waitForFunction(() => document.querySelector('[data-testid="verification-status"]')?.textContent === 'succeeded');
    expect(await page.getByTestId('verification-jobs').locator('tbody tr').first().locator('td').nth(4).textContent()).toMatch(/^ran on "pi-bench"/);

    await page.goto(`${platform.webUrl}/o/verify-lab/jobs`);
    const listed = page.getByRole('region', { name: 'Verification jobs' });
    expect(await listed.locator('tbody tr').first().locator('td').allTextContents()).toEqual(expect.arrayContaining(['Drone detector v1', '1–3', 'Pi 5', 'succeeded']));
    await expectAccessible();
  });

  it('shows measured beside predicted: the measured columns, the flags and the error bars', async () => {
    await page.goto(versionUrl);
    const table = page.getByRole('region', { name: 'Ranked proposals' });
    const headers = await table.getByRole('columnheader').allTextContents();
    // The objective's and the budget's metrics; memory was measured but bounds nothing.
    expect(headers).toEqual(expect.arrayContaining(['Measured objective (ms)', 'Measured Δ latency on Pi 5 (ms)', 'Measured Δ accuracy on Pi 5 (mAP)', 'As measured']));
    expect(headers.some((h) => h.startsWith('Measured Δ memory'))).toBe(false);
    const latencyColumn = headers.indexOf('Measured Δ latency on Pi 5 (ms)');
    const [p1, p2] = proposals;
    const shown = (n: number): string => `${n < 0 ? '\u2212' : '+'}${Math.abs(n).toFixed(2)} ms`;
    expect(await row(1).locator('td').nth(latencyColumn).textContent()).toBe(`${shown(delta(p1, 'LATENCY') + 40)} ± 0.20 ms40 runs`);
    expect(await row(1).getByTestId('measured-objective').textContent()).toBe(`${(total(p1, 'LATENCY') + 40).toFixed(2)} ms`);
    expect(await row(4).locator('td').nth(latencyColumn).textContent()).toBe('—');

    expect(await row(1).locator('[data-flag]').allTextContents()).toEqual(['latency on Pi 5 outside prediction']);
    expect(await row(2).locator('[data-flag]').allTextContents()).toEqual(['breaks accuracy Δ ≥ \u22120.0100 mAP as measured']);
    expect(await row(3).getByTestId('verification-flags').textContent()).toBe('as predicted');
    expect(await row(4).getByTestId('verification-flags').textContent()).toBe('not measured');
    expect(delta(p2, 'ACCURACY')).toBeGreaterThanOrEqual(-0.01);

    // One measured diamond with an error bar per measured latency.
    const chart = page.getByTestId('pareto-chart');
    expect(await chart.locator('a[data-point$=" measured"]').count()).toBe(3);
    expect(await chart.locator('.recharts-errorBar').count()).toBe(3);
    expect(await chart.getByTestId('pareto-legend').textContent()).toContain('measured (95% CI)');
    await expectAccessible();
    await screenshot(page, 'verification-version');
  });

  it('ranks by measurement without JavaScript: measured-feasible first by measured objective, then over a budget, then unmeasured', async () => {
    expect(await rankOrder()).toEqual([1, 2, 3, 4, 5]);
    const [p1, , p3] = proposals;
    const feasible = total(p3, 'LATENCY') < total(p1, 'LATENCY') + 40 ? [3, 1] : [1, 3];
    const plain = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1440, height: 900 } });
    await dana.signIn(plain, platform.webUrl);
    const noScript = await plain.newPage();
    await noScript.goto(versionUrl);
    await noScript.getByRole('link', { name: 'Rank by measurement' }).click();
    await noScript.waitForURL(/\?order=measured$/);
    const order = await noScript.getByRole('region', { name: 'Ranked proposals' }).locator('tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-rank'))));
    expect(order).toEqual([...feasible, 2, 4, 5]);
    expect(await noScript.getByRole('link', { name: 'Rank by measurement' }).getAttribute('aria-current')).toBe('page');
    await plain.close();
  });

  it('lists a proposal’s measurements with device, prediction, CI, runs, host and time', async () => {
    await page.goto(`${versionUrl}/proposals/3`);
    const rows = page.getByTestId('proposal-measurements').locator('tbody tr');
    expect(await rows.count()).toBe(2);
    const texts = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const latency = texts.find((t) => t[0] === 'latency')!;
    expect(latency[1]).toBe('Pi 5');
    expect(latency[2]).toMatch(/^\u2212\d+\.\d{2} ms ± \d+\.\d{2} ms$/);
    expect(latency[4]).toMatch(/^\[\u2212\d+\.\d{2}, \u2212\d+\.\d{2}\] \(± 0\.20 ms\)$/);
    expect(latency.slice(5, 7)).toEqual(['40', 'pi5-lab']);
    expect(latency[7]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(latency[8]).toBe('inside');
    expect(texts.find((t) => t[0] === 'memory')?.[8]).toBe('inside');
    await expectAccessible();
    expect(errors).toEqual([]);
  });

  it('verifies on a second device that the search did not use: its own column, named on the proposal, unflagged without a prediction', async () => {
    const jetson = await dana.device(ids.org, 'Jetson');
    await dana.table(ids.org, jetson, ids.model, 'LATENCY', await latencyWithCi(0.5));
    await page.goto(versionUrl);
    const form = page.getByTestId('verify-form');
    await form.getByLabel('Device profile').selectOption({ label: 'Jetson (latency)' });
    await form.getByLabel('Ranks to verify').fill('1');
    await form.getByRole('button', { name: 'Verify on device' }).click();
    await page.getByTestId('verification-jobs').locator('tbody tr').filter({ hasText: 'Jetson' }).getByText('waiting for an agent').waitFor();

    const { leaseVerificationJob: lease } = await agent<{ leaseVerificationJob: { leaseId: string; job: { id: string; ranks: number[]; metrics: string[] } } }>(
      'mutation($i: LeaseVerificationJobInput!) { leaseVerificationJob(input: $i) { leaseId job { id ranks metrics } } }',
      { agentName: 'jetson-bench' },
    );
    expect([lease.job.ranks, lease.job.metrics]).toEqual([[1], ['LATENCY']]);
    await agent('mutation($i: CompleteVerificationJobInput!) { completeVerificationJob(input: $i) { id } }', {
      jobId: lease.job.id,
      leaseId: lease.leaseId,
      measurements: [{ rank: 1, metric: 'LATENCY', measured: -50, ciLow: -50.3, ciHigh: -49.7, runs: 20, host: 'jetson-lab' }],
    });
    await page.goto(versionUrl);
    expect(await page.getByRole('region', { name: 'Ranked proposals' }).getByRole('columnheader').allTextContents()).toContain('Measured Δ latency on Jetson (ms)');
    expect(await row(1).locator('[data-flag]').allTextContents()).toEqual(['latency on Pi 5 outside prediction']);

    await page.goto(`${versionUrl}/proposals/1`);
    const texts = await page.getByTestId('proposal-measurements').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const onJetson = texts.find((t) => t[1] === 'Jetson');
    expect(onJetson?.slice(2, 4)).toEqual(['—', '\u221250.00 ms']);
    expect(onJetson?.[8]).toBe('no prediction');
    expect(texts.find((t) => t[1] === 'Pi 5')?.[8]).toBe('outside');
  });
});
