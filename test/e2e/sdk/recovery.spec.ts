import { expect, flush, ready, test, track } from './harness.js';

for (const fault of ['503', 'timeout', 'reset'] as const) {
  test(`the collector answering ${fault} keeps events queued, never throws into the page, then recovers`, async ({ stack }) => {
    const context = await stack.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    stack.proxy.setFaults({ [fault]: 1 });
    await page.goto(`${stack.pageOrigin}/flaky`);
    await ready(page);
    await track(page, 'during-outage');
    const during = await flush(page);
    expect(during.sent).toBe(0);
    expect(during.queued).toBeGreaterThanOrEqual(2);
    expect(stack.proxy.counts[fault]).toBeGreaterThan(0);

    stack.proxy.setFaults({});
    await expect.poll(async () => (await flush(page)).queued, { timeout: 20_000 }).toBe(0);
    await expect
      .poll(async () => {
        const stats = await stack.stats();
        return [stats.totals.pageviews, stats.events.find((event) => event.key === 'during-outage')?.count];
      })
      .toEqual([1, 1]);
    expect(pageErrors).toEqual([]);
  });
}

test('retries back off instead of hammering a failing collector', async ({ stack }) => {
  const context = await stack.newContext();
  const page = await context.newPage();
  stack.proxy.setFaults({ '503': 1 });
  await page.goto(`${stack.pageOrigin}/backoff`);
  await ready(page);
  await page.waitForTimeout(6_000);
  // 1 s base, doubling, with jitter: at most ~5 attempts in 6 s (plus the first).
  expect(stack.proxy.counts['503']).toBeGreaterThan(0);
  expect(stack.proxy.counts['503']).toBeLessThanOrEqual(6);
});
