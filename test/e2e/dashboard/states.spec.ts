// The states a person meets before and around the numbers: sign-in, a rejected token, a site with no
// data, the collector going down; plus what "feels fast" means here: first paint under 1 s, no layout
// shift when data and live updates arrive, a strict CSP (script-src 'self') breaks nothing, keyboard use.
import { expect, test } from '@playwright/test';
import { type CollectorProcess, spawnCollector } from '../../support/collector-process.js';
import { CHROME_UA, renderedStatsUrl, seed, stopCollector, waitForStats } from './dashboard-helpers.js';

const SITE = 'states.test';
const STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'";
let collector: CollectorProcess;

test.beforeAll(async () => {
  collector = await spawnCollector();
  await seed(collector.url, SITE, [{ ua: CHROME_UA, ip: '127.0.0.1', events: [{ type: 'pageview', path: '/' }, { type: 'pageview', path: '/about' }] }]);
  await waitForStats(collector.url, collector.token, SITE, (s) => s.totals.pageviews === 2);
});

test.afterAll(async () => {
  await stopCollector(collector);
});

test('no token: the sign-in form, which signs in', async ({ page }) => {
  await page.goto(`${collector.url}/?site=${SITE}`);
  await expect(page.locator('#signin')).toBeVisible();
  await expect(page.locator('#main')).toBeHidden();
  await page.locator('#token-input').fill(collector.token);
  await page.keyboard.press('Enter');
  await expect(page.locator('#signin')).toBeHidden();
  await renderedStatsUrl(page);
  await expect(page.locator('#kpi-pageviews .value')).toHaveAttribute('data-value', '2');
});

test('a wrong token: told so, and dropped from the URL', async ({ page }) => {
  await page.goto(`${collector.url}/?token=not-the-token&site=${SITE}`);
  await expect(page.locator('#signin')).toBeVisible();
  await expect(page.locator('#signin-message')).toContainText('not accepted');
  expect(page.url()).not.toContain('not-the-token');
});

test('a site without data says so and shows the script tag', async ({ page }) => {
  await page.goto(`${collector.url}/?token=${collector.token}&site=nothing-here.test`);
  await expect(page.locator('#notice')).toContainText('No data for “nothing-here.test”');
  await expect(page.locator('#notice code')).toContainText('data-site="nothing-here.test"');
  await expect(page.locator('#card-pages .empty').first()).toBeVisible();
});

test('the collector going down is reported and the numbers stay', async ({ page }) => {
  const own = await spawnCollector();
  await seed(own.url, SITE, [{ ua: CHROME_UA, ip: '127.0.0.1', events: [{ type: 'pageview', path: '/' }] }]);
  await waitForStats(own.url, own.token, SITE, (s) => s.totals.pageviews === 1);
  await page.goto(`${own.url}/?token=${own.token}&site=${SITE}`);
  await expect(page.locator('#kpi-pageviews .value')).toHaveAttribute('data-value', '1');
  await own.kill(); // a crash, the harshest way to go down
  await page.locator('#range-picker label', { hasText: '30 days' }).click();
  await expect(page.locator('#notice')).toContainText('cannot be reached');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'down');
  await expect(page.locator('#signin')).toBeHidden();
});

test('first paint under 1 s on loopback', async ({ page }) => {
  // The first navigation of a fresh browser context also pays for starting the renderer; a person
  // opening the dashboard has a running browser, so the second load is the one measured.
  const url = `${collector.url}/?token=${collector.token}&site=${SITE}`;
  await page.goto(url);
  await renderedStatsUrl(page);
  await page.reload();
  await renderedStatsUrl(page);
  const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1);
  test.info().annotations.push({ type: 'first contentful paint', description: `${Math.round(paint)} ms` });
  expect(paint).toBeGreaterThan(0);
  expect(paint).toBeLessThan(1000);
});

test('no layout shift as data arrives, works under a strict CSP, keyboard reachable', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  // Serve the dashboard's HTML with the strictest policy it is meant to live under.
  await page.route(`${collector.url}/?*`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': STRICT_CSP } });
  });
  await page.addInitScript(() => {
    (window as unknown as { shifts: number }).shifts = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) {
        if (!entry.hadRecentInput) (window as unknown as { shifts: number }).shifts += entry.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(`${collector.url}/?token=${collector.token}&site=${SITE}`);
  await renderedStatsUrl(page);
  await expect(page.locator('#live-status')).toHaveAttribute('data-status', /live|unavailable/);
  await page.waitForTimeout(500);

  const shifts = await page.evaluate(() => (window as unknown as { shifts: number }).shifts);
  test.info().annotations.push({ type: 'layout shift', description: shifts.toFixed(4) });
  expect(shifts).toBeLessThan(0.01);
  expect(violations).toEqual([]);
  await expect(page.locator('.u-wrap').first()).toBeVisible(); // uPlot drew under the CSP

  // Keyboard: Tab reaches the range picker and a list row, and Enter on a row sets a filter.
  await page.locator('#site-input').focus();
  await page.keyboard.press('Tab');
  await expect(page.locator('#range-picker input:focus')).toHaveCount(1);
  await page.locator('#card-pages [aria-label="Top"] li[data-key="/about"] button').focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/filters=page%3A%2Fabout/);
});
