/**
 * Dashboard benchmark on the production build: first load of a project dashboard (navigation
 * timing from the browser) and the 200 × 8 cost-table heatmap (render time, long tasks, frame
 * gaps while the pointer sweeps it). Median of 5 runs each, printed as a table.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../test/support/browser';
import { ensureProductionBuild } from '../test/support/next-build.global-setup';
import { graphql, startPlatform } from '../test/support/platform';
import { webRoot } from '../test/support/web-server';

const RUNS = 5;
const SITES = 200;
const ACTIVATIONS = ['relu', 'silu', 'hardswish', 'relu6', 'leakyrelu', 'gelu', 'mish', 'elu'];

function syntheticCsv(): string {
  let seed = 42;
  const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const lines = ['layer,activation,reference,delta,std,ci_low,ci_high,unit'];
  for (let s = 0; s < SITES; s++) {
    for (const a of ACTIVATIONS) {
      const delta = a === 'silu' ? 0 : (random() - 0.6) * 2;
      const std = random() * 0.1;
      lines.push(`model.${s}.act,${a},120,${delta.toFixed(4)},${std.toFixed(4)},${(delta - 2 * std).toFixed(4)},${(delta + 2 * std).toFixed(4)},ms`);
    }
  }
  return lines.join('\n');
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Row {
  readonly measure: string;
  readonly runs: readonly number[];
  readonly target: string;
}

async function main(): Promise<void> {
  ensureProductionBuild();
  const platform = await startPlatform('bench');
  let browser: Browser | undefined;
  try {
    const signUp = await graphql<{ signUp: { token: string } }>(platform.apiUrl, undefined, 'mutation($i: SignUpInput!) { signUp(input: $i) { token } }', {
      i: { email: 'bench@actnas.test', password: 'benchmark-password', name: 'Bench' },
    });
    const token = signUp.data!.signUp.token;
    const org = await graphql<{ createOrganization: { id: string } }>(platform.apiUrl, token, 'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }', { i: { name: 'Bench', slug: 'bench' } });
    const organizationId = org.data!.createOrganization.id;
    const project = await graphql<{ createProject: { id: string } }>(platform.apiUrl, token, 'mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }', { i: { organizationId, name: 'Bench project' } });
    for (let d = 0; d < 3; d++) {
      await graphql(platform.apiUrl, token, 'mutation($i: CreateDeviceProfileInput!) { createDeviceProfile(input: $i) { id } }', {
        i: { organizationId, name: `Device ${d}`, processor: 'Cortex-A76', runtime: 'onnxruntime', runtimeVersion: '1.30', threads: 4, inputSize: 640 },
      });
    }
    const dashboardUrl = `${platform.webUrl}/o/bench/p/${project.data!.createProject.id}`;
    browser = await launchBrowser();
    const cookie = { name: 'actnas_session', value: token, url: platform.webUrl, httpOnly: true, sameSite: 'Lax' as const };

    // The server's first hit loads the route's modules; that is start-up, not a page load.
    const warm = await browser.newContext();
    await warm.addCookies([cookie]);
    await (await warm.newPage()).goto(dashboardUrl);
    await warm.close();

    const load: { ttfb: number[]; dcl: number[]; load: number[]; fcp: number[] } = { ttfb: [], dcl: [], load: [], fcp: [] };
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext();
      await context.addCookies([cookie]);
      const page = await context.newPage();
      await page.goto(dashboardUrl, { waitUntil: 'load' });
      const timing = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        return { ttfb: nav.responseStart, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, fcp: fcp?.startTime ?? Number.NaN };
      });
      load.ttfb.push(timing.ttfb);
      load.dcl.push(timing.dcl);
      load.load.push(timing.load);
      load.fcp.push(timing.fcp);
      await context.close();
    }

    const csv = Buffer.from(syntheticCsv());
    const heat: { render: number[]; longTasks: number[]; longestTask: number[]; sweepMaxFrame: number[]; sweepP95Frame: number[]; sweepLongTasks: number[] } = { render: [], longTasks: [], longestTask: [], sweepMaxFrame: [], sweepP95Frame: [], sweepLongTasks: [] };
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      // tsx compiles this file with esbuild's keepNames, whose __name helper the page lacks.
      await context.addInitScript('window.__name = (f) => f;');
      await context.addCookies([cookie]);
      const page = await context.newPage();
      await page.goto(`${platform.webUrl}/o/bench/tables/new`, { waitUntil: 'load' });
      await page.evaluate(() => {
        const state = { change: 0, rendered: 0, longTasks: [] as number[], frames: [] as number[] };
        (window as unknown as { bench: typeof state }).bench = state;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) state.longTasks.push(entry.duration);
        }).observe({ type: 'longtask' });
        document.addEventListener('change', (event) => (state.change = event.timeStamp), { capture: true });
        const watch = (): void => {
          const canvas = document.querySelector('[data-testid="heatmap"]');
          if (canvas?.getAttribute('data-rendered') === '1600') state.rendered = performance.now();
          else requestAnimationFrame(watch);
        };
        requestAnimationFrame(watch);
      });
      await page.setInputFiles('#table-file', { name: 'latency-200x8.csv', mimeType: 'text/csv', buffer: csv });
      await page.waitForFunction(() => (window as unknown as { bench: { rendered: number } }).bench.rendered > 0);
      await page.waitForTimeout(300);
      const render = await page.evaluate(() => {
        const b = (window as unknown as { bench: { change: number; rendered: number; longTasks: number[] } }).bench;
        const result = { render: b.rendered - b.change, longTasks: b.longTasks.length, longest: Math.max(0, ...b.longTasks) };
        b.longTasks.length = 0;
        return result;
      });
      heat.render.push(render.render);
      heat.longTasks.push(render.longTasks);
      heat.longestTask.push(render.longest);

      // Sweep the pointer across every column while recording frame gaps.
      const box = (await page.locator('[data-testid="heatmap"]').boundingBox())!;
      await page.evaluate(() => {
        const b = (window as unknown as { bench: { frames: number[]; sweeping: boolean } }).bench;
        b.sweeping = true;
        let last = performance.now();
        const tick = (now: number): void => {
          b.frames.push(now - last);
          last = now;
          if (b.sweeping) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      for (let x = 100; x < box.width - 2; x += (box.width - 100) / SITES) {
        await page.mouse.move(box.x + x, box.y + 30 + (x % 7) * 10);
      }
      const sweep = await page.evaluate(() => {
        const b = (window as unknown as { bench: { frames: number[]; sweeping: boolean; longTasks: number[] } }).bench;
        b.sweeping = false;
        const frames = b.frames.slice(1).sort((x, y) => x - y);
        return { maxFrame: frames[frames.length - 1] ?? 0, p95Frame: frames[Math.floor(frames.length * 0.95)] ?? 0, frames: frames.length, longTasks: b.longTasks.length };
      });
      heat.sweepMaxFrame.push(sweep.maxFrame);
      heat.sweepP95Frame.push(sweep.p95Frame);
      heat.sweepLongTasks.push(sweep.longTasks);
      await context.close();
    }

    const rows: Row[] = [
      { measure: 'dashboard: time to first byte (ms)', runs: load.ttfb, target: '' },
      { measure: 'dashboard: first contentful paint (ms)', runs: load.fcp, target: '' },
      { measure: 'dashboard: DOMContentLoaded (ms)', runs: load.dcl, target: '' },
      { measure: 'dashboard: load event end (ms)', runs: load.load, target: '< 1000' },
      { measure: 'heatmap 200×8: change → drawn (ms)', runs: heat.render, target: '< 100' },
      { measure: 'heatmap 200×8: long tasks while drawing', runs: heat.longTasks, target: '0' },
      { measure: 'heatmap 200×8: longest task (ms)', runs: heat.longestTask, target: '< 50' },
      { measure: 'heatmap sweep: p95 frame (ms)', runs: heat.sweepP95Frame, target: '< 50' },
      { measure: 'heatmap sweep: longest frame (ms)', runs: heat.sweepMaxFrame, target: '' },
      { measure: 'heatmap sweep: long tasks', runs: heat.sweepLongTasks, target: '0' },
    ];
    const table = rows.map((r) => ({ measure: r.measure, median: Number(median(r.runs).toFixed(1)), min: Number(Math.min(...r.runs).toFixed(1)), max: Number(Math.max(...r.runs).toFixed(1)), target: r.target }));
    console.log(`apps/web bench: production build, Chromium ${browser.version()}, median of ${RUNS}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.table(table);
    await mkdir(join(webRoot, 'bench-results'), { recursive: true });
    await writeFile(join(webRoot, 'bench-results', 'dashboard.json'), JSON.stringify({ runs: RUNS, loadAverage: loadavg(), rows }, null, 2));
  } finally {
    await browser?.close();
    await platform.close();
  }
}

await main();
