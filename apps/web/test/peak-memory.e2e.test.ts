import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, seriousViolations } from './support/browser';
import { graphql, startPlatform } from './support/platform';
import type { Platform } from './support/platform';

// The peak-memory budget in the dashboard's search form: offered for a chosen memory table that
// was published with live-set rows, not for one without.
const examples = fileURLToPath(new URL('../../../packages/core/examples/yolov5nu-synthetic/', import.meta.url));
const KB = 1024;
/** model.0.act's output is live at step 0: 200 KB unfused (SiLU, LeakyReLU), 100 KB as Hardswish, 50 KB fused. */
const liveSet = {
  base: [900 * KB, 800 * KB],
  terms: [
    { step: 0, site: 'model.0.act', activation: 'silu', bytes: 200 * KB },
    { step: 0, site: 'model.0.act', activation: 'leakyrelu', bytes: 200 * KB },
    { step: 0, site: 'model.0.act', activation: 'hardswish', bytes: 100 * KB },
    { step: 0, site: 'model.0.act', activation: 'relu', bytes: 50 * KB },
    { step: 0, site: 'model.0.act', activation: 'relu6', bytes: 50 * KB },
  ],
};

let platform: Platform;
let browser: Browser;
let page: Page;
let projectId: string;

/** One GraphQL call as the signed-in user; fails the test on an error. */
async function call<T>(token: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const { data, errors } = await graphql<T>(platform.apiUrl, token, query, variables);
  if (errors?.length) throw new Error(errors.map((e) => e.message).join('; '));
  return data!;
}

beforeAll(async () => {
  platform = await startPlatform('peak');
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  context.setDefaultTimeout(30_000);
  page = await context.newPage();

  const { signUp } = await call<{ signUp: { token: string } }>(undefined, 'mutation($input: SignUpInput!) { signUp(input: $input) { token } }', {
    input: { email: 'pat@peak.test', password: 'correct horse battery', name: 'Pat Peak' },
  });
  const token = signUp.token;
  const org = (await call<{ createOrganization: { id: string } }>(token, 'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }', { input: { name: 'Peak Lab', slug: 'peak-lab' } })).createOrganization.id;
  projectId = (await call<{ createProject: { id: string } }>(token, 'mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }', { input: { organizationId: org, name: 'Doorbell' } })).createProject.id;
  const device = (
    await call<{ createDeviceProfile: { id: string } }>(token, 'mutation($input: CreateDeviceProfileInput!) { createDeviceProfile(input: $input) { id } }', {
      input: { organizationId: org, name: 'Pi', processor: 'Cortex-A76', runtime: 'onnxruntime', runtimeVersion: '1.30', threads: 4, inputSize: 640 },
    })
  ).createDeviceProfile.id;
  const model = (await call<{ registerBuiltinModelSpec: { id: string } }>(token, 'mutation($input: RegisterBuiltinModelSpecInput!) { registerBuiltinModelSpec(input: $input) { id } }', { input: { organizationId: org, builtinName: 'yolov5nu' } })).registerBuiltinModelSpec.id;
  const publish = async (metric: string, file: string, rows?: unknown): Promise<void> => {
    await call(token, 'mutation($input: PublishCostTableInput!) { publishCostTable(input: $input) { id } }', {
      input: { organizationId: org, deviceProfileId: device, modelSpecId: model, metric, format: 'CSV', content: await readFile(`${examples}${file}`, 'utf8'), provenance: { source: 'SYNTHETIC' }, ...(rows ? { liveSet: rows } : {}) },
    });
  };
  await publish('LATENCY', 'latency.csv');
  await publish('ACCURACY', 'accuracy.csv');
  await publish('MEMORY', 'memory.csv'); // v1: no live-set rows
  await publish('MEMORY', 'memory.csv', liveSet); // v2: with them

  await page.goto(`${platform.webUrl}/sign-in`);
  await page.getByLabel('Email').fill('pat@peak.test');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/o/peak-lab**');
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

describe('peak-memory budget in the search form', () => {
  it('is offered for a memory table with live-set rows, and the search keeps every proposal under it', async () => {
    await page.goto(`${platform.webUrl}/o/peak-lab/p/${projectId}/searches/new`);
    const peak = page.getByRole('checkbox', { name: 'peak memory on Pi' });
    // The newest memory table (v2, with rows) is chosen by default.
    await peak.waitFor();
    await page.getByRole('checkbox', { name: 'memory · Pi · v2' }).uncheck();
    await page.getByRole('checkbox', { name: 'memory · Pi · v1' }).check();
    expect(await peak.count()).toBe(0);
    await page.getByRole('checkbox', { name: 'memory · Pi · v1' }).uncheck();
    await page.getByRole('checkbox', { name: 'memory · Pi · v2' }).check();

    await page.getByLabel('Minimise or maximise').selectOption('MAX');
    await page.getByLabel('Objective metric').selectOption({ label: 'accuracy on Pi' });
    await peak.check();
    expect(await page.getByLabel('Bound for peak memory on Pi').isDisabled()).toBe(true);
    await page.getByLabel('Budget value for peak memory on Pi (KB)').fill('0');
    await page.getByRole('button', { name: 'Run search' }).click();
    await page.getByText('A peak-memory budget is a positive number of KB.').first().waitFor();
    await page.getByLabel('Budget value for peak memory on Pi (KB)').fill('1000');
    const violations = await seriousViolations(page);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await screenshot(page, 'new-search-peak-memory');
    await page.getByRole('button', { name: 'Run search' }).click();
    await page.waitForURL(/\/versions\/\d+$/, { timeout: 120_000 });

    await page.getByText(/subject to peak memory on Pi ≤ 1000/).waitFor();
    const header = page.getByRole('columnheader', { name: 'peak memory on Pi (KB)' });
    await header.waitFor();
    // Every proposal's peak is within the budget (the reference peaks at 1100 KB).
    const table = page.getByRole('region', { name: 'Ranked proposals' }).getByRole('table');
    const rows = table.getByRole('row');
    const column = await table.getByRole('columnheader').allTextContents();
    const index = column.findIndex((c) => c.trim() === 'peak memory on Pi (KB)');
    const count = await rows.count();
    expect(count).toBeGreaterThan(1);
    for (let i = 1; i < count; i++) {
      const cell = (await rows.nth(i).getByRole('cell').nth(index).textContent()) ?? '';
      const peakKB = Number(/^([\d.]+) KB/.exec(cell.trim())?.[1]);
      expect(peakKB, cell).toBeLessThanOrEqual(1000);
    }
  });
});
