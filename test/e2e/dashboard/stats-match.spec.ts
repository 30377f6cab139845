// The dashboard shows exactly what /api/stats says for the same range: every total, every row of
// every breakdown card, every vital. The spec reads the /api/stats URL the page used, fetches it
// again from Node with the token, and compares with the DOM.
import { expect, test } from '@playwright/test';
import { type CollectorProcess, spawnCollector } from '../../support/collector-process.js';
import { settled } from '../../support/stream-settled.js';
import {
  CHROME_UA, expectedFromStats, FIREFOX_UA, getStats, IP, IPHONE_UA, readDashboard, renderedStatsUrl, seed, waitForStats,
  stopCollector,
} from './dashboard-helpers.js';

const SITE = 'stats-match.test';
const DAY_MS = 86_400_000;
// The seed is written about 5 minutes in the past, moved earlier when needed so that it starts at
// least 2 minutes before a UTC midnight; the page runs on Playwright's clock, started 1 minute after the seed start
// (in UTC). Seed and the page's "now" are then always in the same UTC day, so every range tested
// (realtime = last 30 min, today, 7d) holds the whole seed whatever the wall clock says.
const SEED_START = ((ts) => Math.min(ts, ts - (ts % DAY_MS) + DAY_MS - 2 * 60_000))(Date.now() - 5 * 60_000);
const PAGE_NOW = SEED_START + 60_000;
let collector: CollectorProcess;

test.beforeAll(async () => {
  collector = await spawnCollector({ env: { WISP_TRUST_PROXY: '1' } });
  await seed(collector.url, SITE, [
    { ua: CHROME_UA, ip: IP.DE, events: [
      { type: 'pageview', path: '/', referrer: 'https://news.ycombinator.com/' },
      { type: 'pageview', path: '/pricing' },
      { type: 'event', path: '/pricing', name: 'signup', props: { plan: 'pro' } },
      { type: 'vital', path: '/pricing', name: 'LCP', props: { value: 1800 } },
    ] },
    { ua: IPHONE_UA, ip: IP.US, events: [
      { type: 'pageview', path: '/?utm_source=newsletter&utm_medium=email', referrer: '' },
      { type: 'vital', path: '/', name: 'LCP', props: { value: 3200 } },
      { type: 'error', path: '/', name: 'TypeError: x is undefined' },
    ] },
    { ua: FIREFOX_UA, ip: IP.FR, events: [{ type: 'pageview', path: '/blog', referrer: 'https://www.google.com/' }] },
  ], SEED_START);
  await waitForStats(collector.url, collector.token, SITE, (s) => s.totals.pageviews === 4);
  await settled(collector.url); // late-event reconciliation done: every later stats body is final
});

test.afterAll(async () => {
  await stopCollector(collector);
});

for (const range of ['7d', 'today', 'realtime'] as const) {
  test(`numbers equal /api/stats for range ${range}`, async ({ browser }) => {
    const context = await browser.newContext({ userAgent: CHROME_UA, timezoneId: 'UTC' });
    const page = await context.newPage();
    await page.clock.install({ time: PAGE_NOW });
    await page.goto(`${collector.url}/?token=${collector.token}&site=${SITE}&range=${range}`);
    const statsUrl = await renderedStatsUrl(page);
    const params = new URL(statsUrl, collector.url).searchParams;
    expect(params.get('site')).toBe(SITE);

    const stats = await getStats(collector.url, collector.token, statsUrl);
    const shown = await readDashboard(page);
    expect(shown).toEqual(expectedFromStats(stats));
    // The seed is inside every range tested (see SEED_START), so the comparison is not vacuous.
    expect(shown.totals.pageviews).toBe(4);
    expect(shown.lists.pages!.length).toBeGreaterThan(0);
    await context.close();
  });
}

test('the token is kept and dropped from the address bar', async ({ browser }) => {
  const context = await browser.newContext({ userAgent: CHROME_UA });
  const page = await context.newPage();
  await page.goto(`${collector.url}/?token=${collector.token}&site=${SITE}`);
  await renderedStatsUrl(page);
  expect(page.url()).not.toContain('token');
  expect(await page.evaluate(() => localStorage.getItem('wisp.token'))).toBe(collector.token);
  await page.reload();
  await expect(page.locator('#signin')).toBeHidden();
  await renderedStatsUrl(page);
  await context.close();
});

test('a custom range in a chosen time zone asks for that zone’s midnights, and the view is in the URL', async ({ browser }) => {
  const context = await browser.newContext({ userAgent: CHROME_UA });
  const page = await context.newPage();
  await page.goto(`${collector.url}/?token=${collector.token}&site=${SITE}&range=7d`);
  await renderedStatsUrl(page);

  await page.locator('#tz-input').fill('Asia/Tokyo');
  await page.locator('#tz-input').press('Enter');
  await expect(page).toHaveURL(/tz=Asia%2FTokyo/);
  // "Custom" shows the two day fields.
  await page.locator('#range-picker input[value="custom"]').check();
  await page.locator('#custom-from').fill('2026-11-02');
  await page.locator('#custom-to').fill('2026-11-03');
  await page.locator('#custom-range button[type=submit]').click();
  await expect(page).toHaveURL(/range=custom.*&from=2026-11-02&to=2026-11-03/);
  const url = new URL(await renderedStatsUrl(page), collector.url);
  // 00:00 in Tokyo (UTC+9) on Nov 2 is 15:00 UTC on Nov 1; the range covers both days.
  expect(url.searchParams.get('from')).toBe('2026-11-01T15:00:00.000Z');
  expect(url.searchParams.get('to')).toBe('2026-11-03T15:00:00.000Z');
  expect(url.searchParams.get('tz')).toBe('Asia/Tokyo');
  const stats = await getStats(collector.url, collector.token, url.pathname + url.search);
  expect(await readDashboard(page)).toEqual(expectedFromStats(stats));

  // Back undoes the range change (the view lives in history, not only in memory).
  await page.goBack();
  await expect(page).toHaveURL(/range=7d/);
  await context.close();
});
