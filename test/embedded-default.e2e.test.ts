import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../apps/web/test/support/browser.js';
import { npmStart } from './support/npm-start.js';
import type { NpmStart } from './support/npm-start.js';

// The platform as a new user starts it from the README: `npm start` with DATABASE_URL unset, so
// the embedded database with its demo organization, driven in Chromium.

let platform: NpmStart;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  platform = await npmStart();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(30_000);
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

describe('the embedded default, started with npm start', () => {
  it('signs in as the demo user, runs a search and lands on its version page', async () => {
    expect(platform.output()).toContain('embedded PostgreSQL (PGlite)');
    await page.goto(`${platform.webUrl}/sign-in`);
    await page.getByLabel('Email').fill('demo@actnas.local');
    await page.getByLabel('Password').fill('actnas-demo-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));

    await page.goto(`${platform.webUrl}/o/demo`);
    await page.getByRole('link', { name: 'yolov5nu on the demo host' }).first().click();
    await page.waitForURL(/\/o\/demo\/p\/[^/]+$/);
    const project = new URL(page.url()).pathname;
    await page.getByRole('link', { name: 'New search' }).first().click();
    await page.waitForURL(/\/searches\/new$/);
    // The demo's measured tables are offered for the search.
    expect(await page.getByText('Demo host · onnxruntime').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Run search' }).click();

    // The running search, then (the workers solve it) the version it made.
    await page.waitForURL(new RegExp(`^${platform.webUrl}${project}/(searches/(?!new$)[^/]+|versions/\\d+)$`));
    await page.waitForURL(new RegExp(`${project}/versions/\\d+$`), { timeout: 120_000 });
    const version = Number(page.url().split('/').pop());
    // The seed's search made version 1; this one comes after it.
    expect(version).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(`version ${version}`);
    expect(await page.getByText('Something went wrong').count()).toBe(0);
    expect(await page.getByRole('row').count()).toBeGreaterThan(1);
    await screenshot(page, 'embedded-default-version');
    expect(pageErrors).toEqual([]);
    expect(platform.output()).not.toMatch(/portal "" does not exist|prepared statement .* does not exist|unhandled promise rejection/);
  });
});
