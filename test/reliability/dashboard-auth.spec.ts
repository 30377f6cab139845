import { expect, test } from '@playwright/test';
import { spawnCollector, type CollectorProcess } from '../support/collector-process.js';
import { CHROME_UA, event, postBatch } from '../support/collector-fixtures.js';

// The dashboard in Chromium: without a token, or with a wrong one, it shows the sign-in form and
// none of the site's data; with the right one it shows the data and drops the token from the URL.
const SITE = 'auth.test';
const MARKER = '/only-for-the-owner';
let collector: CollectorProcess;

test.beforeAll(async () => {
  collector = await spawnCollector({ env: { WISP_RATE_LIMIT: '0' } });
  expect((await postBatch(collector.url, SITE, [event({ url: `https://${SITE}${MARKER}` })])).status).toBe(202);
});
test.afterAll(() => collector?.kill());
test.use({ userAgent: CHROME_UA });

for (const [label, query] of [
  ['no token', ''],
  ['a wrong token', 'token=wrong-token&'],
  ['the right token minus one character', 'TOKEN_MINUS_ONE'],
] as const) {
  test(`the dashboard with ${label} shows the sign-in form and no data`, async ({ page }) => {
    const statsAnswers: number[] = [];
    page.on('response', (response) => response.url().includes('/api/stats') && statsAnswers.push(response.status()));
    const q = query === 'TOKEN_MINUS_ONE' ? `token=${collector.token.slice(0, -1)}&` : query;
    await page.goto(`${collector.url}/?${q}site=${SITE}`);
    await expect(page.locator('#signin')).toBeVisible();
    await page.waitForTimeout(500);
    expect(await page.content()).not.toContain(MARKER);
    expect(statsAnswers.every((status) => status === 401)).toBe(true);
  });
}

test('the dashboard with the right token shows the data and drops the token from the URL', async ({ page }) => {
  await page.goto(`${collector.url}/?token=${collector.token}&site=${SITE}`);
  await expect(page.locator('#signin')).toBeHidden();
  await expect(page.getByText(MARKER).first()).toBeVisible({ timeout: 15_000 });
  expect(page.url()).not.toContain(collector.token);
});
