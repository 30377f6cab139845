import config from '../../../playwright.config.js';
import { CHROME_UA } from '../../support/collector-fixtures.js';
import { expect, queuedRows, ready, test } from './harness.js';

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
