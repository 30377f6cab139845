// Screenshots of the dashboard (desktop and phone widths) and the demo shop, filled by the real load
// generator (a demo backfill plus a few seconds of live traffic) through the real collector. They are
// saved under test-results/ and attached; WISP_UPDATE_SCREENSHOTS=1 also writes docs/dashboard.png and
// docs/demo.png. Along the way this proves `npm run loadgen` works end to end.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { type CollectorProcess, spawnCollector } from '../../support/collector-process.js';
import { CHROME_UA, getStats, readDashboard, renderedStatsUrl, stopCollector } from './dashboard-helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const updateDocs = process.env.WISP_UPDATE_SCREENSHOTS === '1';
let collector: CollectorProcess;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  collector = await spawnCollector({ args: ['--demo'], env: { WISP_TRUST_PROXY: '1' } });
  const loadgen = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['scripts/loadgen.mjs', '--url', collector.url, '--site', 'demo', ...args], { cwd: root });
  const backfill = await loadgen('--backfill', '7d', '--sessions', '400');
  expect(backfill.stdout).toMatch(/requests\s+400, \d+ of them binary beacons to \/api\/e \(202: 400\), failed 0/);
  const live = await loadgen('--rate', '40', '--duration', '3');
  expect(live.stdout).toMatch(/failed 0/);
  // 202 means durable; rollups may still be catching up. Wait until two reads a second apart agree.
  const query = `/api/stats?site=demo&from=${Date.now() - 8 * 86_400_000}&to=${Date.now() + 60_000}`;
  let last = '';
  await expect
    .poll(async () => {
      const now = JSON.stringify((await getStats(collector.url, collector.token, query)).totals);
      const settled = now === last;
      last = now;
      return settled;
    }, { timeout: 30_000, intervals: [1000] })
    .toBe(true);
});

test.afterAll(async () => {
  await stopCollector(collector);
});

for (const { name, width, height } of [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
]) {
  test(`dashboard at ${name} width`, async ({ browser }, testInfo) => {
    const context = await browser.newContext({ userAgent: CHROME_UA, viewport: { width, height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${collector.url}/?token=${collector.token}&site=demo&range=7d`);
    const statsUrl = await renderedStatsUrl(page);
    const shown = await readDashboard(page);
    expect(shown.totals.pageviews).toBeGreaterThan(400);
    expect(shown.lists.countries!.length).toBeGreaterThan(3); // X-Forwarded-For countries arrived
    expect(statsUrl).toContain('site=demo'); // exact equality with /api/stats is stats-match.spec.ts's job
    // Nothing wider than the viewport (no sideways scrolling on a phone).
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.waitForTimeout(400); // let bar transitions finish
    // Written into the test's output folder (kept under test-results/ after the run) and attached.
    const file = testInfo.outputPath(`dashboard-${name}.png`);
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
    await testInfo.attach(`dashboard-${name}.png`, { path: file, contentType: 'image/png' });
    if (updateDocs && name === 'desktop') await page.screenshot({ path: `${root}docs/dashboard.png`, animations: 'disabled' });
    await context.close();
  });
}

test('demo shop', async ({ browser }, testInfo) => {
  const context = await browser.newContext({ userAgent: CHROME_UA, viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${collector.url}/demo/`);
  await expect(page.locator('h1')).toHaveText('Small things for slow mornings');
  const file = testInfo.outputPath('demo.png');
  await page.screenshot({ path: file, animations: 'disabled' });
  await testInfo.attach('demo.png', { path: file, contentType: 'image/png' });
  if (updateDocs) await page.screenshot({ path: `${root}docs/demo.png`, animations: 'disabled' });
  await context.close();
});
