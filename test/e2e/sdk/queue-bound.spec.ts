import { expect, flush, initEsm, queuedRows, test, track } from './harness.js';

test('the IndexedDB queue is bounded: oldest dropped, the drop count reported to the collector', async ({ stack }) => {
  stack.setPage({ noScript: true });
  const context = await stack.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.pageOrigin}/bound`);
  stack.proxy.down(true);
  await initEsm(page, stack, { maxQueuedEvents: 5, autoPageviews: false, vitals: false });
  for (let i = 0; i < 12; i++) await track(page, 'burst', { i });
  await expect.poll(async () => (await flush(page)).queued).toBe(5);
  const rows = (await queuedRows(page, stack.site)) as Array<{ props: { i: number } }>;
  expect(rows.map((row) => row.props.i).sort((a, b) => a - b)).toEqual([7, 8, 9, 10, 11]);

  stack.proxy.down(false);
  await expect.poll(async () => (await flush(page)).queued, { timeout: 15_000 }).toBe(0);
  // The proxy saw the failed attempts too; the last beacon is the one that got through.
  const last = stack.beacons().at(-1)!;
  expect(last.events.map((event) => event.props.i)).toEqual([7, 8, 9, 10, 11]);
  expect(last.dropped).toBe(7);
  await expect.poll(async () => (await stack.stats()).events.find((event) => event.key === 'burst')?.count).toBe(5);
});
