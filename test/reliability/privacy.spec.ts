import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect, test } from '@playwright/test';
import { decodeBeacon } from 'wisp/beacon';
import { spawnCollector } from '../support/collector-process.js';
import { postBatch, event } from '../support/collector-fixtures.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { startSiteServer } from './site-server.js';
import type { SiteWindow } from './site-server.js';

// Privacy audit: a PII-laden corpus goes in through the SDK in Chromium (URL, referrer, SPA
// navigation, custom events, props, an uncaught error) and through the JSON API, from a "real"
// client IP (X-Forwarded-For through a proxy) and a full User-Agent. Then every request body the
// browser sent, every data-dir file, every table cell and every log line is searched.
const SITE = 'privacy.test';
const EMAIL = 'jane.doe@example.com';
const PHONE_INTL = '+1 415 555 0132';
const PHONE_NA = '(415) 555-0132';
const PHONE_DASHED = '415-555-0132';
const CARD = '4111111111111111';
const CARD_SPACED = '4111 1111 1111 1111';
const SECRET = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
const GITHUB_TOKEN = 'ghp_R2d2C3poBb8Ewok1Yoda7Luke9Leia5Han0';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const CLIENT_IPS = ['81.2.69.142', '2a00:1450:4001:81b::200e'];
const MARKER = 'PrivacyMarkerQ/4.2';
const UA = `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.86 Safari/537.36 ${MARKER}`;

const NEEDLES = [
  EMAIL, encodeURIComponent(EMAIL), 'jane.doe%40example', PHONE_INTL, encodeURIComponent(PHONE_INTL), PHONE_NA, PHONE_DASHED,
  CARD, CARD_SPACED, SECRET, GITHUB_TOKEN, JWT, JWT.split('.')[2]!, ...CLIENT_IPS, MARKER, UA,
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function hits(where: string, text: string, found: string[]): void {
  for (const needle of NEEDLES) if (text.includes(needle)) found.push(`${needle} in ${where}`);
}

test('no email, phone, card, token, JWT, client IP or User-Agent survives in request bodies, files, table cells or logs', async ({ browser }) => {
  test.setTimeout(90_000);
  const collector = await spawnCollector({ env: { WISP_RATE_LIMIT: '0', WISP_TRUST_PROXY: '1' } });
  const proxy = await startFaultProxy({ target: collector.url, addHeaders: { 'x-forwarded-for': CLIENT_IPS[0]! } });
  const site = await startSiteServer({ site: SITE, endpoint: `${proxy.url}/api/e`, flushIntervalMs: 500, outboundLinks: true });
  const context = await browser.newContext({ userAgent: UA });
  const browserBodies: Buffer[] = [];
  context.on('request', (request) => {
    const body = request.postDataBuffer();
    if (request.method() === 'POST' && body) browserBodies.push(body);
  });
  const page = await context.newPage();
  const found: string[] = [];
  let cells = 0;
  try {
    const path = `/account/${EMAIL}/orders?email=${encodeURIComponent(EMAIL)}&token=${SECRET}&phone=${encodeURIComponent(PHONE_INTL)}&utm_source=newsletter&utm_campaign=${encodeURIComponent(EMAIL)}#access_token=${JWT}`;
    await page.goto(`${site.url}${path}`, { referer: `https://mail.example.org/inbox?user=${encodeURIComponent(EMAIL)}&sid=${SECRET}` });
    await page.waitForFunction(() => (window as unknown as SiteWindow).wispReady === true);
    await page.evaluate(
      ({ EMAIL, PHONE_INTL, PHONE_NA, PHONE_DASHED, CARD, CARD_SPACED, SECRET, GITHUB_TOKEN, JWT }) => {
        (window as unknown as SiteWindow).wisp.track(`signup ${EMAIL}`, { email: EMAIL, plan: 'pro', note: `call me at ${PHONE_INTL} or ${PHONE_NA}`, card: CARD_SPACED, api: SECRET });
        (window as unknown as SiteWindow).wisp.track('checkout', { contact: `${EMAIL} / ${PHONE_DASHED}`, number: CARD, password: 'hunter2-Passw0rd!', bearer: JWT, gh: GITHUB_TOKEN });
        (window as unknown as SiteWindow).wisp.pageview(`/reset/${JWT}?token=${SECRET}&next=/home`);
        history.pushState({}, '', `/users/${EMAIL}/settings?phone=${encodeURIComponent(PHONE_NA)}&card=${CARD}`);
        setTimeout(() => {
          throw new Error(`checkout failed for ${EMAIL}, card ${CARD}, key ${SECRET}`);
        });
        void Promise.reject(new Error(`token ${JWT} expired for ${EMAIL}`));
      },
      { EMAIL, PHONE_INTL, PHONE_NA, PHONE_DASHED, CARD, CARD_SPACED, SECRET, GITHUB_TOKEN, JWT },
    );
    await page.waitForTimeout(500);
    for (let attempt = 0; attempt < 20; attempt++) {
      if ((await page.evaluate(() => (window as unknown as SiteWindow).wisp.flush())).queued === 0) break;
      await page.waitForTimeout(300);
    }
    // The same corpus through the JSON API (server-side senders may send anything), from both IPs.
    for (const ip of CLIENT_IPS) {
      const events = [
        event({ url: `https://${SITE}/users/${EMAIL}?token=${SECRET}&utm_source=x`, referrer: `https://mail.example.org/?u=${EMAIL}` }),
        event({ type: 'event', name: `paid ${CARD_SPACED} ${EMAIL}`, props: { email: EMAIL, memo: `${PHONE_INTL} ${SECRET}`, jwt: JWT } }),
        event({ type: 'error', name: `Error: ${EMAIL} ${GITHUB_TOKEN}`, url: `https://${SITE}/x#${JWT}` }),
      ];
      expect((await postBatch(collector.url, SITE, events, { ip, userAgent: UA })).status).toBe(202);
    }
    const stats = await fetch(`${collector.url}/api/stats?site=${SITE}&from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`, {
      headers: { authorization: `Bearer ${collector.token}` },
    });
    const json = (await stats.json()) as { totals: { pageviews: number; events: number } };
    // Useful data survives the scrubbing: the browser's 3 pageviews + 2 API pageviews, and events.
    expect(json.totals.pageviews).toBeGreaterThanOrEqual(5);
    expect(json.totals.events).toBeGreaterThanOrEqual(4);
  } finally {
    await context.close();
    await collector.stop();
    await proxy.close();
    await site.close();
  }

  // 1. Every request body the browser sent (as seen by the proxy, and by Playwright), raw and decoded.
  expect(proxy.bodies.length).toBeGreaterThan(0);
  let beaconEvents = 0;
  for (const [i, body] of [...proxy.bodies, ...browserBodies].entries()) {
    const bytes = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
    hits(`request body ${i} (raw)`, bytes.toString('latin1') + bytes.toString('utf8'), found);
    try {
      const batch = decodeBeacon(new Uint8Array(bytes));
      if (i < proxy.bodies.length) beaconEvents += batch.events.length;
      hits(`request body ${i} (decoded)`, JSON.stringify(batch), found);
    } catch {
      // not a beacon (e.g. a JSON body): the raw search above covers it
    }
  }
  // 2. Every file of the data dir (store, WAL, salts, token).
  for (const file of filesUnder(collector.dataDir)) hits(file, readFileSync(file).toString('latin1') + readFileSync(file).toString('utf8'), found);
  // 3. Every cell of every table.
  const instance = await DuckDBInstance.create(join(collector.dataDir, 'wisp.duckdb'));
  const connection = await instance.connect();
  const tables = (await connection.runAndReadAll('SELECT table_name FROM information_schema.tables')).getRowsJS().map((row) => String(row[0]));
  for (const table of tables) {
    for (const row of (await connection.runAndReadAll(`SELECT * FROM "${table}"`)).getRowsJS()) {
      for (const cell of row) {
        cells++;
        hits(`table ${table}`, typeof cell === 'object' ? JSON.stringify(cell, (_, v) => (typeof v === 'bigint' ? String(v) : v)) : String(cell), found);
      }
    }
  }
  connection.closeSync();
  instance.closeSync();
  // 4. Every log line.
  hits('collector output', collector.output(), found);

  expect(beaconEvents).toBeGreaterThanOrEqual(7); // 3 pageviews, 2 events, 2 errors (+ vitals)
  console.log(
    `privacy audit: ${NEEDLES.length} needles, ${proxy.bodies.length} beacon bodies (${beaconEvents} events) + ${browserBodies.length} browser-seen bodies, ` +
      `${filesUnder(collector.dataDir).length} files, ${tables.length} tables / ${cells} cells, ${collector.output().split('\n').length} log lines: ${found.length} hits`,
  );
  expect(found).toEqual([]);
});

// Regression guard: free text (event names, prop values) must lose IPv4/IPv6 addresses, full
// User-Agent strings, US SSNs and phone numbers written with spaces only (`415 555 0132`), both in
// the SDK and when the collector re-scrubs with wisp/scrub. Shapes live in sdk/src/scrub/scrub-text.ts.
test('IPs, full UAs, SSNs and space-grouped phones inside event text do not reach the store', async () => {
  const gaps = ['203.0.113.195', '2001:db8:85a3::8a2e:370:7334', '415 555 0132', '123-45-6789', 'AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0'];
  const collector = await spawnCollector({ env: { WISP_RATE_LIMIT: '0' } });
  try {
    const events = [
      event({ type: 'event', name: 'contact', props: { note: `call ${gaps[2]} from ${gaps[0]}`, debug: `Mozilla/5.0 (X11; Linux x86_64) ${gaps[4]} Safari/537.36` } }),
      event({ type: 'error', name: `blocked ${gaps[1]} ssn ${gaps[3]}` }),
    ];
    expect((await postBatch(collector.url, SITE, events)).status).toBe(202);
  } finally {
    await collector.stop();
  }
  const instance = await DuckDBInstance.create(join(collector.dataDir, 'wisp.duckdb'));
  const connection = await instance.connect();
  const stored = JSON.stringify((await connection.runAndReadAll('SELECT name, props FROM events')).getRowsJS());
  connection.closeSync();
  instance.closeSync();
  const leaked = gaps.filter((gap) => stored.includes(gap));
  console.log(`scrubber gaps: ${leaked.length} of ${gaps.length} stored as is: ${leaked.join(' | ')}`);
  expect(leaked).toEqual([]);
});
