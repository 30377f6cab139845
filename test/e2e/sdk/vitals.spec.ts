import config from '../../../playwright.config.js';
import { CHROME_UA } from '../../support/collector-fixtures.js';
import { expect, flush, ready, test } from './harness.js';

// Beacons sent while a page unloads leave without Playwright's per-context UA override, i.e. with
// the HeadlessChrome UA, which the collector rightly files as a bot. The browser-wide switch makes
// those count too.
const launchOptions = config.use?.launchOptions ?? {};
test.use({ launchOptions: { ...launchOptions, args: [...(launchOptions.args ?? []), `--user-agent=${CHROME_UA}`] } });

test('web vitals arrive (loaded lazily as their own chunk); CLS, reported as the page hides, by the main-thread beacon', async ({ stack }) => {
  stack.setPage({ body: '<p style="font-size:40px">A large paragraph that becomes the LCP element.</p><button id="b" onclick="const end = Date.now() + 120; while (Date.now() < end);">buy</button>' });
  const context = await stack.newContext();
  const page = await context.newPage();
  const loaded: string[] = [];
  page.on('request', (request) => loaded.push(new URL(request.url()).pathname));
  await page.goto(`${stack.pageOrigin}/vitals`);
  await ready(page);
  // INP is registered too, but whether a synthetic click leaves an Event Timing entry in headless
  // Chromium depends on timing (usually none; under load, sometimes one): INP may or may not come.
  const sentVitals = () => [...new Set(stack.sentEvents().filter((event) => event.type === 'vital').map((event) => event.name))].filter((name) => name !== 'INP').sort();
  // wisp-vitals.js loads after the first pageview: FCP and TTFB, reported as soon as it runs, show
  // it has started (a page that leaves before that reports no vitals), and that the pipeline is up.
  await expect
    .poll(async () => {
      await flush(page);
      return sentVitals();
    }, { timeout: 15_000 })
    .toEqual(['FCP', 'TTFB']);
  await page.click('#b'); // a slow interaction: LCP is final, INP has something to measure
  await page.waitForTimeout(300);
  await page.goto('about:blank'); // pagehide + visibilitychange(hidden): web-vitals reports LCP, CLS, INP
  await expect.poll(sentVitals, { timeout: 15_000 }).toEqual(['CLS', 'FCP', 'LCP', 'TTFB']);
  for (const vital of stack.sentEvents().filter((event) => event.type === 'vital')) {
    expect(typeof vital.props.value).toBe('number');
  }
  expect(loaded).toContain('/sdk/wisp-vitals.js');
  for (const vital of stack.sentEvents().filter((event) => event.type === 'vital')) {
    expect(['CLS', 'FCP', 'INP', 'LCP', 'TTFB']).toContain(vital.name);
  }
  await expect
    .poll(async () => (await stack.stats()).vitals.map((vital) => vital.key).filter((key) => key !== 'INP').sort())
    .toEqual(['CLS', 'FCP', 'LCP', 'TTFB']);
});
