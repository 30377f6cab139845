import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect, test } from 'vitest';
import { encodeBeacon } from 'wisp/beacon';
import { spawnCollector } from '../support/collector-process.js';
import { event, getStats, post, postBatch } from '../support/collector-fixtures.js';

const IPS = ['81.2.69.142', '2a00:1450:4001:81b::200e', '203.0.113.195', '89.160.20.112'];
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.86 Safari/537.36 PrivacyMarkerA/7.3',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1 PrivacyMarkerB/1.1',
];
const EMAIL = 'jane.doe@example.com';
const SECRET = 'sk_live_abc123secret';
const PHONE = '415 555 0132';
const CARD = '4111111111111111';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

function piiEvents() {
  return [
    event({ url: `https://shop.test/users/${EMAIL}/orders?email=${EMAIL}&token=${SECRET}&utm_campaign=${EMAIL}&utm_source=news` }),
    event({ url: `https://shop.test/reset/${JWT}`, referrer: `https://mail.example.org/inbox?user=${EMAIL}&token=${SECRET}` }),
    event({ type: 'event', name: `signup ${EMAIL}`, props: { email: EMAIL, note: `call me at +1 ${PHONE}`, card: Number(CARD), token: SECRET } }),
    event({ type: 'error', name: `TypeError for user ${EMAIL}, token ${SECRET}`, url: `https://shop.test/checkout?card=${CARD}` }),
    event({ type: 'vital', name: 'LCP', props: { value: 1800, debug: EMAIL } }),
  ];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('a PII-laden corpus leaves no IP, UA, email, token, phone, card or event id in any file or table cell', async () => {
  const collector = await spawnCollector({ env: { WISP_TRUST_PROXY: '1', WISP_RATE_LIMIT: '0' } });
  const ids: string[] = [];
  for (const ip of IPS) {
    for (const userAgent of UAS) {
      const json = piiEvents();
      const beacon = piiEvents();
      ids.push(...json.map((e) => e.id), ...beacon.map((e) => e.id));
      expect((await postBatch(collector.url, 'shop.test', json, { ip, userAgent })).status).toBe(202);
      const bytes = encodeBeacon({ site: 'shop.test', sentAt: Date.now(), events: beacon });
      expect((await post(collector.url, bytes, { route: '/api/e', ip, userAgent })).status).toBe(202);
    }
  }
  // The data is still useful: countries, browsers, pages without the PII.
  const stats = (await getStats(collector.url, collector.token, { site: 'shop.test', from: Date.now() - 3_600_000, to: Date.now() + 60_000 })).json;
  expect(stats.totals.pageviews).toBe(IPS.length * UAS.length * 2 * 2);
  expect(stats.countries.map((row: { key: string }) => row.key)).toContain('GB');
  expect(stats.browsers.map((row: { key: string }) => row.key).sort()).toEqual(['Chrome', 'Mobile Safari']);
  await collector.stop();

  const needles = [...IPS, ...UAS, 'PrivacyMarker', EMAIL, SECRET, PHONE, CARD, JWT, ...ids];
  // Every byte of every file in the data dir (database, WAL, salts, token).
  for (const file of filesUnder(collector.dataDir)) {
    const content = readFileSync(file).toString('latin1');
    for (const needle of needles) expect(content.includes(needle), `${needle} in ${file}`).toBe(false);
  }
  // Every cell of every table (DuckDB compresses strings on disk, so bytes alone could miss them).
  const instance = await DuckDBInstance.create(join(collector.dataDir, 'wisp.duckdb'));
  const connection = await instance.connect();
  const tables = (await connection.runAndReadAll(`SELECT table_name FROM information_schema.tables`)).getRowsJS().map((row) => String(row[0]));
  expect(tables).toContain('events');
  let cells = 0;
  for (const table of tables) {
    for (const row of (await connection.runAndReadAll(`SELECT * FROM "${table}"`)).getRowsJS()) {
      for (const cell of row) {
        const text = String(cell);
        cells++;
        for (const needle of needles) expect(text.includes(needle), `${needle} in ${table}`).toBe(false);
      }
    }
  }
  expect(cells).toBeGreaterThan(IPS.length * UAS.length * 10 * 18 - 1);
  connection.closeSync();
  instance.closeSync();
  // The process output (logs) carries none either.
  for (const needle of needles) expect(collector.output().includes(needle)).toBe(false);
});
