import { expect, flush, ready, test, track } from './harness.js';

test('two tabs of one site share the queue and one sender: every event arrives, none is sent twice', async ({ stack }) => {
  const context = await stack.newContext();
  const [a, b] = [await context.newPage(), await context.newPage()];
  await a.goto(`${stack.pageOrigin}/tab-a`);
  await b.goto(`${stack.pageOrigin}/tab-b`);
  await Promise.all([ready(a), ready(b)]);
  for (let i = 0; i < 4; i++) {
    await track(a, 'from-a', { i });
    await track(b, 'from-b', { i });
  }
  // Whichever tab holds the Web Lock sends everything; the other only queues.
  await expect
    .poll(async () => {
      await Promise.all([flush(a), flush(b)]);
      return stack.sentEvents().filter((event) => event.type === 'event').length;
    }, { timeout: 15_000 })
    .toBe(8);
  const ids = stack.sentEvents().filter((event) => event.type !== 'vital').map((event) => event.id);
  expect(new Set(ids).size, 'an id was sent twice').toBe(ids.length);
  await expect
    .poll(async () => {
      const stats = await stack.stats();
      return [stats.totals.pageviews, stats.events.find((e) => e.key === 'from-a')?.count, stats.events.find((e) => e.key === 'from-b')?.count];
    })
    .toEqual([2, 4, 4]);

  // The sender closes: the other tab takes the lock over and keeps delivering.
  const senderClosed = a.close({ runBeforeUnload: true });
  await senderClosed;
  await track(b, 'after-close');
  await expect.poll(async () => (await flush(b)).queued, { timeout: 15_000 }).toBe(0);
  await expect.poll(async () => (await stack.stats()).events.find((e) => e.key === 'after-close')?.count).toBe(1);
});
