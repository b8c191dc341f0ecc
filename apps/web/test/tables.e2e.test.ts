import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot } from './support/browser';
import { startPlatform } from './support/platform';
import type { Platform } from './support/platform';
import { createDevice, exampleTable, publishTable, setUpOrganization, signUpViaApi, signedInContext, withoutSites } from './support/session';
import type { ApiUser, OrgSetup } from './support/session';

let platform: Platform;
let browser: Browser;
let alice: ApiUser;
let acme: OrgSetup;
let context: BrowserContext;
let latency: string;

beforeAll(async () => {
  platform = await startPlatform('tables');
  browser = await launchBrowser();
  alice = await signUpViaApi(platform, 'Alice');
  acme = await setUpOrganization(alice, 'Acme Vision', 'acme', 'Pi 5 ORT');
  context = await signedInContext(browser, platform, alice);
  latency = await exampleTable('latency');
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

const csvFile = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

async function openUpload(): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${platform.webUrl}/o/acme/tables/new`);
  return page;
}

const publishButton = (page: Page) => page.getByRole('button', { name: 'Publish table' });

describe('uploading a cost table', () => {
  it('lists the problems of a file once, as the API numbers their rows, a few at a time, and keeps Publish off', async () => {
    const page = await openUpload();
    await page.getByLabel(/Cost table file/).setInputFiles(csvFile('wrong-unit.csv', latency.replace(/,ms$/gm, ',us')));
    await page.getByText('Checked: 340 problems.').waitFor();
    expect(await publishButton(page).isDisabled()).toBe(true);
    await page.getByText("Publishing is off until the file's 340 problems are fixed.").waitFor();
    const panels = page.getByTestId('row-errors-panel');
    expect(await panels.count()).toBe(1);
    expect(await panels.getByText('Problems in the file: 340 problems').count()).toBe(1);
    // Ten rows show, the next 90 fold away, and the rest are counted: no wall of text.
    expect(await page.getByRole('cell', { name: 'unit "us" does not match the latency table\'s unit "ms"' }).filter({ visible: true }).count()).toBe(10);
    await page.getByText('…and 240 more not listed').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(2200);
    await screenshot(page, 'upload-unit-mismatch');

    const lines = latency.split('\n');
    const broken = [lines[0], lines[1], '', '', lines[2]!.replace(',0,', ',abc,'), ...lines.slice(3)].join('\n');
    await page.getByLabel(/Cost table file/).setInputFiles(csvFile('broken.csv', broken));
    await page.getByText('Checked: 2 problems.').waitFor();
    const api = await alice.raw('mutation($input: PublishCostTableInput!) { publishCostTable(input: $input) { id } }', {
      input: { organizationId: acme.id, deviceProfileId: acme.deviceId, modelSpecId: acme.modelSpecId, metric: 'LATENCY', format: 'CSV', content: broken },
    });
    const issues = (api.errors?.[0]?.extensions as Record<string, unknown> | undefined)?.['issues'] as { row: number | null; message: string }[];
    const shown = await page.getByTestId('row-errors').first().locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(shown).toEqual(issues.map((i) => [String(i.row ?? '—'), expect.any(String), i.message]));
    expect(shown[0]).toEqual(['5', 'delta', 'not a decimal number: "abc"']);
    expect(await publishButton(page).isDisabled()).toBe(true);
    await page.close();
  });

  it('says so when Publish is pressed without a file', async () => {
    const page = await openUpload();
    await publishButton(page).click();
    await page.getByText('Choose a CSV or JSON file first.').waitFor();
    expect(await page.getByLabel(/Cost table file/).getAttribute('aria-invalid')).toBe('true');
    expect(page.url()).toBe(`${platform.webUrl}/o/acme/tables/new`);
    await page.close();
  });

  it('keeps the chosen file and its provenance when the API rejects the publish, and shows the error once', async () => {
    const shortLived = await createDevice(alice, acme.id, 'Short-lived');
    const page = await openUpload();
    await page.getByLabel('Device profile').selectOption({ label: 'Short-lived' });
    await page.getByLabel('Provenance').selectOption('MEASURED');
    await page.getByLabel('Measured with (optional)').fill('onnxruntime-node 1.30');
    await page.getByLabel('Runs per cell (optional)').fill('50');
    await page.getByLabel('Note (optional)').fill('bench rig 2');
    await page.getByLabel(/Cost table file/).setInputFiles(csvFile('latency.csv', latency));
    await page.getByText('Checked: no problems; covers all 68 sites of the model.').waitFor();
    // Someone deletes the device while the form is open: the API refuses the publish.
    await alice.call('mutation($input: DeleteDeviceProfileInput!) { deleteDeviceProfile(input: $input) }', { input: { organizationId: acme.id, id: shortLived } });
    await publishButton(page).click();
    await page.getByText('Device profile not found').first().waitFor();
    expect(await page.getByText('Device profile not found').count()).toBe(1);
    expect(page.url()).toBe(`${platform.webUrl}/o/acme/tables/new`);
    expect(await page.getByLabel('Provenance').inputValue()).toBe('MEASURED');
    expect(await page.getByLabel('Measured with (optional)').inputValue()).toBe('onnxruntime-node 1.30');
    expect(await page.getByLabel('Runs per cell (optional)').inputValue()).toBe('50');
    expect(await page.getByLabel('Note (optional)').inputValue()).toBe('bench rig 2');
    expect(await page.getByLabel(/Cost table file/).evaluate((input: HTMLInputElement) => input.files?.[0]?.name)).toBe('latency.csv');
    await page.getByTestId('chosen-file').getByText('latency.csv').waitFor();

    await page.getByLabel('Device profile').selectOption({ label: 'Pi 5 ORT' });
    await publishButton(page).click();
    await page.waitForURL(/\/o\/acme\/tables\/[0-9a-f-]{36}$/);
    await page.getByText('measured').first().waitFor();
    await page.close();
  });
});

describe('a table that lacks sites of its model', () => {
  it('is published only as explicitly partial, and is never chosen or offered for a search that needs its missing sites', async () => {
    const device = await createDevice(alice, acme.id, 'Pi 4 ORT');
    await publishTable(alice, { ...acme, deviceId: device }, 'LATENCY', latency);
    const page = await openUpload();
    await page.getByLabel('Device profile').selectOption({ label: 'Pi 4 ORT' });
    const partial = withoutSites(latency, (site) => /^model\.2[0-3]\./.test(site));
    await page.getByLabel(/Cost table file/).setInputFiles(csvFile('partial.csv', partial));
    await page.getByText(/^Checked: lacks \d+ of the model's 68 sites\.$/).waitFor();
    const warning = page.getByTestId('missing-sites');
    await warning.getByText(/The file has no rows for \d+ of the 68 sites of this model: model\.20\.cv1\.act/).waitFor();
    expect(await publishButton(page).isDisabled()).toBe(true);
    await screenshot(page, 'upload-partial');
    await warning.getByLabel(/Publish it as a partial table/).check();
    await publishButton(page).click();
    await page.waitForURL(/\/o\/acme\/tables\/[0-9a-f-]{36}$/);
    await page.getByText(/Partial table: it has no rows for \d+ sites of yolov5nu/).waitFor();

    await page.goto(`${platform.webUrl}/o/acme/tables`);
    await page.getByText(/partial: lacks \d+ sites/).waitFor();

    const { createProject } = await alice.call<{ createProject: { id: string } }>('mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }', { input: { organizationId: acme.id, name: 'Porch' } });
    await page.goto(`${platform.webUrl}/o/acme/p/${createProject.id}/searches/new`);
    const tables = page.getByRole('group', { name: 'Cost tables (one per metric and device)' });
    const partialBox = tables.getByRole('checkbox', { name: /latency · Pi 4 ORT · v2 — partial: no rows for/ });
    expect(await partialBox.isChecked()).toBe(false);
    expect(await partialBox.isDisabled()).toBe(true);
    expect(await tables.getByRole('checkbox', { name: /^latency · Pi 4 ORT · v1/ }).isChecked()).toBe(true);
    await screenshot(page, 'new-search-partial');
    await page.close();
  });
});

describe("another organization's public catalog", () => {
  it("shows its profile under 'Shared with us', offers its tables in a search, and never chooses them", async () => {
    const bob = await signUpViaApi(platform, 'Bob');
    const rival = await setUpOrganization(bob, 'Rival Robotics', 'rival', 'Rival Jetson');
    await publishTable(bob, rival, 'LATENCY', latency);
    await publishTable(bob, rival, 'MEMORY', await exampleTable('memory'));
    await bob.call('mutation($input: SetDeviceProfileVisibilityInput!) { setDeviceProfileVisibility(input: $input) { id } }', { input: { organizationId: rival.id, id: rival.deviceId, visibility: 'PUBLIC' } });

    const page = await context.newPage();
    await page.goto(`${platform.webUrl}/o/acme/devices`);
    const shared = page.getByRole('region', { name: 'Shared with us' });
    const row = shared.getByRole('row', { name: /Rival Jetson/ });
    await row.getByRole('link', { name: 'Rival Jetson' }).waitFor();
    await row.getByText('public', { exact: true }).waitFor();
    await row.getByRole('cell', { name: 'Rival Robotics' }).waitFor();
    expect(await shared.getByText(/^None/).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Ours' }).getByText('Rival Jetson').count()).toBe(0);

    await page.goto(`${platform.webUrl}/o/acme/tables`);
    await page.getByText('(public catalog, by Rival Robotics)').first().waitFor();

    const { createProject } = await alice.call<{ createProject: { id: string } }>('mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }', { input: { organizationId: acme.id, name: 'Gate' } });
    await page.goto(`${platform.webUrl}/o/acme/p/${createProject.id}/searches/new`);
    const tables = page.getByRole('group', { name: 'Cost tables (one per metric and device)' });
    await tables.getByText(/^Tables of devices shared with us or in the public catalog/).click();
    for (const metric of ['latency', 'memory']) {
      const box = tables.getByRole('checkbox', { name: `${metric} · Rival Jetson · v1 (public catalog, by Rival Robotics)` });
      expect(await box.isChecked(), metric).toBe(false);
      expect(await box.isDisabled(), metric).toBe(false);
    }
    expect(await page.getByLabel('Objective metric').locator('option', { hasText: 'Rival Jetson' }).count()).toBe(0);
    await page.close();
  });
});
