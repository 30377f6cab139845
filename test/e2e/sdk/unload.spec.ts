import config from '../../../playwright.config.js';
import { CHROME_UA } from '../../support/collector-fixtures.js';
import type { Page } from '@playwright/test';
import { expect, flush, initEsm, queuedRows, ready, test, track } from './harness.js';

// Beacons sent while a page unloads leave without Playwright's per-context UA override (i.e. as
// HeadlessChrome, a bot): the browser-wide switch makes them count.
const launchOptions = config.use?.launchOptions ?? {};
test.use({ launchOptions: { ...launchOptions, args: [...(launchOptions.args ?? []), `--user-agent=${CHROME_UA}`] } });

test('an event tracked in a submit handler right before navigating away arrives once, scrubbed', async ({ stack }) => {
  stack.setPage({
    body: `<form action="/thanks" onsubmit="window.wisp.track('purchase', { email: this.email.value, items: 2 })">
      <input name="email" value="erika.mustermann@example.com"><button id="buy">buy</button></form>`,
  });
  const context = await stack.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.pageOrigin}/checkout`);
  await ready(page);
  await page.click('#buy');
  await page.waitForURL(/\/thanks/);
  await ready(page);
  await expect.poll(async () => (await stack.stats()).events.find((event) => event.key === 'purchase')?.count, { timeout: 15_000 }).toBe(1);
  const purchase = stack.sentEvents().find((event) => event.name === 'purchase')!;
  expect(purchase.props).toEqual({ items: 2 });
  expect(stack.proxy.bodies.map((body) => body.toString('latin1')).join('')).not.toContain('erika');
  expect(JSON.stringify(await queuedRows(page, stack.site))).not.toContain('erika');
});

/** Opens a readwrite transaction on the site's queue and keeps it busy: the SDK's next write waits (like another tab's long write). */
function holdQueue(page: Page, site: string): Promise<void> {
  return page.evaluate(
    (name) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const store = open.result.transaction('events', 'readwrite').objectStore('events');
          const spin = () => void (store.get('none').onsuccess = spin);
          spin();
          resolve();
        };
      }),
    `wisp:${site}`,
  );
}

test('an event the pipeline has put in its pagehide beacon but not confirmed yet leaves once', async ({ stack }) => {
  stack.setPage({ noScript: true });
  const context = await stack.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.pageOrigin}/cart`);
  // The in-page pipeline hands over its pagehide beacon within add(), before its IndexedDB write.
  await initEsm(page, stack, { worker: false, vitals: false, autoPageviews: false });
  await flush(page); // the pipeline is up and its queue exists
  await holdQueue(page, stack.site); // so the write of the next event waits: it stays unconfirmed
  await track(page, 'leaving');
  await page.goto('about:blank'); // pagehide: the event is in the pipeline's beacon and in the unconfirmed list
  await expect.poll(async () => (await stack.stats()).events.find((event) => event.key === 'leaving')?.count, { timeout: 15_000 }).toBe(1);
  // Refuted: a second copy from the unconfirmed list (both beacons leave in the same task as the page hides).
  expect(stack.sentEvents().filter((event) => event.name === 'leaving')).toHaveLength(1);
});
