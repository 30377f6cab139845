import { expect, flush, ready, test, track } from './harness.js';

test('a strict-CSP page (no blob: workers, no wasm-unsafe-eval) still delivers, via the main-thread pipeline', async ({ stack }) => {
  stack.setPage({ csp: `default-src 'self'; script-src 'self' ${stack.sdkOrigin}; connect-src ${stack.sdkOrigin}; worker-src 'self'` });
  const context = await stack.newContext();
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (message) => message.text().includes('Content Security Policy') && violations.push(message.text()));
  page.on('pageerror', (error) => violations.push(`pageerror: ${error.message}`));
  await page.goto(`${stack.pageOrigin}/strict`);
  await ready(page);
  await track(page, 'strict-csp');
  await expect.poll(async () => (await flush(page)).queued, { timeout: 15_000 }).toBe(0);
  await expect
    .poll(async () => {
      const stats = await stack.stats();
      return [stats.totals.pageviews, stats.events.find((event) => event.key === 'strict-csp')?.count];
    })
    .toEqual([1, 1]);
  // The worker was refused (that is the point); nothing else broke.
  expect(violations.filter((text) => text.startsWith('pageerror'))).toEqual([]);
  expect(page.workers()).toHaveLength(0);
});

test('a CSP page allowing blob: workers and wasm runs the pipeline in a worker', async ({ stack }) => {
  // A module worker's static imports are fetched as "worker" requests: worker-src must name the
  // collector too, not only blob: (the bootstrap).
  stack.setPage({
    csp: `default-src 'self'; script-src 'self' ${stack.sdkOrigin} 'wasm-unsafe-eval'; connect-src ${stack.sdkOrigin}; worker-src blob: ${stack.sdkOrigin}`,
  });
  const context = await stack.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.pageOrigin}/worker-allowed`);
  await ready(page);
  await track(page, 'in-worker');
  await expect.poll(async () => (await flush(page)).queued, { timeout: 15_000 }).toBe(0);
  expect(page.workers().length).toBe(1);
  await expect.poll(async () => (await stack.stats()).events.find((event) => event.key === 'in-worker')?.count).toBe(1);
});
