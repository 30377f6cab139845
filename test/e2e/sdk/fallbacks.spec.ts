import { expect, flush, ready, test, track } from './harness.js';

test('no Worker and no IndexedDB (private-mode-like): the main-thread pipeline with a memory queue still delivers', async ({ stack }) => {
  const context = await stack.newContext();
  await context.addInitScript(() => {
    Object.defineProperty(window, 'Worker', { value: undefined });
    Object.defineProperty(window, 'indexedDB', { value: undefined });
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${stack.pageOrigin}/private`);
  await ready(page);
  await track(page, 'in-memory');
  await expect.poll(async () => (await flush(page)).queued, { timeout: 15_000 }).toBe(0);
  await expect
    .poll(async () => {
      const stats = await stack.stats();
      return [stats.totals.pageviews, stats.events.find((event) => event.key === 'in-memory')?.count];
    })
    .toEqual([1, 1]);
  expect(page.workers()).toHaveLength(0);
  expect(pageErrors).toEqual([]);
});
