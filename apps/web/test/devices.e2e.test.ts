import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser, screenshot } from './support/browser';
import { startPlatform } from './support/platform';
import type { Platform } from './support/platform';
import { createDevice, exampleTable, publishTable, setUpOrganization, signUpViaApi, signedInContext } from './support/session';
import type { ApiUser, OrgSetup } from './support/session';

let platform: Platform;
let browser: Browser;
let alice: ApiUser;
let acme: OrgSetup;
let context: BrowserContext;

beforeAll(async () => {
  platform = await startPlatform('devices');
  browser = await launchBrowser();
  alice = await signUpViaApi(platform, 'Alice');
  acme = await setUpOrganization(alice, 'Acme Vision', 'acme', 'Pi 5 ORT');
  context = await signedInContext(browser, platform, alice);
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

interface StoredProfile {
  readonly name: string;
  readonly processor: string;
  readonly accelerator: string | null;
  readonly runtime: string;
  readonly runtimeVersion: string;
  readonly threads: number;
  readonly inputSize: number;
  readonly memoryLimitKb: number | null;
  readonly fusedActivations: string[];
}

const stored = async (id: string): Promise<StoredProfile> =>
  (
    await alice.call<{ organization: { deviceProfile: StoredProfile } }>(
      'query($slug: String!, $id: ID!) { organization(slug: $slug) { deviceProfile(id: $id) { name processor accelerator runtime runtimeVersion threads inputSize memoryLimitKb fusedActivations } } }',
      { slug: 'acme', id },
    )
  ).organization.deviceProfile;

describe('editing a device profile', () => {
  it('loads every field as stored, one box per activation kind, and saving round-trips them', async () => {
    const id = await createDevice(alice, acme.id, 'Hailo rig', { accelerator: 'Hailo-8', memoryLimitKb: 1_048_576, fusedActivations: ['relu', 'relu6', 'leakyrelu', 'hardsigmoid'] });
    const before = await stored(id);
    const page = await context.newPage();
    await page.goto(`${platform.webUrl}/o/acme/devices/${id}`);
    const fused = page.getByRole('group', { name: 'Activations fused into the preceding convolution' });
    const boxes = await fused.getByRole('checkbox').evaluateAll((inputs: HTMLInputElement[]) => inputs.map((i) => [i.value, i.checked] as const));
    expect(Object.fromEntries(boxes)).toMatchObject({ relu: true, relu6: true, leakyrelu: true, hardsigmoid: true, silu: false, hardswish: false });
    expect(await fused.getByRole('checkbox', { name: 'Hardsigmoid' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Accelerator (optional)').inputValue()).toBe('Hailo-8');
    expect(await page.getByLabel('Memory limit (KB, optional)').inputValue()).toBe('1048576');

    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor();
    expect(await stored(id)).toEqual(before);
    await page.reload();

    await fused.getByRole('checkbox', { name: 'ReLU6' }).uncheck();
    await fused.getByRole('checkbox', { name: 'Hardswish' }).check();
    await page.getByLabel('Accelerator (optional)').fill('');
    await page.getByLabel('Memory limit (KB, optional)').fill('');
    await page.getByLabel('Threads').fill('2');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor();
    await expect.poll(() => stored(id)).toEqual({ ...before, accelerator: null, memoryLimitKb: null, threads: 2, fusedActivations: ['relu', 'hardswish', 'leakyrelu', 'hardsigmoid'] });

    await page.reload();
    expect(await fused.getByRole('checkbox', { name: 'ReLU6' }).isChecked()).toBe(false);
    expect(await fused.getByRole('checkbox', { name: 'Hardswish' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Accelerator (optional)').inputValue()).toBe('');
    await screenshot(page, 'device-edit');
    await page.close();
  });

  it('keeps what was ticked when the API rejects a save', async () => {
    const id = await createDevice(alice, acme.id, 'Rejected rig');
    await createDevice(alice, acme.id, 'Taken name');
    const page = await context.newPage();
    await page.goto(`${platform.webUrl}/o/acme/devices/${id}`);
    const fused = page.getByRole('group', { name: 'Activations fused into the preceding convolution' });
    await fused.getByRole('checkbox', { name: 'Hardsigmoid' }).check();
    await page.getByLabel('Name', { exact: true }).fill('Taken name');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('A device profile with this name exists').waitFor();
    expect(await fused.getByRole('checkbox', { name: 'Hardsigmoid' }).isChecked()).toBe(true);
    expect((await stored(id)).fusedActivations).toEqual(['relu', 'relu6']);
    await page.close();
  });
});

describe('deleting a device profile', () => {
  it('keeps a profile with tables or jobs, saying which, and deletes one without after asking; Cancel keeps it', async () => {
    const id = await createDevice(alice, acme.id, 'Busy rig');
    const device = { ...acme, deviceId: id };
    await publishTable(alice, device, 'LATENCY', await exampleTable('latency'));
    await publishTable(alice, device, 'LATENCY', await exampleTable('latency'));
    await publishTable(alice, device, 'MEMORY', await exampleTable('memory'));
    await alice.call('mutation($input: CreateProfilingJobInput!) { createProfilingJob(input: $input) { id } }', { input: { organizationId: acme.id, deviceProfileId: id, modelSpecId: acme.modelSpecId, metrics: ['ACCURACY'] } });

    const page = await context.newPage();
    await page.goto(`${platform.webUrl}/o/acme/devices/${id}`);
    await page.getByTestId('delete-kept').getByText(/This profile has 3 published cost table versions \(latency \(yolov5nu\) v1, v2; memory \(yolov5nu\) v1\) and 1 profiling job\./).waitFor();
    expect(await page.getByRole('button', { name: 'Delete this profile…' }).count()).toBe(0);
    await screenshot(page, 'device-delete-kept');
    // Its tables are listed, each a link to its page, the newest version of a metric first.
    const links = page.getByTestId('device-tables').getByRole('link');
    expect(await links.allTextContents()).toEqual(['latency (yolov5nu) v2', 'latency (yolov5nu) v1', 'memory (yolov5nu) v1']);
    await links.first().click();
    await page.waitForURL(/\/o\/acme\/tables\/[^/]+$/);
    // The reference at the unit's precision, not as stored (62.05468… ms).
    await page.locator('dt', { hasText: 'Reference value' }).locator('xpath=following-sibling::dd').getByText(/^\d+\.\d{2} ms$/).waitFor();
    // The API keeps it too, whoever asks.
    const refused = await alice.raw('mutation($input: DeleteDeviceProfileInput!) { deleteDeviceProfile(input: $input) }', { input: { organizationId: acme.id, id } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await stored(id)).name).toBe('Busy rig');

    const idle = await createDevice(alice, acme.id, 'Doomed rig');
    await page.goto(`${platform.webUrl}/o/acme/devices/${idle}`);
    await page.getByRole('button', { name: 'Delete this profile…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete “Doomed rig”?' });
    await dialog.getByText('It has no cost tables and no profiling jobs.').waitFor();
    await screenshot(page, 'device-delete-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.isVisible()).toBe(false);
    expect((await stored(idle)).name).toBe('Doomed rig');

    await page.getByRole('button', { name: 'Delete this profile…' }).click();
    await dialog.getByRole('button', { name: 'Delete profile' }).click();
    await page.waitForURL(`${platform.webUrl}/o/acme/devices`);
    expect(await page.getByRole('link', { name: 'Doomed rig' }).count()).toBe(0);
    const gone = await alice.raw('query($slug: String!, $id: ID!) { organization(slug: $slug) { deviceProfile(id: $id) { id } } }', { slug: 'acme', id: idle });
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await page.close();
  });

  it('shows what the API answers when it refuses', async () => {
    const id = await createDevice(alice, acme.id, 'Raced rig');
    const page = await context.newPage();
    await page.goto(`${platform.webUrl}/o/acme/devices/${id}`);
    await page.getByRole('button', { name: 'Delete this profile…' }).click();
    await alice.call('mutation($input: DeleteDeviceProfileInput!) { deleteDeviceProfile(input: $input) }', { input: { organizationId: acme.id, id } });
    const dialog = page.getByRole('dialog', { name: 'Delete “Raced rig”?' });
    await dialog.getByRole('button', { name: 'Delete profile' }).click();
    await dialog.getByText('Device profile not found').waitFor();
    expect(page.url()).toBe(`${platform.webUrl}/o/acme/devices/${id}`);
    await page.close();
  });
});
