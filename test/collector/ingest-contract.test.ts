import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encodeBeacon } from 'wisp/beacon';
import { startCollector, type RunningCollector } from '../../collector/src/index.js';
import { CHROME_UA, event, getStats, post, postBatch, tempDataDir } from '../support/collector-fixtures.js';

let collector: RunningCollector;
const TOKEN = 'contract-test-token';

beforeAll(async () => {
  collector = await startCollector({
    env: {},
    host: '127.0.0.1',
    port: 0,
    dataDir: tempDataDir(),
    token: TOKEN,
    trustProxy: true,
    rateLimitPerSecond: 0,
  });
});
afterAll(() => collector.close());

const since = () => Date.now() - 60 * 60 * 1000;
const stats = async (site: string) => (await getStats(collector.url, TOKEN, { site, from: since(), to: Date.now() + 60_000 })).json;

describe('POST /api/events', () => {
  test('answers 202 {accepted, duplicates} with CORS *, and counts a repeated id once', async () => {
    const a = event();
    const first = await postBatch(collector.url, 'contract.test', [a, event()]);
    expect(first.status).toBe(202);
    expect(first.json).toEqual({ accepted: 2, duplicates: 0 });
    expect(first.headers.get('access-control-allow-origin')).toBe('*');
    const again = await postBatch(collector.url, 'contract.test', [a, a, event()]);
    expect(again.json).toEqual({ accepted: 1, duplicates: 2 });
    expect((await stats('contract.test')).totals.pageviews).toBe(3);
  });

  test('the same id on two sites is two events (dedupe is per site)', async () => {
    const shared = event();
    expect((await postBatch(collector.url, 'site-a.test', [shared])).json).toEqual({ accepted: 1, duplicates: 0 });
    expect((await postBatch(collector.url, 'site-b.test', [shared])).json).toEqual({ accepted: 1, duplicates: 0 });
  });

  test('accepts a gzipped JSON body', async () => {
    const body = gzipSync(JSON.stringify({ site: 'gzip.test', sentAt: Date.now(), events: [event()] }));
    expect((await post(collector.url, new Uint8Array(body))).json).toEqual({ accepted: 1, duplicates: 0 });
  });

  test('answers a CORS preflight', async () => {
    const response = await fetch(`${collector.url}/api/events`, { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });
});

describe('POST /api/e', () => {
  test('decodes beacons, plain and gzipped, with any content type, and shares dedupe with /api/events', async () => {
    const events = [event({ url: 'https://beacon.test/b' }), event({ type: 'event', name: 'signup', props: { plan: 'pro' } })];
    const beacon = encodeBeacon({ site: 'beacon.test', sentAt: Date.now(), events });
    const plain = await post(collector.url, beacon, { route: '/api/e', headers: { 'content-type': 'text/plain' } });
    expect(plain.status).toBe(202);
    expect(plain.json).toEqual({ accepted: 2, duplicates: 0 });
    expect(plain.headers.get('access-control-allow-origin')).toBe('*');
    const gz = await post(collector.url, new Uint8Array(gzipSync(beacon)), { route: '/api/e' });
    expect(gz.json).toEqual({ accepted: 0, duplicates: 2 });
    const json = await postBatch(collector.url, 'beacon.test', [events[0]!]);
    expect(json.json).toEqual({ accepted: 0, duplicates: 1 });
    const s = await stats('beacon.test');
    expect(s.totals).toMatchObject({ pageviews: 1, events: 1 });
    expect(s.events).toMatchObject([{ key: 'signup', count: 1 }]);
  });
});

describe('bots', () => {
  test.each([
    ['empty UA', ''],
    ['headless Chrome', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36'],
    ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
    ['curl', 'curl/8.5.0'],
  ])('%s: 202, stored nowhere, counted in /metrics', async (_label, userAgent) => {
    const site = `bots-${Math.random().toString(36).slice(2, 8)}.test`;
    const response = await postBatch(collector.url, site, [event(), event()], { userAgent });
    expect(response.status).toBe(202);
    expect((await stats(site)).totals).toMatchObject({ pageviews: 0, visitors: 0, sessions: 0 });
    const metrics = await (await fetch(`${collector.url}/metrics`)).text();
    expect(metrics).toMatch(/wisp_events_total\{outcome="bot",reason="(empty_ua|headless|isbot|script)"\} [1-9]/);
  });
});

describe('other routes', () => {
  test('/healthz is 200', async () => {
    expect((await fetch(`${collector.url}/healthz`)).status).toBe(200);
  });

  test('/metrics has ingest latency, queue depth, group commit sizes, outcomes and errors', async () => {
    await postBatch(collector.url, 'metrics.test', [event()]);
    const text = await (await fetch(`${collector.url}/metrics`)).text();
    for (const name of [
      'wisp_ingest_duration_seconds_bucket',
      'wisp_store_queue_depth',
      'wisp_group_commit_events_bucket',
      'wisp_events_total{outcome="accepted"',
      'wisp_errors_total',
    ]) {
      expect(text).toContain(name);
    }
  });

  test('/sdk/ serves sdk/dist with CORS and the right MIME type, and no path traversal', async () => {
    const core = await fetch(`${collector.url}/sdk/core.js`);
    expect(core.status).toBe(200);
    expect(core.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(core.headers.get('access-control-allow-origin')).toBe('*');
    for (const path of ['/sdk/../package.json', '/sdk/%2e%2e/package.json', '/sdk/..%2f..%2fpackage.json', '/sdk/%00']) {
      const response = await fetch(`${collector.url}${path}`);
      expect([400, 404]).toContain(response.status);
      expect(await response.text()).not.toContain('"workspaces"');
    }
  });

  test('/ serves the dashboard (or a "not built" page)', async () => {
    const response = await fetch(`${collector.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });

  test('unknown routes are 404 JSON', async () => {
    const response = await fetch(`${collector.url}/api/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found' });
  });

  test('a real browser UA is counted with browser, OS and device', async () => {
    await postBatch(collector.url, 'ua.test', [event()], { userAgent: CHROME_UA, ip: '81.2.69.142' });
    const s = await stats('ua.test');
    expect(s.browsers).toEqual([{ key: 'Chrome', pageviews: 1 }]);
    expect(s.os).toEqual([{ key: 'Windows', pageviews: 1 }]);
    expect(s.devices).toEqual([{ key: 'desktop', pageviews: 1 }]);
    expect(s.countries).toEqual([{ key: 'GB', pageviews: 1 }]);
  });
});
