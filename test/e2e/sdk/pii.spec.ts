import { expect, flush, queuedRows, ready, test, track } from './harness.js';

// Personal data planted everywhere the SDK reads from: URL path, query and fragment, referrer,
// event names and prop values and keys. None of it may reach IndexedDB or any request body.
const PII = ['jane.doe@example.com', 'jane.doe%40example.com', '4111111111111111', '4111 1111 1111 1111', '+44 20 7946 0958', 'hunter2', 'eyJhbGciOiJIUzI1NiJ9', '3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'sk_live_51HqLyjWDarjtT1zdp7dc'];

test('PII never reaches an IndexedDB row or a request body; what remains is still useful', async ({ stack }) => {
  const context = await stack.newContext();
  const page = await context.newPage();
  stack.proxy.down(true); // keep everything queued first, to inspect the rows
  await page.goto(`${stack.pageOrigin}/users/jane.doe%40example.com/orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301?token=hunter2&utm_campaign=spring#access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc`, {
    referer: 'https://mail.example.net/inbox?user=jane.doe@example.com',
  });
  await ready(page);
  await track(page, 'Contact jane.doe@example.com', { card: '4111 1111 1111 1111', note: 'call +44 20 7946 0958', password: 'hunter2', plan: 'pro' });
  await track(page, 'key sk_live_51HqLyjWDarjtT1zdp7dc', { amount: 4111111111111111 });
  await expect.poll(async () => (await queuedRows(page, stack.site)).filter((row) => (row as { type: string }).type !== 'vital').length, { timeout: 15_000 }).toBe(3);

  const rows = JSON.stringify(await queuedRows(page, stack.site));
  for (const secret of PII) expect(rows, `IndexedDB holds ${secret}`).not.toContain(secret);
  expect(rows).toContain('/users/[email]/orders/[uuid]?utm_campaign=spring');

  stack.proxy.down(false);
  await expect.poll(async () => (await flush(page)).queued, { timeout: 15_000 }).toBe(0);
  await page.close({ runBeforeUnload: true }); // pagehide: the last gasp goes out too
  await expect.poll(() => stack.proxy.bodies.length).toBeGreaterThan(0);

  const raw = stack.proxy.bodies.map((body) => body.toString('latin1')).join('\n');
  const decoded = JSON.stringify(stack.beacons());
  for (const secret of PII) {
    expect(raw, `raw body holds ${secret}`).not.toContain(secret);
    expect(decoded, `decoded body holds ${secret}`).not.toContain(secret);
  }
  const events = stack.sentEvents();
  expect(events.find((event) => event.type === 'pageview')!.url).toBe(`${stack.pageOrigin}/users/[email]/orders/[uuid]?utm_campaign=spring`);
  expect(events.find((event) => event.type === 'pageview')!.referrer).toBe('https://mail.example.net/inbox');
  expect(events.find((event) => event.name === 'Contact [email]')!.props).toEqual({ card: '[card]', note: 'call [phone]', plan: 'pro' });
  expect(events.find((event) => event.name === 'key [token]')!.props).toEqual({ amount: '[card]' });
});
