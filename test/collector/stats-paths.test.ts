// The two ways GET /api/stats is answered on the embedded store give the same body: unfiltered
// recent ranges from the rollups plus raw edges, anything else from SQL over the events table.
// One random-ish corpus (shuffled arrival, late events, sessions crossing range edges), several
// ranges, intervals and a zone: the HTTP answer (rollup path) equals DuckDBStore.stats (SQL path).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startCollector, type RunningCollector } from '../../collector/src/index.js';
import { DuckDBStore } from '../../collector/src/store/duckdb-store.js';
import { parseStatsQuery } from '../../collector/src/stats/parse-stats-query.js';
import { settled } from '../support/stream-settled.js';
import { CHROME_UA, IPHONE_UA, event, getStats, postBatch, tempDataDir, type TestEvent } from '../support/collector-fixtures.js';

const SITE = 'paths.test';
const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = Date.now();
const T0 = Math.floor(NOW / HOUR) * HOUR - 6 * HOUR;
const PATHS = ['/', '/pricing', '/docs', '/blog/a', '/blog/b', '/cart'];
const REFERRERS = ['', 'https://www.google.com/', 'https://news.ycombinator.com/x', 'https://t.co/y'];
const UAS = [CHROME_UA, IPHONE_UA];

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let collector: RunningCollector;
let store: DuckDBStore;
const dataDir = tempDataDir();
const bodies = new Map<string, Record<string, unknown>>();
const concurrentBodies: Record<string, unknown>[] = [];
const RANGES: Record<string, string | number>[] = [
  { from: T0, to: T0 + 6 * HOUR },
  { from: T0 + 17 * MIN + 3000, to: T0 + 4 * HOUR + 41 * MIN },
  { from: T0 + 95 * MIN, to: T0 + 150 * MIN, interval: 'minute' },
  { from: T0 - 2 * HOUR, to: NOW, interval: 'hour', tz: 'Asia/Kolkata' },
  { from: T0 - 24 * HOUR, to: NOW, interval: 'day', tz: 'America/New_York' },
];

beforeAll(async () => {
  collector = await startCollector({ dataDir, port: 0, host: '127.0.0.1', token: 'paths-token', demo: false, trustProxy: true, rateLimitPerSecond: 0, env: {} });
  const rand = random(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const batches: { ip: string; userAgent: string; events: TestEvent[] }[] = [];
  for (let v = 0; v < 40; v++) {
    const sender = { ip: `${20 + v}.${(v * 7) % 250}.3.${10 + v}`, userAgent: pick(UAS) };
    let ts = T0 + Math.floor(rand() * 5.5 * HOUR);
    const events: TestEvent[] = [];
    const n = 1 + Math.floor(rand() * 12);
    for (let i = 0; i < n && ts < NOW - MIN; i++) {
      const path = pick(PATHS);
      const r = rand();
      const base = { ts, url: `https://paths.test${path}${rand() < 0.2 ? '?utm_source=news&utm_medium=email' : ''}` };
      if (r < 0.6) events.push(event({ ...base, referrer: pick(REFERRERS) }));
      else if (r < 0.75) events.push(event({ ...base, type: 'event', name: pick(['signup', 'buy']), props: { plan: pick(['pro', 'free']) } }));
      else if (r < 0.9) events.push(event({ ...base, type: 'vital', name: pick(['LCP', 'INP']), props: { value: Math.round(rand() * 4000) } }));
      else events.push(event({ ...base, type: 'error', name: pick(['Boom', 'TypeError']) }));
      ts += Math.floor(rand() < 0.2 ? 35 * MIN + rand() * 40 * MIN : rand() * 10 * MIN); // some gaps over 30 min
    }
    // Shuffled into a few batches: arrival order is not event order (late events merge sessions).
    events.sort(() => rand() - 0.5);
    for (let i = 0; i < events.length; i += 3) batches.push({ ...sender, events: events.slice(i, i + 3) });
  }
  batches.sort(() => rand() - 0.5);
  for (const batch of batches) {
    const answer = await postBatch(collector.url, SITE, batch.events, { ip: batch.ip, userAgent: batch.userAgent });
    expect(answer.status).toBe(202);
  }
  await settled(collector.url); // late-event reconciliation runs after the commit
  for (const range of RANGES) {
    const { status, json } = await getStats(collector.url, 'paths-token', { site: SITE, ...range });
    expect(status).toBe(200);
    bodies.set(JSON.stringify(range), json);
  }
  // Overlapping queries (the dashboard asks for a range and its previous period at once) answer the same.
  const concurrent = await Promise.all(RANGES.map((range) => getStats(collector.url, 'paths-token', { site: SITE, ...range })));
  concurrentBodies.push(...concurrent.map((answer) => answer.json));
  await collector.close(); // the SQL side reads the same file afterwards
  store = await DuckDBStore.open(dataDir);
}, 60_000);

afterAll(async () => {
  await store?.close();
});

test.each(RANGES.map((range) => [JSON.stringify(range), range] as const))('rollup path = SQL path for %s', async (key, range) => {
  const rollupBody = bodies.get(key)!;
  expect((rollupBody.totals as { pageviews: number }).pageviews).toBeGreaterThan(0);
  const url = new URL(`http://x/api/stats?${new URLSearchParams(Object.entries({ site: SITE, ...range }).map(([k, v]) => [k, String(v)]))}`);
  const sqlBody = await store.stats(parseStatsQuery(url, NOW));
  expect(JSON.parse(JSON.stringify(sqlBody))).toEqual(rollupBody);
});

test('concurrent rollup-path queries give the sequential answers', () => {
  expect(concurrentBodies).toEqual(RANGES.map((range) => bodies.get(JSON.stringify(range))));
});
