import { expect, flush, ready, test, track } from './harness.js';

test('coming back online flushes without waiting for the retry interval', async ({ stack }) => {
  const context = await stack.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.pageOrigin}/online`);
  await ready(page);
  await expect.poll(async () => (await flush(page)).queued).toBe(0);
  await context.setOffline(true);
  await track(page, 'while-offline');
  // Retries fail and back off: ~0.2, ~1, ~2.5, ~5.5 s; the next is >= 4 s after that.
  await page.waitForTimeout(6_000);
  expect(stack.sentEvents().some((event) => event.name === 'while-offline')).toBe(false);
  await context.setOffline(false); // fires `online`: no flush() call from here on
  // Sooner than any backoff retry could: the `online` event did it.
  await expect.poll(() => stack.sentEvents().filter((event) => event.name === 'while-offline').length, { timeout: 2_500 }).toBe(1);
});

test('an identical event fired twice at once (double listeners) is collapsed; distinct ones are not', async ({ stack }) => {
  const context = await stack.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.pageOrigin}/double`);
  await ready(page);
  await page.evaluate(() => {
    const wisp = (window as unknown as { wisp: { track(n: string, p?: object): void } }).wisp;
    wisp.track('add-to-cart', { sku: 'A1' });
    wisp.track('add-to-cart', { sku: 'A1' });
    wisp.track('add-to-cart', { sku: 'B2' });
  });
  await expect.poll(async () => (await flush(page)).queued, { timeout: 10_000 }).toBe(0);
  const carts = stack.sentEvents().filter((event) => event.name === 'add-to-cart');
  expect(carts.map((event) => event.props.sku).sort()).toEqual(['A1', 'B2']);
});

test('a 500 from the collector is retried (the same ids), not dropped', async ({ stack }) => {
  const context = await stack.newContext();
  let refused = 0;
  await context.route('**/api/e', (route) => {
    refused++;
    return route.fulfill({ status: 500, headers: { 'access-control-allow-origin': '*' }, body: '{"error":"boom"}' });
  });
  const page = await context.newPage();
  await page.goto(`${stack.pageOrigin}/five-hundred`);
  await ready(page);
  await track(page, 'after-500');
  expect((await flush(page)).sent).toBe(0);
  expect(refused).toBeGreaterThan(0);
  await context.unrouteAll();
  await expect.poll(async () => (await flush(page)).queued, { timeout: 15_000 }).toBe(0);
  await expect.poll(async () => (await stack.stats()).events.find((event) => event.key === 'after-500')?.count).toBe(1);
});
