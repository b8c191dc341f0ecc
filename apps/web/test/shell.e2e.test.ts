import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, seriousViolations } from './support/browser';
import { graphql, startPlatform } from './support/platform';
import type { Platform } from './support/platform';
import { PASSWORD, exampleTable, publishTable, setUpOrganization, signUpViaApi, signedInContext } from './support/session';
import type { ApiUser, OrgSetup } from './support/session';

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  platform = await startPlatform('shell');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

async function expectAccessible(page: Page): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

const createProject = async (user: ApiUser, org: OrgSetup, name: string): Promise<string> =>
  (await user.call<{ createProject: { id: string } }>('mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }', { input: { organizationId: org.id, name } })).createProject.id;

describe('visitors', () => {
  it('see what ActNAS does on the landing page, with the way in', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const response = await page.goto(`${platform.webUrl}/`);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(`${platform.webUrl}/`);
    await page.getByRole('heading', { level: 1, name: /Faster YOLO models for your edge hardware/ }).waitFor();
    await page.getByRole('heading', { name: 'How it works' }).waitFor();
    for (const link of ['Create an account', 'Sign in', 'Browse the public device catalog']) await page.getByRole('link', { name: link }).waitFor();
    expect(await page.locator('link[rel="icon"]').count()).toBeGreaterThan(0);
    const favicon = await fetch(`${platform.webUrl}/favicon.ico`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get('content-type')).toContain('image/');
    await expectAccessible(page);
    await screenshot(page, 'landing');
    await context.close();
  });

  it('come back to the page they asked for after signing in, also when their session expired', async () => {
    const user = await signUpViaApi(platform, 'Dora');
    const org = await setUpOrganization(user, 'Deep Links', 'deep-links', 'Linked rig');
    const target = `/o/deep-links/devices/${org.deviceId}?from=mail`;
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${platform.webUrl}${target}`);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe(target);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${platform.webUrl}${target}`);
    await page.getByRole('heading', { level: 1, name: /Linked rig/ }).waitFor();

    await context.clearCookies();
    await context.addCookies([{ name: 'actnas_session', value: 'actnas_ses_expired', url: platform.webUrl, httpOnly: true, sameSite: 'Lax' }]);
    await page.goto(`${platform.webUrl}/o/deep-links/tables`);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/o/deep-links/tables');

    await page.goto(`${platform.webUrl}/sign-in?next=${encodeURIComponent('https://evil.test/')}`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${platform.webUrl}/o/deep-links`);
    await context.close();
  });
});

describe('an empty organization', () => {
  it('shows a checklist from registering a device to a first search, ticking steps as they are done', async () => {
    const user = await signUpViaApi(platform, 'Erin');
    const { createOrganization } = await user.call<{ createOrganization: { id: string } }>('mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }', { input: { name: 'Fresh Start', slug: 'fresh' } });
    const context = await signedInContext(browser, platform, user);
    const page = await context.newPage();
    await page.goto(`${platform.webUrl}/o/fresh`);
    const checklist = page.getByRole('region', { name: 'Get started' });
    await checklist.getByText('0 of 3 done.').waitFor();
    const steps = checklist.getByRole('listitem');
    expect(await steps.allInnerTexts()).toEqual([expect.stringMatching(/^1\s+Register a device/), expect.stringMatching(/^2\s+Publish or profile its cost tables/), expect.stringMatching(/^3\s+Run a search/)]);
    expect(await steps.nth(0).getAttribute('aria-current')).toBe('step');
    await expectAccessible(page);
    await screenshot(page, 'empty-organization');
    await checklist.getByRole('link', { name: 'Register a device' }).click();
    await page.waitForURL('**/o/fresh/devices/new');

    const { createDeviceProfile } = await user.call<{ createDeviceProfile: { id: string } }>('mutation($input: CreateDeviceProfileInput!) { createDeviceProfile(input: $input) { id } }', {
      input: { organizationId: createOrganization.id, name: 'Pi', processor: 'Cortex-A76', runtime: 'onnxruntime', runtimeVersion: '1.30.0', threads: 4, inputSize: 640 },
    });
    await page.goto(`${platform.webUrl}/o/fresh`);
    await checklist.getByText('1 of 3 done.').waitFor();
    expect(await steps.nth(1).getAttribute('aria-current')).toBe('step');
    await checklist.getByRole('link', { name: 'Register a model' }).waitFor();

    const { registerBuiltinModelSpec } = await user.call<{ registerBuiltinModelSpec: { id: string } }>('mutation($input: RegisterBuiltinModelSpecInput!) { registerBuiltinModelSpec(input: $input) { id } }', {
      input: { organizationId: createOrganization.id, builtinName: 'yolov5nu' },
    });
    const org = { id: createOrganization.id, slug: 'fresh', deviceId: createDeviceProfile.id, modelSpecId: registerBuiltinModelSpec.id };
    await publishTable(user, org, 'LATENCY', await exampleTable('latency'));
    await page.goto(`${platform.webUrl}/o/fresh`);
    await checklist.getByText('2 of 3 done.').waitFor();
    expect(await steps.nth(2).getAttribute('aria-current')).toBe('step');
    await context.close();
  });
});

describe('settings', () => {
  it('rename the organization and the account, and change the password only with the current one', async () => {
    const user = await signUpViaApi(platform, 'Fay');
    await setUpOrganization(user, 'Old Name', 'renamed', 'Rig');
    const context = await signedInContext(browser, platform, user);
    const page = await context.newPage();
    await page.goto(`${platform.webUrl}/o/renamed`);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL('**/o/renamed/settings');
    await page.getByLabel('Organization name').fill('New Name');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByText('Renamed.').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Settings of New Name' }).waitFor();
    expect(await page.locator('#org-switcher option:checked').textContent()).toBe('New Name');
    await page.getByRole('region', { name: 'Recent changes' }).getByText('organization.update').waitFor();
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Fay' }).click();
    await page.waitForURL('**/o/renamed/account');
    await page.getByLabel('Your name').fill('Fay Wray');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByRole('complementary').getByRole('link', { name: 'Fay Wray' }).waitFor();

    await page.getByLabel('Current password').fill('not the password');
    await page.getByLabel('New password', { exact: true }).fill('an even longer passphrase');
    await page.getByLabel('New password again').fill('an even longer passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The current password is wrong').first().waitFor();
    expect(await page.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill('an even longer passphrase');
    await page.getByLabel('New password again').fill('an even longer passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. Your other sessions were signed out.').waitFor();
    await expectAccessible(page);
    await screenshot(page, 'account');
    const signIn = (password: string) => graphql(platform.apiUrl, undefined, 'mutation($input: SignInInput!) { signIn(input: $input) { token } }', { input: { email: user.email, password } });
    expect((await signIn(PASSWORD)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await signIn('an even longer passphrase')).errors).toBeUndefined();
    await context.close();
  });
});

describe('destructive actions', () => {
  it('removing a member, revoking an invitation and leaving ask first, and Cancel changes nothing', async () => {
    const owner = await signUpViaApi(platform, 'Gina');
    const member = await signUpViaApi(platform, 'Hank');
    const org = await setUpOrganization(owner, 'Team', 'team', 'Rig');
    const invite = (email: string) =>
      owner.call<{ createInvitation: { token: string } }>('mutation($input: CreateInvitationInput!) { createInvitation(input: $input) { token } }', { input: { organizationId: org.id, email, role: 'MEMBER' } });
    await member.call('mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id } }', { input: { token: (await invite(member.email)).createInvitation.token } });
    await invite('pending@example.test');

    const context = await signedInContext(browser, platform, owner);
    const page = await context.newPage();
    await page.goto(`${platform.webUrl}/o/team/members`);
    await page.getByRole('button', { name: 'Revoke the invitation of pending@example.test' }).click();
    const revokeDialog = page.getByRole('dialog', { name: 'Revoke the invitation of pending@example.test?' });
    await revokeDialog.getByText('The invitation token they were given stops working.').waitFor();
    await revokeDialog.getByRole('button', { name: 'Revoke invitation' }).click();
    await page.getByText(/pending@example\.test as member — revoked/).waitFor();
    expect(await revokeDialog.isVisible()).toBe(false);

    await page.getByRole('button', { name: 'Remove Hank' }).click();
    const removeDialog = page.getByRole('dialog', { name: 'Remove Hank from Team?' });
    await removeDialog.getByText('They lose access to its projects').waitFor();
    await expectAccessible(page);
    await removeDialog.getByRole('button', { name: 'Cancel' }).click();
    await page.reload();
    expect(await page.getByRole('cell', { name: member.email }).count()).toBe(1);
    await page.getByRole('button', { name: 'Remove Hank' }).click();
    await removeDialog.getByRole('button', { name: 'Remove member' }).click();
    await page.getByRole('cell', { name: member.email }).waitFor({ state: 'detached' });
    await page.reload();
    expect(await page.getByRole('cell', { name: member.email }).count()).toBe(0);

    // The last owner may not leave: the API says so in the dialog.
    await page.goto(`${platform.webUrl}/o/team/settings`);
    await page.getByRole('button', { name: 'Leave this organization…' }).click();
    const leaveDialog = page.getByRole('dialog', { name: 'Leave Team?' });
    await leaveDialog.getByRole('button', { name: 'Leave organization' }).click();
    await leaveDialog.getByText('An organization keeps at least one owner').waitFor();
    expect(page.url()).toBe(`${platform.webUrl}/o/team/settings`);
    await context.close();
  });
});

describe('layouts', () => {
  it('never scroll sideways at 390 × 844, and a long email stays inside the sidebar', async () => {
    const user = await signUpViaApi(platform, 'Ingrid', 'ingrid.von.somewhat-longer-surname.for-testing@a-very-long-subdomain.example-organization.test');
    const org = await setUpOrganization(user, 'Mobile Org With A Long Name', 'mobile', 'A device profile with a rather long descriptive name');
    await publishTable(user, org, 'LATENCY', await exampleTable('latency'));
    await publishTable(user, org, 'MEMORY', await exampleTable('memory'));
    await publishTable(user, org, 'ACCURACY', await exampleTable('accuracy'));
    const project = await createProject(user, org, 'A project with a long name to wrap');

    const wide = await signedInContext(browser, platform, user);
    const desktop = await wide.newPage();
    await desktop.goto(`${platform.webUrl}/o/mobile`);
    const [sidebar, email] = await Promise.all([desktop.locator('.sidebar').boundingBox(), desktop.getByText(user.email).boundingBox()]);
    expect(email!.x + email!.width).toBeLessThanOrEqual(sidebar!.x + sidebar!.width);
    await wide.close();

    const phone = await signedInContext(browser, platform, user, { width: 390, height: 844 });
    const page = await phone.newPage();
    const paths = ['/o/mobile', '/o/mobile/devices', `/o/mobile/devices/${org.deviceId}`, '/o/mobile/devices/new', '/o/mobile/tables', '/o/mobile/tables/new', '/o/mobile/members', '/o/mobile/tokens', '/o/mobile/settings', '/o/mobile/account', `/o/mobile/p/${project}/searches/new`, '/catalog', '/'];
    const overflowing: string[] = [];
    for (const path of paths) {
      await page.goto(`${platform.webUrl}${path}`);
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
      if (scrollWidth > clientWidth) overflowing.push(`${path}: ${scrollWidth} px`);
    }
    expect(overflowing).toEqual([]);
    await page.goto(`${platform.webUrl}/o/mobile/p/${project}/searches/new`);
    await screenshot(page, 'new-search-narrow');
    await phone.close();
  });
});
