import { expect, flush, ready, test } from './harness.js';

test('a cross-origin script tag tracks the pageview, SPA navigations and track() exactly once each', async ({ stack }) => {
  const context = await stack.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${stack.pageOrigin}/products?utm_source=newsletter&email=jane@example.com`, { referer: 'https://news.ycombinator.com/' });
  await ready(page);
  await page.evaluate(() => {
    history.pushState({}, '', '/cart');
    history.replaceState({ step: 1 }, '', '/cart'); // same URL: no pageview
    history.pushState({}, '', '/checkout#payment'); // hash routing off: one pageview for /checkout
    history.back();
  });
  await page.waitForURL(/\/cart$/);
  await page.evaluate(() => (window as unknown as { wisp: { track(n: string, p: object): void } }).wisp.track('signup', { plan: 'pro', seats: 3 }));
  await expect.poll(async () => (await flush(page)).queued, { timeout: 10_000 }).toBe(0);

  const events = stack.sentEvents();
  const pageviews = events.filter((event) => event.type === 'pageview').map((event) => new URL(event.url).pathname);
  // Events of the same millisecond may leave in any order (the queue orders by time); the set matters.
  expect(pageviews.sort()).toEqual(['/cart', '/cart', '/checkout', '/products']);
  const first = events.find((event) => event.type === 'pageview')!;
  expect(first.url).toBe(`${stack.pageOrigin}/products?utm_source=newsletter`);
  const signup = events.filter((event) => event.name === 'signup');
  expect(signup).toHaveLength(1);
  expect(signup[0]!.props).toEqual({ plan: 'pro', seats: 3 });
  expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
  expect(stack.beacons().every((batch) => batch.site === stack.site && batch.sentAt > 0)).toBe(true);

  await expect
    .poll(async () => {
      const stats = await stack.stats();
      return [stats.totals.pageviews, stats.events.find((event) => event.key === 'signup')?.count];
    })
    .toEqual([4, 1]);
  expect(errors).toEqual([]);
});

test('hash routing is opt-in; hash routes are scrubbed like paths', async ({ stack }) => {
  stack.setPage({ attributes: 'data-hash-routing' });
  const context = await stack.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.pageOrigin}/app#/home`);
  await ready(page);
  await page.evaluate(() => (location.hash = '#/users/jane.doe@example.com'));
  await page.evaluate(() => (location.hash = '#/settings'));
  await expect.poll(async () => (await flush(page)).queued, { timeout: 10_000 }).toBe(0);
  const pageviews = stack.sentEvents().filter((event) => event.type === 'pageview').map((event) => new URL(event.url).hash);
  expect(pageviews.sort()).toEqual(['#/home', '#/settings', '#/users/[email]']);
  expect(JSON.stringify(stack.beacons())).not.toContain('jane');
});
