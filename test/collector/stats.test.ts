import { afterAll, beforeAll, expect, test } from 'vitest';
import { startCollector, type RunningCollector } from '../../collector/src/index.js';
import { settled } from '../support/stream-settled.js';
import { CHROME_UA, IPHONE_UA, event, getStats, postBatch, tempDataDir, type TestEvent } from '../support/collector-fixtures.js';

const SITE = 'example.com';
const MIN = 60_000;
const HOUR = 60 * MIN;
// Five hours before the current UTC hour: every event is in the past and inside the 7-day window.
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR;
const at = (minutes: number, seconds = 0) => T0 + minutes * MIN + seconds * 1000;
const page = (path: string, query = '') => `https://example.com${path}${query}`;

// Three visitors (IP + UA), four sessions. See the expectations below for the hand computation.
const A = { ip: '81.2.69.142', userAgent: CHROME_UA }; // GB, Chrome, Windows, desktop
const B = { ip: '89.160.20.112', userAgent: IPHONE_UA }; // SE, Mobile Safari, iOS, mobile
const C = { ip: '10.20.30.40', userAgent: CHROME_UA }; // private address: no country

const corpus: [typeof A, TestEvent[]][] = [
  [A, [event({ ts: at(-60), url: page('/') })]], // before `from`: excluded
  [A, [
    event({ ts: at(0), url: page('/'), referrer: 'https://news.ycombinator.com/item?id=1' }),
    event({ ts: at(2), url: page('/pricing'), referrer: page('/') }),
    event({ ts: at(3), type: 'event', name: 'signup', url: page('/pricing'), props: { plan: 'pro' } }),
    event({ ts: at(3), type: 'vital', name: 'LCP', url: page('/pricing'), props: { value: 3000 } }),
  ]],
  [A, [event({ ts: at(50), url: page('/docs') })]], // 47 min later: a new session
  [B, [
    event({ ts: at(10), url: page('/pricing', '?utm_source=newsletter&utm_medium=email&utm_campaign=launch'), referrer: 'https://www.google.com/' }),
    event({ ts: at(10, 5), type: 'vital', name: 'LCP', url: page('/pricing'), props: { value: 1000 } }),
    event({ ts: at(10, 5), type: 'vital', name: 'INP', url: page('/pricing'), props: { value: 200 } }),
  ]],
  // C's events arrive out of order: sessions are cut in event time, not arrival order.
  [C, [event({ ts: at(40), url: page('/') })]],
  [C, [
    event({ ts: at(20), url: page('/'), referrer: 'https://example.com/other' }), // own site: direct
    event({ ts: at(41), type: 'error', name: 'Boom', url: page('/') }),
    event({ ts: at(41), type: 'vital', name: 'LCP', url: page('/'), props: { value: 2000 } }),
    event({ ts: at(42), type: 'vital', name: 'LCP', url: page('/'), props: { value: 4000 } }),
  ]],
];

let collector: RunningCollector;
const TOKEN = 'stats-test-token';

beforeAll(async () => {
  collector = await startCollector({ env: {}, host: '127.0.0.1', port: 0, dataDir: tempDataDir(), token: TOKEN, trustProxy: true, rateLimitPerSecond: 0 });
  for (const [sender, events] of corpus) {
    expect((await postBatch(collector.url, SITE, events, sender)).status).toBe(202);
  }
  // A retry of a whole batch changes nothing.
  expect((await postBatch(collector.url, SITE, corpus[1]![1], A)).json).toEqual({ accepted: 0, duplicates: 4 });
});
afterAll(() => collector.close());

test('stats equal the hand-computed expectation for a fixed corpus', async () => {
  await settled(collector.url); // late events (C's 20-min pageview) are reconciled after the commit
  const { status, json } = await getStats(collector.url, TOKEN, { site: SITE, from: new Date(T0).toISOString(), to: T0 + 4 * HOUR });
  expect(status).toBe(200);
  expect(json.site).toBe(SITE);
  expect(json.from).toBe(new Date(T0).toISOString());
  expect(json.to).toBe(new Date(T0 + 4 * HOUR).toISOString());
  // Sessions: A1 [0, 3 min] 2 pageviews + signup; A2 [50 min] 1 pageview (bounce);
  // B1 [10 min, +5 s] 1 pageview + vitals (bounce); C1 [20, 42 min] 2 pageviews + error + vitals.
  expect(json.totals).toEqual({
    pageviews: 6,
    visitors: 3,
    sessions: 4,
    events: 1,
    bounceRate: 0.5,
    avgSessionSeconds: (180 + 0 + 5 + 22 * 60) / 4,
  });
  expect(json.pages).toEqual([
    { key: '/', pageviews: 3, visitors: 2 },
    { key: '/pricing', pageviews: 2, visitors: 2 },
    { key: '/docs', pageviews: 1, visitors: 1 },
  ]);
  expect(json.entryPages).toEqual([
    { key: '/', pageviews: 2 },
    { key: '/docs', pageviews: 1 },
    { key: '/pricing', pageviews: 1 },
  ]);
  expect(json.exitPages).toEqual([
    { key: '/pricing', pageviews: 2 },
    { key: '/', pageviews: 1 },
    { key: '/docs', pageviews: 1 },
  ]);
  expect(json.referrers).toEqual([
    { key: 'google.com', pageviews: 1 },
    { key: 'news.ycombinator.com', pageviews: 1 },
  ]);
  expect(json.utmSources).toEqual([{ key: 'newsletter', pageviews: 1 }]);
  expect(json.utmMediums).toEqual([{ key: 'email', pageviews: 1 }]);
  expect(json.utmCampaigns).toEqual([{ key: 'launch', pageviews: 1 }]);
  expect(json.countries).toEqual([
    { key: 'GB', pageviews: 3 },
    { key: 'SE', pageviews: 1 },
  ]);
  expect(json.browsers).toEqual([
    { key: 'Chrome', pageviews: 5 },
    { key: 'Mobile Safari', pageviews: 1 },
  ]);
  expect(json.os).toEqual([
    { key: 'Windows', pageviews: 5 },
    { key: 'iOS', pageviews: 1 },
  ]);
  expect(json.devices).toEqual([
    { key: 'desktop', pageviews: 5 },
    { key: 'mobile', pageviews: 1 },
  ]);
  expect(json.events).toMatchObject([{ key: 'signup', count: 1 }]);
  expect(json.errors).toEqual([{ key: 'Boom', count: 1 }]);
  // LCP 1000, 2000, 3000, 4000: quantiles from the rollups' sketch (the value at the rank, within 1%).
  expect(json.vitals).toEqual([
    { key: 'INP', p75: expect.closeTo(200, -1), p90: expect.closeTo(200, -1), count: 1 },
    { key: 'LCP', p75: expect.closeTo(3000, -2), p90: expect.closeTo(3000, -2), count: 4 },
  ]);
  expect(json.series).toEqual([0, 1, 2, 3].map((h) => ({
    t: new Date(T0 + h * HOUR).toISOString(),
    pageviews: h === 0 ? 6 : 0,
    visitors: h === 0 ? 3 : 0,
  })));
});

test('an empty range answers zeros, not errors', async () => {
  const { json } = await getStats(collector.url, TOKEN, { site: 'nothing.test', from: T0, to: T0 + HOUR });
  expect(json.totals).toEqual({ pageviews: 0, visitors: 0, sessions: 0, events: 0, bounceRate: 0, avgSessionSeconds: 0 });
  expect(json.pages).toEqual([]);
  expect(json.series).toHaveLength(60); // minute buckets up to 3 hours
});

test.each<[string, Record<string, number>]>([
  // visitor A only: sessions A1 (3 min, not a bounce) and A2 (bounce)
  ['country:GB', { pageviews: 3, visitors: 1, sessions: 2, events: 1, bounceRate: 0.5, avgSessionSeconds: 90 }],
  ['event:signup', { pageviews: 3, visitors: 1, sessions: 2, events: 1, bounceRate: 0.5, avgSessionSeconds: 90 }],
  // B arrived from google.com: all of B's events
  ['source:google.com', { pageviews: 1, visitors: 1, sessions: 1, events: 0, bounceRate: 1, avgSessionSeconds: 5 }],
  // events on /pricing: A at 2-3 min (pageview + signup + LCP) and B at 10 min (+5 s vitals)
  ['page:/pricing', { pageviews: 2, visitors: 2, sessions: 2, events: 1, bounceRate: 0.5, avgSessionSeconds: 32.5 }],
  ['page:/pricing;country:SE', { pageviews: 1, visitors: 1, sessions: 1, events: 0, bounceRate: 1, avgSessionSeconds: 5 }],
])('filters=%s: every number is computed over the events kept', async (filters, totals) => {
  const { status, json } = await getStats(collector.url, TOKEN, { site: SITE, from: T0, to: T0 + 4 * HOUR, filters });
  expect(status).toBe(200);
  expect(json.totals).toEqual(totals);
  expect(json.series[0].pageviews).toBe(totals.pageviews);
});

test('malformed filters= is a 400 bad_filters', async () => {
  for (const filters of ['bogus:x', 'page', 'page:', `page:${'x'.repeat(2100)}`]) {
    const { status, json } = await getStats(collector.url, TOKEN, { site: SITE, filters });
    expect(status).toBe(400);
    expect(json.error).toBe('bad_filters');
  }
});
