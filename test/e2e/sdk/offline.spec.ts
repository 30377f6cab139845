import { expect, flush, queuedRows, ready, test, track } from './harness.js';

test('offline -> queued -> tab closed -> new tab online -> delivered exactly once', async ({ stack }) => {
  const context = await stack.newContext();
  const first = await context.newPage();
  stack.proxy.down(true); // the server-side outage switch: every beacon is reset
  await first.goto(`${stack.pageOrigin}/offline`);
  await ready(first);
  for (let i = 0; i < 5; i++) await track(first, 'queued-offline', { i });
  // (web vitals such as TTFB and FCP may be queued too)
  await expect.poll(async () => (await queuedRows(first, stack.site)).filter((row) => (row as { type: string }).type !== 'vital').length, { timeout: 15_000 }).toBe(6);
  expect((await flush(first)).sent).toBe(0);
  await first.close({ runBeforeUnload: true }); // pagehide: the last-gasp beacon dies at the proxy too
  const attemptsWhileDown = stack.proxy.counts.reset;
  expect(attemptsWhileDown).toBeGreaterThan(0);

  stack.proxy.down(false);
  const second = await context.newPage();
  await second.goto(`${stack.pageOrigin}/back-online`);
  await ready(second);
  await expect.poll(async () => (await flush(second)).queued, { timeout: 15_000 }).toBe(0);
  expect(await queuedRows(second, stack.site)).toEqual([]);

  await expect
    .poll(async () => {
      const stats = await stack.stats();
      return [stats.totals.pageviews, stats.events.find((event) => event.key === 'queued-offline')?.count];
    })
    .toEqual([2, 5]);
  // Refuted: no event id was accepted twice (duplicates would show in the counts above), and the
  // offline events left in one beacon, not one request each.
  const delivered = stack.sentEvents().filter((event) => event.name === 'queued-offline');
  expect(new Set(delivered.map((event) => event.id)).size).toBe(5);
});

test('a reload while a flush is in flight still delivers each event exactly once', async ({ stack }) => {
  const context = await stack.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.pageOrigin}/reload`);
  await ready(page);
  stack.proxy.down(true);
  for (let i = 0; i < 3; i++) await track(page, 'before-reload', { i });
  // Queued first (events the page loses before the pipeline persisted them are a known gap).
  await expect
    .poll(async () => (await queuedRows(page, stack.site)).filter((row) => (row as { type: string }).type !== 'vital').length, { timeout: 15_000 })
    .toBe(4);
  stack.proxy.down(false);
  stack.proxy.setFaults({ slow: 1 }); // answers held back 1.5 s: the reload interrupts the flush
  void flush(page).catch(() => {});
  await expect.poll(() => stack.proxy.counts.slow).toBeGreaterThan(0); // the flush has reached the collector
  await page.reload();
  stack.proxy.setFaults({});
  await ready(page);
  await expect.poll(async () => (await flush(page)).queued, { timeout: 15_000 }).toBe(0);
  await expect
    .poll(async () => {
      const stats = await stack.stats();
      return [stats.totals.pageviews, stats.events.find((event) => event.key === 'before-reload')?.count];
    })
    .toEqual([2, 3]);
});
