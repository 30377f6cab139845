import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startCollector, type RunningCollector } from '../../collector/src/index.js';
import { event, getStats, post, postBatch, tempDataDir } from '../support/collector-fixtures.js';

let collector: RunningCollector;
let limited: RunningCollector;
const TOKEN = 'rejects-test-token';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

beforeAll(async () => {
  const base = { env: {}, host: '127.0.0.1', port: 0, token: TOKEN, trustProxy: true };
  collector = await startCollector({ ...base, dataDir: tempDataDir(), rateLimitPerSecond: 0, sites: new Set(['ok.test', 'other.test']) });
  limited = await startCollector({ ...base, dataDir: tempDataDir(), rateLimitPerSecond: 2 });
});
afterAll(async () => {
  await collector.close();
  await limited.close();
});

const body = (events: unknown[], extra: Record<string, unknown> = {}) => ({ site: 'ok.test', sentAt: Date.now(), events, ...extra });

async function expectReject(payload: unknown, status: number, code: string) {
  const response = await post(collector.url, payload);
  expect(response.status, JSON.stringify(response.json)).toBe(status);
  expect(response.json.error).toBe(code);
  expect(typeof response.json.detail).toBe('string');
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
}

describe('4xx answers {error, detail}, never 5xx', () => {
  test.each<[string, unknown, number, string]>([
    ['malformed JSON', '{"site": "ok.test", "events": [', 400, 'malformed_body'],
    ['empty body', '', 400, 'malformed_body'],
    ['not an object', '[1,2]', 400, 'invalid_body'],
    ['site missing', { sentAt: Date.now(), events: [event()] }, 400, 'invalid_type'],
    ['site malformed', body([event()], { site: 'not a site!' }), 400, 'invalid_site'],
    ['site not in WISP_SITES', body([event()], { site: 'elsewhere.test' }), 403, 'site_not_allowed'],
    ['sentAt not a number', body([event()], { sentAt: 'yesterday' }), 400, 'invalid_type'],
    ['events not an array', body([], { events: {} }), 400, 'invalid_type'],
    ['no events', body([]), 400, 'no_events'],
    ['event not an object', body([42]), 400, 'invalid_type'],
    ['id missing', body([{ ...event(), id: undefined }]), 400, 'invalid_type'],
    ['id empty', body([event({ id: '' })]), 400, 'missing_id'],
    ['unknown type', body([{ ...event(), type: 'click' }]), 400, 'unknown_type'],
    ['url not a string', body([{ ...event(), url: 5 }]), 400, 'invalid_type'],
    ['ts not a number', body([{ ...event(), ts: '2024-01-01' }]), 400, 'invalid_type'],
    ['custom event without name', body([event({ type: 'event', name: null })]), 400, 'missing_name'],
    ['error without name', body([event({ type: 'error', name: '' })]), 400, 'missing_name'],
    ['vital with unknown name', body([event({ type: 'vital', name: 'FID', props: { value: 1 } })]), 400, 'unknown_vital'],
    ['vital without numeric value', body([event({ type: 'vital', name: 'LCP', props: { value: 'fast' } })]), 400, 'invalid_type'],
    ['prop value an object', body([{ ...event(), props: { a: { b: 1 } } }]), 400, 'invalid_type'],
    ['url over 8192 characters', body([event({ url: `https://ok.test/${'a'.repeat(8200)}` })]), 400, 'too_long'],
    ['name over 8192 characters', body([event({ type: 'event', name: 'n'.repeat(8193) })]), 400, 'too_long'],
    ['id over 128 characters', body([event({ id: 'i'.repeat(129) })]), 400, 'too_long'],
    ['more than 64 props', body([event({ props: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])) })]), 400, 'too_many_props'],
    ['more than 1000 events', body(Array.from({ length: 1001 }, () => event())), 413, 'too_many_events'],
    ['ts 6 minutes in the future', body([event({ ts: Date.now() + 6 * MINUTE })]), 400, 'ts_in_future'],
    ['ts 8 days old', body([event({ ts: Date.now() - 8 * DAY })]), 400, 'ts_too_old'],
  ])('%s', (_label, payload, status, code) => expectReject(payload, status, code));

  test('body over 1 MiB: 413', async () => {
    await expectReject('x'.repeat(1024 * 1024 + 1), 413, 'body_too_large');
  });

  test('gzip bomb (small body, huge when inflated): 413', async () => {
    await expectReject(new Uint8Array(gzipSync(Buffer.alloc(8 * 1024 * 1024, 32))), 413, 'body_too_large');
  });

  test('corrupt gzip: 400', async () => {
    const gz = gzipSync(JSON.stringify(body([event()])));
    await expectReject(new Uint8Array(gz.subarray(0, gz.length - 10)), 400, 'malformed_body');
  });

  test('malformed and truncated beacons: 400 with the decoder reason', async () => {
    for (const bytes of [new Uint8Array([0x57, 99, 1, 2]), new Uint8Array([1, 2, 3]), new TextEncoder().encode('{"json": true}')]) {
      const response = await post(collector.url, bytes, { route: '/api/e' });
      expect(response.status).toBe(400);
      expect(response.json.error).toBe('malformed_beacon');
      expect(String(response.json.detail).length).toBeGreaterThan(0);
    }
  });
});

describe('clock skew and batch policy', () => {
  test('a client clock hours off is corrected with sentAt: its events land at server time', async () => {
    const clientNow = Date.now() - 5 * 60 * MINUTE; // client clock 5 h slow
    const response = await postBatch(collector.url, 'other.test', [event({ ts: clientNow - 1000 })], { sentAt: clientNow });
    expect(response.status).toBe(202);
    const stats = await getStats(collector.url, TOKEN, { site: 'other.test', from: Date.now() - MINUTE, to: Date.now() + MINUTE });
    expect(stats.json.totals.pageviews).toBe(1);
  });

  test('offline events up to 7 days old are accepted', async () => {
    const response = await postBatch(collector.url, 'other.test', [event({ ts: Date.now() - 6 * DAY })]);
    expect(response.json).toEqual({ accepted: 1, duplicates: 0 });
  });

  test('one bad event rejects the whole batch: nothing of it is stored', async () => {
    const good = event({ url: 'https://ok.test/whole-batch' });
    const response = await post(collector.url, body([good, event({ type: 'event', name: null })]));
    expect(response.status).toBe(400);
    expect(response.json.detail).toContain('events[1]');
    // the good event was not stored: sending it alone now is not a duplicate
    expect((await postBatch(collector.url, 'ok.test', [good])).json).toEqual({ accepted: 1, duplicates: 0 });
  });
});

describe('rate limit', () => {
  test('per client IP: 429 with Retry-After past the burst; other IPs unaffected', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 12; i++) {
      const response = await postBatch(limited.url, 'rate.test', [event()], { ip: '203.0.113.7' });
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = response.headers.get('retry-after');
        expect(response.json.error).toBe('rate_limited');
      }
    }
    expect(statuses.slice(0, 8).every((s) => s === 202)).toBe(true); // burst = 4 x 2/s
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await postBatch(limited.url, 'rate.test', [event()], { ip: '198.51.100.9' })).status).toBe(202);
  });
});

describe('GET /api/stats', () => {
  test('401 without or with a wrong token', async () => {
    const url = `${collector.url}/api/stats?site=ok.test`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
  });

  test.each<[string, Record<string, string>, string]>([
    ['site missing', {}, 'invalid_site'],
    ['site malformed', { site: '../x' }, 'invalid_site'],
    ['from unparseable', { site: 'ok.test', from: 'last week' }, 'invalid_range'],
    ['to unparseable', { site: 'ok.test', to: '2024-13-45' }, 'invalid_range'],
    ['from after to', { site: 'ok.test', from: '2024-02-01T00:00:00Z', to: '2024-01-01T00:00:00Z' }, 'invalid_range'],
    ['range over 400 days', { site: 'ok.test', from: '2020-01-01T00:00:00Z', to: '2024-01-01T00:00:00Z' }, 'invalid_range'],
  ])('400 for %s', async (_label, params, code) => {
    const response = await getStats(collector.url, TOKEN, params);
    expect(response.status).toBe(400);
    expect(response.json.error).toBe(code);
  });

  test('from/to accept ISO 8601 and epoch ms alike', async () => {
    const iso = await getStats(collector.url, TOKEN, { site: 'ok.test', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00.000Z' });
    const ms = await getStats(collector.url, TOKEN, { site: 'ok.test', from: Date.parse('2026-01-01T00:00:00Z'), to: Date.parse('2026-01-02T00:00:00Z') });
    expect(iso.status).toBe(200);
    expect(iso.json).toEqual(ms.json);
    expect(iso.json.from).toBe('2026-01-01T00:00:00.000Z');
  });
});
