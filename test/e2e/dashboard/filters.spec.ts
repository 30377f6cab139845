// Clicking a row filters every card: the click writes `filters=` into the URL (shareable), the
// dashboard asks /api/stats with it, every card then equals the filtered /api/stats body and differs
// from the unfiltered one; the chip removes the filter again.
import { expect, test } from '@playwright/test';
import { type CollectorProcess, spawnCollector } from '../../support/collector-process.js';
import { settled } from '../../support/stream-settled.js';
import {
  CHROME_UA, expectedFromStats, FIREFOX_UA, getStats, IP, IPHONE_UA, readDashboard, renderedStatsUrl, seed, waitForStats,
  filtersApplied, stopCollector,
} from './dashboard-helpers.js';

const SITE = 'filters.test';
let collector: CollectorProcess;
/** Set in beforeAll: the server-side half (docs/dashboard.md) is the collector's to implement. */
let serverFilters = false;
const NO_SERVER_FILTERS = 'GET /api/stats applies filters= (docs/dashboard.md)';

test.beforeAll(async () => {
  collector = await spawnCollector({ env: { WISP_TRUST_PROXY: '1' } });
  // Only the German Chrome visitor sees /pricing; the others differ in every dimension.
  await seed(collector.url, SITE, [
    { ua: CHROME_UA, ip: IP.DE, events: [
      { type: 'pageview', path: '/pricing', referrer: 'https://news.ycombinator.com/' },
      { type: 'vital', path: '/pricing', name: 'LCP', props: { value: 1500 } },
      { type: 'event', path: '/pricing', name: 'signup', props: { plan: 'pro' } },
    ] },
    { ua: IPHONE_UA, ip: IP.US, events: [
      { type: 'pageview', path: '/', referrer: 'https://www.google.com/' },
      { type: 'vital', path: '/', name: 'LCP', props: { value: 4200 } },
      { type: 'event', path: '/', name: 'newsletter', props: {} },
      { type: 'error', path: '/', name: 'TypeError: x is undefined' },
      { type: 'pageview', path: '/blog' },
      // A third LCP: rank-based sketch quantiles of [1500, 4200] and of [1500] would both be 1500.
      { type: 'vital', path: '/blog', name: 'LCP', props: { value: 3900 } },
    ] },
    { ua: FIREFOX_UA, ip: IP.FR, events: [{ type: 'pageview', path: '/blog', referrer: 'https://duckduckgo.com/' }] },
  ]);
  await waitForStats(collector.url, collector.token, SITE, (s) => s.totals.pageviews === 4);
  await settled(collector.url); // late-event reconciliation done: every later stats body is final
  serverFilters = await filtersApplied(collector.url, collector.token, SITE);
});

test.afterAll(async () => {
  await stopCollector(collector);
});

test('clicking a page filters every card, and the URL can be shared', async ({ browser }) => {
  const context = await browser.newContext({ userAgent: CHROME_UA });
  const page = await context.newPage();
  await page.goto(`${collector.url}/?token=${collector.token}&site=${SITE}`);
  const unfilteredUrl = await renderedStatsUrl(page);
  const unfiltered = await readDashboard(page);

  await page.locator('#card-pages [role=tabpanel][aria-label="Top"] li[data-key="/pricing"] button').click();
  await expect(page).toHaveURL(/filters=page%3A%2Fpricing/);
  await expect(page.locator('#filter-bar .chip')).toHaveText(/page\s+\/pricing/);
  await expect(page.locator('body')).not.toHaveAttribute('data-stats-url', unfilteredUrl);
  const filteredUrl = await renderedStatsUrl(page);
  expect(new URL(filteredUrl, collector.url).searchParams.get('filters')).toBe('page:/pricing');

  expect(serverFilters, NO_SERVER_FILTERS).toBe(true);
  const stats = await getStats(collector.url, collector.token, filteredUrl);
  const filtered = await readDashboard(page);
  expect(filtered).toEqual(expectedFromStats(stats));
  // The server really filtered: one visitor, one pageview, and every card shows a different picture.
  expect(filtered.totals).toMatchObject({ pageviews: 1, visitors: 1 });
  for (const field of ['pages', 'referrers', 'countries', 'browsers', 'os', 'devices', 'events', 'errors'] as const) {
    expect(filtered.lists[field], `card ${field} changed`).not.toEqual(unfiltered.lists[field]);
  }
  expect(filtered.vitals).not.toEqual(unfiltered.vitals);
  expect(filtered.lists.countries).toEqual([['DE', 1]]);

  // Shareable: the same URL in a fresh tab (token already stored) shows the same filtered view.
  const shared = await context.newPage();
  await shared.goto(page.url());
  await expect(shared.locator('#filter-bar .chip')).toHaveCount(1);
  await renderedStatsUrl(shared);
  expect(await readDashboard(shared)).toEqual(filtered);

  // Removing the chip (keyboard) goes back to the unfiltered numbers.
  await page.locator('#filter-bar .chip').focus();
  await page.keyboard.press('Enter');
  await expect(page).not.toHaveURL(/filters=/);
  await renderedStatsUrl(page);
  await expect.poll(async () => (await readDashboard(page)).totals.pageviews).toBe(4);
  await context.close();
});

test('filters combine and a bad filters= is reported, not fatal', async ({ browser }) => {
  const context = await browser.newContext({ userAgent: CHROME_UA });
  const page = await context.newPage();
  await page.goto(`${collector.url}/?token=${collector.token}&site=${SITE}&filters=${encodeURIComponent('page:/blog;country:FR')}`);
  const url = await renderedStatsUrl(page);
  expect(new URL(url, collector.url).searchParams.get('filters')).toBe('page:/blog;country:FR');
  const shown = await readDashboard(page);
  expect(shown).toEqual(expectedFromStats(await getStats(collector.url, collector.token, url)));
  expect(shown.totals).toMatchObject({ pageviews: 1, visitors: 1 });

  await page.goto(`${collector.url}/?site=${SITE}&filters=nonsense:1`);
  await expect(page.locator('#filter-bar')).toContainText('Ignoring filters');
  await expect(page.locator('#kpi-pageviews .value')).toHaveAttribute('data-value', '4');
  await context.close();
});
