import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot, seriousViolations } from './support/browser';
import { graphql, startPlatform } from './support/platform';
import type { Platform } from './support/platform';
import { ApiUser, exampleTable, latencyWithCi } from './support/seed';

// Issue 14, the loop in the dashboard: a search that verifies on the device in rounds, asked for
// from the form and followed on the search page while an agent (this test, over GraphQL) measures.

interface DraftProposal {
  readonly rank: number;
  readonly totals: readonly { readonly metric: string; readonly delta: number; readonly total: number }[];
}

const LIMIT = 900;
let platform: Platform;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dana: ApiUser;
let agentToken = '';
const errors: string[] = [];
const UNTITLED = 'untitled:';
const untitled: string[] = [];
const ids = { org: '', project: '', device: '', model: '' };
let searchUrl = '';

async function agent<T>(query: string, i: Record<string, unknown>): Promise<T> {
  const r = await graphql<T>(platform.apiUrl, agentToken, query, { i: { organizationId: ids.org, ...i } });
  if (!r.data || r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data;
}

/** Leases the round's job as an agent and reads the draft proposals it asks for (as the owner may). */
async function leaseRound(): Promise<{ jobId: string; leaseId: string; latency: { rank: number; delta: number; total: number }[] }> {
  const { leaseVerificationJob: lease } = await agent<{ leaseVerificationJob: { leaseId: string; job: { id: string } } }>('mutation($i: LeaseVerificationJobInput!) { leaseVerificationJob(input: $i) { leaseId job { id } } }', { agentName: 'pi-loop' });
  const { organization } = await dana.run<{ organization: { verificationJob: { ranks: number[]; proposalSet: { draft: boolean; proposals: DraftProposal[] } } } }>(
    'query($id: ID!) { organization(slug: "loop-lab") { verificationJob(id: $id) { ranks proposalSet { draft proposals { rank totals { metric delta total } } } } } }',
    { id: lease.job.id },
  );
  const job = organization.verificationJob;
  expect(job.proposalSet.draft).toBe(true);
  const latency = job.ranks.map((rank) => ({ rank, ...job.proposalSet.proposals.find((p) => p.rank === rank)!.totals.find((t) => t.metric === 'LATENCY')! }));
  return { jobId: lease.job.id, leaseId: lease.leaseId, latency };
}

/** Completes the job with each proposal's whole-model latency as `measuredTotal(predicted total)`. */
async function complete(round: Awaited<ReturnType<typeof leaseRound>>, measuredTotal: (predicted: number) => number): Promise<void> {
  const measurements = round.latency.map((p) => {
    const measured = p.delta + measuredTotal(p.total) - p.total;
    return { rank: p.rank, metric: 'LATENCY', measured, measuredTotal: measuredTotal(p.total), ciLow: measured - 0.1, ciHigh: measured + 0.1, runs: 30, host: 'pi5-lab' };
  });
  await agent('mutation($i: CompleteVerificationJobInput!) { completeVerificationJob(input: $i) { id } }', { jobId: round.jobId, leaseId: round.leaseId, measurements });
}

const line = () => page.getByTestId('verification-line');

async function tableIds(): Promise<string[]> {
  const { organization } = await dana.run<{ organization: { costTables: { nodes: { id: string }[] } } }>('{ organization(slug: "loop-lab") { costTables(first: 10) { nodes { id } } } }');
  return organization.costTables.nodes.map((t) => t.id);
}

beforeAll(async () => {
  platform = await startPlatform('search-verification');
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(30_000);
  // Reports each moment a page is left without a title (the tab's name, what a screen reader
  // announces first) while it stays on its path. With streamed metadata every refresh of a live
  // page replaced its <title> with one that arrived later: on a loaded host the page had none for
  // a moment, which this catches when it happens (and an axe run once did). Between two pages the
  // title changes with the route (a server action's redirect swaps it within ~20 ms): not counted.
  await context.addInitScript((marker) => {
    let titledPath = location.pathname;
    new MutationObserver(() => {
      if (document.title !== '') titledPath = location.pathname;
      else if (document.readyState !== 'loading' && location.pathname === titledPath) console.warn(`${marker} ${location.pathname}`);
    }).observe(document, { subtree: true, childList: true });
  }, UNTITLED);
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.text().startsWith(UNTITLED)) untitled.push(m.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));

  dana = await ApiUser.signUp(platform.apiUrl, 'dana@loop.test', 'Dana');
  ids.org = await dana.organization('Loop Lab', 'loop-lab');
  ids.project = await dana.project(ids.org, 'Drone detector');
  ids.device = await dana.device(ids.org, 'Pi 5');
  ids.model = await dana.model(ids.org);
  await dana.table(ids.org, ids.device, ids.model, 'LATENCY', await latencyWithCi(1));
  await dana.table(ids.org, ids.device, ids.model, 'ACCURACY', await exampleTable('accuracy'));
  agentToken = (await dana.run<{ createApiToken: { secret: string } }>('mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }', { i: { organizationId: ids.org, name: 'agent', scopes: ['AGENT'] } })).createApiToken.secret;
  await dana.signIn(context, platform.webUrl);
});

afterEach(() => {
  // Some twenty refreshes of the search page: none left it without its title.
  expect(untitled.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

async function expectAccessible(): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

describe('a search that verifies on the device, in Chromium', () => {
  it('asks for two rounds on the chosen tables’ device from the form, then waits for an agent in round 1', async () => {
    await page.goto(`${platform.webUrl}/o/loop-lab/p/${ids.project}/searches/new`);
    // Maximise accuracy under a latency cap: the proposals sit close to the cap.
    await page.getByLabel('Minimise or maximise').selectOption('MAX');
    await page.getByLabel('Objective metric').selectOption({ label: 'accuracy on Pi 5' });
    await page.getByLabel('Proposals (k)').fill('2');
    await page.getByRole('checkbox', { name: 'latency on Pi 5' }).check();
    await page.getByLabel('Budget value for latency on Pi 5 (ms)').fill(String(LIMIT));
    expect(await page.getByLabel('Verify on device', { exact: true }).isDisabled()).toBe(true);
    await page.getByLabel('Verification rounds').selectOption('2');
    expect(await page.getByLabel('Verify on device', { exact: true }).locator('option:checked').textContent()).toBe('Pi 5');
    expect(await page.getByRole('checkbox', { name: /LZCM and naive/ }).isDisabled()).toBe(true);
    await expectAccessible();
    await page.getByRole('button', { name: 'Run search' }).click();
    await page.waitForURL(/\/searches\/(?!new$)[^/]+$/);
    searchUrl = page.url();

    // The page keeps refreshing through the search into the wait for the device.
    await line().filter({ hasText: 'verifying on Pi 5: round 1 of 2, waiting for an agent' }).waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('search-status').textContent()).toBe('verifying');
    const round1 = page.getByTestId('verification-rounds').locator('tr[data-round="1"]');
    expect(await round1.locator('td').nth(1).textContent()).toBe(`latency ≤ ${LIMIT.toFixed(2)} ms`);
    expect(await round1.getByTestId('round-job').textContent()).toMatch(/^queued · waiting for an agent0%/);
    expect(await round1.getByTestId('round-job').getByRole('link', { name: 'queued' }).getAttribute('href')).toBe('/o/loop-lab/jobs');
    expect(await page.getByText('Updating live…').count()).toBeGreaterThan(0);
    await expectAccessible();
    await screenshot(page, 'search-verifying');

    await page.goto(`${platform.webUrl}/o/loop-lab/p/${ids.project}`);
    expect(await page.getByTestId('search-verification').textContent()).toBe('verifying on Pi 5: round 1 of 2, waiting for an agent');
    expect(await page.getByText('Updating live…').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('follows the agent through round 1 (a broken latency cap, tightened) and round 2 (met), and ends with the version', async () => {
    await page.goto(searchUrl);
    const first = await leaseRound();
    expect(first.latency.length).toBe(2);
    await agent('mutation($i: ReportVerificationProgressInput!) { reportVerificationProgress(input: $i) { id } }', { jobId: first.jobId, leaseId: first.leaseId, progress: 0.4 });
    await line().filter({ hasText: 'verifying on Pi 5: round 1 of 2, measuring 40 %' }).waitFor();
    expect(await page.getByTestId('round-job').first().textContent()).toMatch(/^running · leased by "pi-loop" \(token .+…\) until \d\d:\d\d:\d\d UTC/);
    expect(await page.getByTestId('round-job').first().locator('progress').getAttribute('value')).toBe('40');

    // Every proposal measures 1 ms over the cap: the cap moves down by the largest residual.
    await complete(first, () => LIMIT + 1);
    const tightenedTo = Math.floor((LIMIT - Math.max(...first.latency.map((p) => LIMIT + 1 - p.total))) * 1e4) / 1e4;
    await line().filter({ hasText: 'verifying on Pi 5: round 2 of 2, waiting for an agent' }).waitFor({ timeout: 120_000 });
    const rounds = page.getByTestId('verification-rounds');
    const tightened = await rounds.locator('tr[data-round="1"]').getByTestId('round-tightened').textContent();
    const [, to, residual, breakers] = /^latency(?: on Pi 5)? ≤ 900: 900 → ([\d.]+) \(residual ([\d.]+), broken by (\d+)\)$/.exec(tightened ?? '') ?? [];
    expect(Number(to)).toBeCloseTo(tightenedTo, 3);
    expect(Number(residual)).toBeCloseTo(LIMIT - tightenedTo, 3);
    expect(breakers).toBe('2');
    expect(await rounds.locator('tr[data-round="1"] td').nth(2).textContent()).toMatch(/^2 found \((optimal|feasible)\), 2 new to measure, 0 meet every budget as measured$/);
    expect(await rounds.locator('tr[data-round="2"] td').nth(1).textContent()).toBe(`latency ≤ ${tightenedTo.toFixed(2)} ms`);
    await expectAccessible();
    await screenshot(page, 'search-verifying-round-2');

    // Round 2's new proposals measure as predicted: under the tightened cap, so under the submitted one.
    const second = await leaseRound();
    expect(second.latency.every((p) => p.total <= tightenedTo)).toBe(true);
    await complete(second, (predicted) => predicted);
    await line().filter({ hasText: 'verified on Pi 5: every budget met as measured in round 2 of 2' }).waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('search-status').textContent()).toBe('succeeded');
    expect(await page.getByTestId('verification-outcome').textContent()).toBe('Every proposal of the last round meets every budget as measured.');
    expect(await page.getByText('Updating live…').count()).toBe(0);
    await page.getByRole('link', { name: 'Open version 1' }).click();
    await page.waitForURL(/\/versions\/1$/);
    await page.getByRole('region', { name: 'Ranked proposals' }).first().waitFor();
    expect(errors).toEqual([]);
  });

  it('shows why a search failed when its round could not be measured (VERIFICATION_FAILED)', async () => {
    const { submitSearch } = await dana.run<{ submitSearch: { id: string } }>('mutation($i: SubmitSearchInput!) { submitSearch(input: $i) { id } }', {
      i: { organizationId: ids.org, projectId: ids.project, modelSpecId: ids.model, costTableIds: await tableIds(), objective: { sense: 'MAX', metric: { metric: 'ACCURACY' } }, budgets: [{ metric: { metric: 'LATENCY' }, bound: 'MAX', value: LIMIT, of: 'TOTAL' }], k: 1, verify: { rounds: 1 } },
    });
    await page.goto(`${platform.webUrl}/o/loop-lab/p/${ids.project}/searches/${submitSearch.id}`);
    await line().filter({ hasText: 'verifying on Pi 5: round 1 of 1, waiting for an agent' }).waitFor({ timeout: 120_000 });
    // The job's attempts run out: each lease fails.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const { leaseVerificationJob: lease } = await agent<{ leaseVerificationJob: { leaseId: string; job: { id: string } } }>('mutation($i: LeaseVerificationJobInput!) { leaseVerificationJob(input: $i) { leaseId job { id } } }', { agentName: 'pi-loop' });
      await agent('mutation($i: FailVerificationJobInput!) { failVerificationJob(input: $i) { id } }', { jobId: lease.job.id, leaseId: lease.leaseId, message: 'camera pipeline busy' });
    }
    const alert = page.getByRole('alert').filter({ hasText: 'Verifying on the device failed' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('camera pipeline busy');
    expect(await page.getByTestId('search-status').textContent()).toBe('failed');
    expect(await line().textContent()).toBe('verification on Pi 5 stopped in round 1 of 1');
    expect(await page.getByTestId('round-job').textContent()).toMatch(/^failed · ran on "pi-loop"/);
    expect(await page.getByText('Updating live…').count()).toBe(0);
    await expectAccessible();
    expect(errors).toEqual([]);
  });
});
