// A stats request never holds more than WISP_STATS_MAX_EDGE_EVENTS raw events for an edge read from
// the store: over it, the request is answered by SQL instead. The same corpus goes to two collectors,
// one with a budget of 1 event (every store edge is over it) and one with the default; both answer
// the same body, and only the first counts SQL fallbacks in /metrics.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startCollector, type RunningCollector } from '../../collector/src/index.js';
import { CHROME_UA, IPHONE_UA, event, getStats, postBatch, tempDataDir, type TestEvent } from '../support/collector-fixtures.js';
import { settled } from '../support/stream-settled.js';

const SITE = 'budget.test';
const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = Date.now();
// Hours back: older than what RecentEvents holds, so the unaligned edges are read from the store.
// The corpus spans under 7.7 h from T0, so it ends at least 20 min before now (never in the future).
const T0 = Math.floor(NOW / HOUR) * HOUR - 8 * HOUR;
const RANGES: Record<string, string | number>[] = [
  { from: T0 + 17 * MIN + 3000, to: T0 + 4 * HOUR + 41 * MIN + 500 },
  { from: T0 + 95 * MIN + 1, to: T0 + 150 * MIN - 1, interval: 'minute' },
];

const start = (env: Record<string, string>) =>
  startCollector({ dataDir: tempDataDir(), port: 0, host: '127.0.0.1', token: 'budget-token', demo: false, trustProxy: true, rateLimitPerSecond: 0, env });
let tight: RunningCollector;
let roomy: RunningCollector;

async function sqlFallbacks(collector: RunningCollector): Promise<number> {
  const text = await (await fetch(`${collector.url}/metrics`)).text();
  return Number(/^wisp_stats_sql_fallbacks_total (\S+)/m.exec(text)?.[1]);
}

beforeAll(async () => {
  [tight, roomy] = await Promise.all([start({ WISP_STATS_MAX_EDGE_EVENTS: '1' }), start({})]);
  for (let v = 0; v < 12; v++) {
    const events: TestEvent[] = [];
    for (let i = 0; i < 6; i++) {
      const ts = T0 + v * 23 * MIN + i * (v % 3 === 0 ? 41 : 7) * MIN; // some visitors with gaps over 30 min
      events.push(i % 4 === 3
        ? event({ ts, type: 'event', name: 'signup', url: `https://budget.test/p${i}` })
        : event({ ts, url: `https://budget.test/p${(v + i) % 4}`, referrer: v % 2 ? 'https://www.google.com/' : '' }));
    }
    const sender = { ip: `30.1.${v}.9`, userAgent: v % 2 ? CHROME_UA : IPHONE_UA };
    for (const collector of [tight, roomy]) expect((await postBatch(collector.url, SITE, events, sender)).status).toBe(202);
  }
  await Promise.all([settled(tight.url), settled(roomy.url)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([tight?.close(), roomy?.close()]);
});

test.each(RANGES.map((range) => [JSON.stringify(range), range] as const))('over the edge budget, SQL answers exactly what the rollups do: %s', async (_, range) => {
  const before = await sqlFallbacks(tight);
  const [a, b] = await Promise.all([tight, roomy].map((c) => getStats(c.url, 'budget-token', { site: SITE, ...range })));
  expect(a.status).toBe(200);
  expect(a.json.totals.pageviews).toBeGreaterThan(0);
  expect(a.json).toEqual(b.json);
  expect(await sqlFallbacks(tight)).toBe(before + 1);
});

test('within the budget no request falls back', async () => {
  expect(await sqlFallbacks(roomy)).toBe(0);
});
