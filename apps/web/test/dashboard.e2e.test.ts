import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot, seriousViolations } from './support/browser';
import { graphql, startPlatform } from './support/platform';
import type { Platform } from './support/platform';

let platform: Platform;
let browser: Browser;
let alice: BrowserContext;
let bob: BrowserContext;
let invitationToken: string;

beforeAll(async () => {
  platform = await startPlatform('dashboard');
  browser = await launchBrowser();
  alice = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  bob = await browser.newContext({ viewport: { width: 390, height: 844 } });
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

async function signUp(page: Page, name: string, email: string): Promise<void> {
  await page.goto(`${platform.webUrl}/sign-up`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/orgs/new');
}

async function createOrganization(page: Page, name: string, slug: string): Promise<void> {
  await page.getByLabel('Organization name').fill(name);
  await page.getByLabel('Slug').fill(slug);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.waitForURL(`**/o/${slug}`);
}

async function expectAccessible(page: Page): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

describe('dashboard in Chromium against the production build', () => {
  let page: Page;
  let deviceUrl: string;
  let projectUrl: string;
  let tokenSecret: string;

  it('signs a new user up, keeps the session in an httpOnly cookie, and creates an organization and a project', async () => {
    page = await alice.newPage();
    await page.goto(`${platform.webUrl}/sign-in`);
    await expectAccessible(page);
    await screenshot(page, 'sign-in');
    await signUp(page, 'Alice Example', 'alice@acme.test');
    const cookies = await alice.cookies();
    const session = cookies.find((c) => c.name === 'actnas_session');
    expect(session?.httpOnly).toBe(true);
    expect(await page.evaluate(() => document.cookie)).not.toContain('actnas_session');
    await createOrganization(page, 'Acme Vision', 'acme-vision');
    await page.getByLabel('Project name').fill('Doorbell detector');
    await page.getByLabel('Description').fill('yolov5nu on the porch camera');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/o\/acme-vision\/p\/[^/]+$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Doorbell detector');
    expect(await page.getByLabel('Project').inputValue()).not.toBe('');
    projectUrl = page.url();
    await expectAccessible(page);
    await screenshot(page, 'project-dashboard');
  });

  it('registers a device profile, shows server-side validation, and edits it', async () => {
    await page.goto(`${platform.webUrl}/o/acme-vision/devices`);
    await page.getByRole('link', { name: 'Register a device' }).click();
    await page.waitForURL('**/devices/new');
    await page.getByLabel('Name', { exact: true }).fill('Pi 5 ORT');
    await page.getByLabel('Processor').fill('Cortex-A76');
    await page.getByLabel('Runtime', { exact: true }).fill('onnxruntime');
    await page.getByLabel('Runtime version').fill('1.30');
    await page.getByLabel('Threads').fill('0');
    await page.getByRole('button', { name: 'Register device' }).click();
    await page.getByText('A whole number of at least 1.').waitFor();
    expect(await page.getByLabel('Threads').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Threads').fill('4');
    await page.getByRole('button', { name: 'Register device' }).click();
    await page.waitForURL(/\/devices\/(?!new$)[^/]+$/);
    deviceUrl = page.url();
    await page.getByLabel('Processor').fill('Cortex-A76 @ 2.4 GHz');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor();
    await expectAccessible(page);
    await screenshot(page, 'device-profile');
    await page.goto(`${platform.webUrl}/o/acme-vision/devices`);
    await page.getByRole('link', { name: 'Pi 5 ORT' }).waitFor();
    expect(await page.getByRole('cell', { name: 'Cortex-A76 @ 2.4 GHz' }).count()).toBe(1);
    await expectAccessible(page);
    await screenshot(page, 'devices');
  });

  it('creates an API token whose secret is shown once and works from a GraphQL client', async () => {
    await page.goto(`${platform.webUrl}/o/acme-vision/tokens`);
    await page.getByLabel('Token name').fill('ci');
    await page.getByLabel('search:write').check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = page.getByTestId('token-secret');
    await secret.waitFor();
    tokenSecret = (await secret.textContent())!.trim();
    expect(tokenSecret.length).toBeGreaterThan(20);
    expect(page.url()).not.toContain(tokenSecret);
    await expectAccessible(page);
    await screenshot(page, 'api-tokens');
    const answer = await graphql<{ organization: { deviceProfiles: { nodes: { name: string }[] } } }>(
      platform.apiUrl,
      tokenSecret,
      'query($slug: String!) { organization(slug: $slug) { deviceProfiles { nodes { name } } } }',
      { slug: 'acme-vision' },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.organization.deviceProfiles.nodes.map((d) => d.name)).toEqual(['Pi 5 ORT']);
    await page.reload();
    expect(await page.getByTestId('token-secret').count()).toBe(0);
    await page.getByRole('button', { name: 'Revoke token ci' }).click();
    await page.getByRole('dialog', { name: 'Revoke the token “ci”?' }).getByRole('button', { name: 'Revoke token' }).click();
    await page.getByText('revoked', { exact: true }).waitFor();
    const revoked = await graphql(platform.apiUrl, tokenSecret, '{ organizations { nodes { slug } } }');
    expect(revoked.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lists members with roles', async () => {
    await page.goto(`${platform.webUrl}/o/acme-vision/members`);
    expect(await page.getByRole('cell', { name: 'alice@acme.test' }).count()).toBe(1);
    await page.getByLabel('Email').fill('carol@acme.test');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByLabel('Invitation token').waitFor();
    invitationToken = (await page.getByLabel('Invitation token').textContent())!.trim();
    await expectAccessible(page);
    await screenshot(page, 'members');
  });

  it("keeps a second organization out of the first one's private data, until it is published", async () => {
    const other = await bob.newPage();
    await signUp(other, 'Bob Rival', 'bob@rival.test');
    await createOrganization(other, 'Rival Robotics', 'rival-robotics');
    const deviceId = deviceUrl.split('/').pop()!;
    const projectId = projectUrl.split('/').pop()!;
    const hidden = ['/o/acme-vision', '/o/acme-vision/devices', `/o/acme-vision/devices/${deviceId}`, `/o/rival-robotics/devices/${deviceId}`, `/o/acme-vision/p/${projectId}`, `/o/rival-robotics/p/${projectId}`, '/o/acme-vision/tokens', '/o/acme-vision/members'];
    for (const path of hidden) {
      const response = await other.goto(`${platform.webUrl}${path}`);
      expect(response?.status(), path).toBe(404);
      expect(await other.getByText('Pi 5 ORT').count(), path).toBe(0);
      expect(await other.getByText('Doorbell detector').count(), path).toBe(0);
    }
    await other.goto(`${platform.webUrl}/o/rival-robotics/devices`);
    expect(await other.getByText('Pi 5 ORT').count()).toBe(0);
    await expectAccessible(other);
    await screenshot(other, 'devices-narrow');
    await other.goto(`${platform.webUrl}/catalog`);
    expect(await other.getByText('Pi 5 ORT').count()).toBe(0);

    await page.goto(deviceUrl);
    await page.getByLabel('Public catalog').check();
    await page.getByRole('button', { name: 'Update sharing' }).click();
    await page.getByText('Published to the public catalog.').waitFor();

    await other.goto(`${platform.webUrl}/catalog`);
    await other.getByRole('cell', { name: 'Pi 5 ORT' }).waitFor();
    await expectAccessible(other);
    await screenshot(other, 'catalog-narrow');
    await other.goto(`${platform.webUrl}/o/rival-robotics/devices/${deviceId}`);
    await other.getByText('you can use it and its cost tables, but not edit it').waitFor();
    expect(await other.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
  });

  it('lets an invited user join, and an admin change their role', async () => {
    const carol = await browser.newContext();
    const invited = await carol.newPage();
    await signUp(invited, 'Carol Example', 'carol@acme.test');
    await invited.getByRole('link', { name: 'Accept an invitation' }).click();
    await invited.getByLabel('Invitation token').fill(invitationToken);
    await invited.getByRole('button', { name: 'Join organization' }).click();
    await invited.waitForURL('**/o/acme-vision');
    expect(await invited.getByRole('link', { name: 'API tokens' }).count()).toBe(0);
    expect((await invited.goto(`${platform.webUrl}/o/acme-vision/tokens`))?.status()).toBe(404);
    await page.goto(`${platform.webUrl}/o/acme-vision/members`);
    await page.getByLabel('Role of Carol Example').selectOption('VIEWER');
    await page.getByRole('row', { name: /carol@acme\.test/ }).getByRole('button', { name: 'Change role' }).click();
    await page.getByText('Role updated.').waitFor();
    await invited.goto(`${platform.webUrl}/o/acme-vision`);
    expect(await invited.getByRole('button', { name: 'Create project' }).count()).toBe(0);
    await carol.close();
  });

  it('shares a device profile with a named organization, read only', async () => {
    await page.goto(deviceUrl);
    await page.getByLabel('Private (this organization)').check();
    await page.getByRole('button', { name: 'Update sharing' }).click();
    await page.getByText('Now private.').waitFor();
    const other = await bob.newPage();
    await other.goto(`${platform.webUrl}/o/rival-robotics/devices`);
    expect(await other.getByText('Pi 5 ORT').count()).toBe(0);
    await page.getByLabel('Shared with named organizations').check();
    await page.getByLabel('Organization slugs').fill('rival-robotics');
    await page.getByRole('button', { name: 'Update sharing' }).click();
    await page.getByText('Shared with rival-robotics.').waitFor();
    await other.reload();
    await other.getByRole('link', { name: 'Pi 5 ORT' }).waitFor();
    await other.goto(`${platform.webUrl}/catalog`);
    expect(await other.getByText('Pi 5 ORT').count()).toBe(0);
  });

  it('signs out and the session no longer opens the dashboard', async () => {
    await page.goto(`${platform.webUrl}/o/acme-vision`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    await page.goto(`${platform.webUrl}/o/acme-vision`);
    await page.waitForURL((url) => url.pathname === '/sign-in');
  });
});
