import type { Page } from '@playwright/test';
import config from '../../../playwright.config.js';
import { CHROME_UA } from '../../support/collector-fixtures.js';
import { clickListeners, expect, flush, initEsm, onlineListeners, ready, test, track } from './harness.js';

// Beacons sent while a page unloads leave without Playwright's per-context UA override (i.e. as
// HeadlessChrome, a bot): the browser-wide switch makes them count.
const launchOptions = config.use?.launchOptions ?? {};
test.use({ launchOptions: { ...launchOptions, args: [...(launchOptions.args ?? []), `--user-agent=${CHROME_UA}`] } });

async function importWisp(page: Page, url: string) {
  return page.evaluate(async (href) => {
    const wisp = (await import(href)) as { track(name: string): void };
    try {
      wisp.track('too-early');
      return 'no error';
    } catch (error) {
      return String(error);
    }
  }, url);
}

test('npm build: track() before init() is a programmer error; misuse after init only warns in debug mode', async ({ stack }) => {
  stack.setPage({ noScript: true });
  const context = await stack.newContext();
  const page = await context.newPage();
  const warnings: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${stack.pageOrigin}/app`);
  expect(await importWisp(page, `${stack.sdkOrigin}/sdk/wisp.js`)).toBe('Error: wisp: track() called before init()');

  await initEsm(page, stack, { debug: true, vitals: false });
  await page.evaluate(() => {
    const wisp = (window as unknown as { wisp: { track(...args: unknown[]): void; pageview(url: unknown): void } }).wisp;
    wisp.track('');
    wisp.track(42);
    wisp.track('x'.repeat(200));
    wisp.track('ok', 'not-an-object');
    wisp.track('partly-ok', { keep: 1, bad: { nested: true }, nan: Number.NaN, fn: () => 1 });
    wisp.pageview(123);
  });
  await expect.poll(async () => (await flush(page)).queued, { timeout: 15_000 }).toBe(0);
  expect(warnings.filter((text) => text.startsWith('wisp: track()')).length).toBeGreaterThanOrEqual(6);
  expect(warnings.some((text) => text.includes('pageview(url)'))).toBe(true);
  expect(pageErrors).toEqual([]);
  const events = stack.sentEvents().filter((event) => event.type === 'event');
  expect(events.map((event) => [event.name, event.props])).toEqual([['partly-ok', { keep: 1 }]]);
});

test('optOut() is remembered across reloads without any identifier; optIn() resumes', async ({ stack }) => {
  const context = await stack.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.pageOrigin}/consent`);
  await ready(page);
  // The first load's pageview was tracked before the opt-out: it may have left already.
  const optedOutAt = await page.evaluate(() => Date.now());
  await page.evaluate(() => (window as unknown as { wisp: { optOut(): void } }).wisp.optOut());
  expect(await page.evaluate(() => ({ ...localStorage }))).toEqual({ 'wisp:opt-out': '1' });
  await page.reload();
  await ready(page);
  await track(page, 'while-opted-out');
  expect(await flush(page)).toEqual({ sent: 0, queued: 0 });
  await page.evaluate(() => (window as unknown as { wisp: { optIn(): void } }).wisp.optIn());
  await track(page, 'after-opt-in');
  await expect.poll(async () => (await flush(page)).queued, { timeout: 15_000 }).toBe(0);
  const names = stack.sentEvents().map((event) => event.name ?? event.type);
  expect(names).toContain('after-opt-in');
  expect(names).not.toContain('while-opted-out');
  expect(stack.sentEvents().filter((event) => event.type === 'pageview' && event.ts >= optedOutAt)).toHaveLength(0); // the reload's pageview happened while opted out
  expect(await page.evaluate(() => document.cookie)).toBe('');
});

test('Global Privacy Control and Do Not Track are respected by default: nothing loads, nothing is sent', async ({ stack }) => {
  const context = await stack.newContext();
  await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  const page = await context.newPage();
  const requested: string[] = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  await page.goto(`${stack.pageOrigin}/gpc`);
  await ready(page);
  await track(page, 'ignored');
  expect(await flush(page)).toEqual({ sent: 0, queued: 0 });
  await page.waitForTimeout(500);
  expect(requested.filter((path) => path.startsWith('/sdk/'))).toEqual(['/sdk/wisp.min.js']);
  expect(stack.proxy.bodies).toHaveLength(0);
});

test('outbound-link clicks are tracked when opted in; destroy() restores history and stops tracking', async ({ stack }) => {
  stack.setPage({
    attributes: 'data-outbound-links',
    body: '<a id="out" href="https://elsewhere.example/page?session=abc">out</a><a id="stay" href="https://elsewhere.example/stay" onclick="event.preventDefault()">stay</a>',
  });
  const context = await stack.newContext();
  await context.route('https://elsewhere.example/**', (route) => route.fulfill({ body: 'elsewhere' }));
  const page = await context.newPage();
  await page.goto(`${stack.pageOrigin}/links`);
  await ready(page);
  // wisp-clicks.js loads lazily: a click before it has installed its listeners is not tracked.
  await expect.poll(() => clickListeners(page)).toEqual(['auxclick', 'click']);
  await flush(page); // the bridge is up: it forwards `online` to the pipeline
  expect(await onlineListeners(page)).toBe(1);
  const pushStateBefore = await page.evaluate(() => history.pushState.toString());
  await page.evaluate(() => (window as unknown as { wisp: { destroy(): void } }).wisp.destroy());
  expect(await page.evaluate(() => history.pushState.toString())).toContain('[native code]');
  expect(pushStateBefore).not.toContain('[native code]');
  expect(await clickListeners(page)).toEqual([]);
  await expect.poll(() => onlineListeners(page)).toBe(0); // removed as the pipeline closes
  await page.click('#stay'); // refuted below: nothing is tracked after destroy()

  await page.reload();
  await ready(page);
  await expect.poll(() => clickListeners(page)).toEqual(['auxclick', 'click']);
  // The pipeline is up (bridge loaded, worker started): a click on the way out before that leaves
  // by the loader's last resort, without props (sdk/README.md).
  await flush(page);
  await page.click('#out');
  await page.waitForURL('https://elsewhere.example/**');
  // Delivery is at-least-once: as the page leaves, the worker's batch and the pagehide beacon may
  // both carry the click (the worker has not heard back yet), with one id the collector counts once.
  await expect
    .poll(async () => (await stack.stats()).events.find((event) => event.key === 'Outbound Link: Click')?.count, { timeout: 15_000 })
    .toBe(1);
  const clicks = stack.sentEvents().filter((event) => event.name === 'Outbound Link: Click');
  expect(new Set(clicks.map((event) => event.id)).size).toBe(1);
  expect(new Set(clicks.map((event) => event.props.url))).toEqual(new Set(['https://elsewhere.example/page']));
});
