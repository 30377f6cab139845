// A pageview on the demo site reaches the dashboard's live panel (current visitors, pageviews in the
// last 30 minutes, top pages) within 1 second of the collector accepting it, over /api/live (SSE).
import { expect, test } from '@playwright/test';
import { type CollectorProcess, spawnCollector } from '../../support/collector-process.js';
import { CHROME_UA, liveFeedServed, stopCollector } from './dashboard-helpers.js';

let collector: CollectorProcess;

test.beforeAll(async () => {
  collector = await spawnCollector({ args: ['--demo'] });
});

test.afterAll(async () => {
  await stopCollector(collector);
});

test('a demo pageview shows in the live counter within 1 s', async ({ browser }) => {
  expect(await liveFeedServed(collector.url, collector.token), 'GET /api/live answers an event stream').toBe(true);
  const dashboardContext = await browser.newContext({ userAgent: CHROME_UA });
  const dashboard = await dashboardContext.newPage();
  await dashboard.goto(`${collector.url}/?token=${collector.token}&site=demo&range=realtime`);
  await expect(dashboard.locator('#live-status')).toHaveAttribute('data-status', 'live', { timeout: 10_000 });
  await expect(dashboard.locator('#live-current')).toHaveAttribute('data-value', '0', { timeout: 10_000 });

  const demoContext = await browser.newContext({ userAgent: CHROME_UA });
  const demo = await demoContext.newPage();
  // The first 2xx answer to a beacon is when the collector has the pageview (worker requests included).
  let acceptedAt = 0;
  demoContext.on('response', (response) => {
    if (!acceptedAt && new URL(response.url()).pathname === '/api/e' && response.ok()) acceptedAt = Date.now();
  });
  await demo.goto(`${collector.url}/demo/`);
  await demo.waitForFunction(() => typeof (window as { wisp?: { flush?: unknown } }).wisp?.flush === 'function');
  await demo.evaluate(() => (window as unknown as { wisp: { flush(): Promise<unknown> } }).wisp.flush());
  const flushedAt = Date.now();
  const sentAt = acceptedAt || flushedAt;

  await expect(dashboard.locator('#live-current')).toHaveAttribute('data-value', '1', { timeout: 5_000 });
  const shownAfterMs = Date.now() - sentAt;
  test.info().annotations.push({ type: 'live latency', description: `${shownAfterMs} ms after the collector accepted the beacon` });
  expect(shownAfterMs).toBeLessThan(1000);
  await expect(dashboard.locator('#live-pageviews')).toHaveAttribute('data-value', '1');
  await expect(dashboard.locator('#live-pages li[data-key="/demo/"]')).toBeVisible();

  // A second page moves the top-pages list and the per-minute total, still live.
  await demo.click('text=Browse the shop');
  // The link may load a new page: wait for its deferred SDK script before calling it.
  await demo.waitForFunction(() => typeof (window as { wisp?: { flush?: unknown } }).wisp?.flush === 'function');
  await demo.evaluate(() => (window as unknown as { wisp: { flush(): Promise<unknown> } }).wisp.flush());
  await expect(dashboard.locator('#live-pageviews')).toHaveAttribute('data-value', '2', { timeout: 1_500 });
  await expect(dashboard.locator('#live-pages li[data-key="/demo/shop/"]')).toBeVisible();

  await demoContext.close();
  await dashboardContext.close();
});
