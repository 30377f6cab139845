// The stream stages as wired into the collector: /api/live (token by header or ?token=, a snapshot
// after each ingest), the stream metrics, interval=/tz= validation, and stats rebuilt after a restart.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startCollector, type RunningCollector } from '../../collector/src/index.js';
import { settled } from '../support/stream-settled.js';
import { CHROME_UA, event, getStats, postBatch, tempDataDir } from '../support/collector-fixtures.js';

const TOKEN = 'wiring-token';
const SITE = 'wiring.test';
const dataDir = tempDataDir();
let collector: RunningCollector;
const options = { env: {}, host: '127.0.0.1', port: 0, dataDir, token: TOKEN, trustProxy: true, rateLimitPerSecond: 0 };

beforeAll(async () => {
  collector = await startCollector(options);
});

afterAll(async () => {
  await collector?.close();
});

const readers = new WeakMap<Response, { reader: ReadableStreamDefaultReader<Uint8Array>; buffer: string }>();

/** Reads SSE frames until `until(data)` holds; returns that snapshot. */
async function nextSnapshot(response: Response, until: (data: any) => boolean): Promise<any> {
  let state = readers.get(response);
  if (!state) readers.set(response, (state = { reader: response.body!.getReader(), buffer: '' }));
  const { reader } = state;
  const decoder = new TextDecoder();
  for (;;) {
    let buffer = state.buffer;
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended');
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame.split('\n').find((line) => line.startsWith('data:'));
      if (data) {
        const parsed = JSON.parse(data.slice(5));
        if (until(parsed)) {
          state.buffer = buffer;
          return parsed;
        }
      }
    }
    state.buffer = buffer;
  }
}

test('GET /api/live needs the token and streams a snapshot after an ingest', async () => {
  expect((await fetch(`${collector.url}/api/live?site=${SITE}`)).status).toBe(401);
  expect((await fetch(`${collector.url}/api/live?site=bad%20site&token=${TOKEN}`)).status).toBe(400);
  const response = await fetch(`${collector.url}/api/live?site=${SITE}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const first = await nextSnapshot(response, () => true);
  expect(first).toMatchObject({ site: SITE, current: 0 });
  const second = await fetch(`${collector.url}/api/live?site=${SITE}&token=${TOKEN}`);
  await nextSnapshot(second, () => true);
  const posted = postBatch(collector.url, SITE, [event({ url: 'https://wiring.test/live' })], { userAgent: CHROME_UA, ip: '81.2.69.142' });
  expect((await posted).status).toBe(202);
  const after = await nextSnapshot(second, (data) => data.current === 1);
  expect(after.topPages).toEqual([{ key: '/live', pageviews: 1 }]);
  await readers.get(response)?.reader.cancel();
  await readers.get(second)?.reader.cancel();
});

test('/metrics shows the stream health signals', async () => {
  const text = await (await fetch(`${collector.url}/metrics`)).text();
  for (const name of ['wisp_stream_processing_seconds_bucket', 'wisp_stream_queue_depth', 'wisp_stream_errors_total', 'wisp_store_queue_depth']) {
    expect(text).toContain(name);
  }
});

test('/metrics shows the memory of the large structures by part (after an ingest)', async () => {
  expect((await postBatch(collector.url, SITE, [event({ url: 'https://wiring.test/memory' })], { userAgent: CHROME_UA, ip: '81.2.69.143' })).status).toBe(202);
  await settled(collector.url);
  const text = await (await fetch(`${collector.url}/metrics`)).text();
  const part = (name: string) => Number(new RegExp(`^wisp_memory_bytes\\{part="${name}"\\} (\\S+)$`, 'm').exec(text)?.[1]);
  for (const name of ['dedupe_index', 'sessionizer', 'rollup_sets_minute', 'rollup_sets_hour', 'rollup_sets_day']) {
    expect(part(name)).toBeGreaterThan(0);
  }
  for (const name of ['seen_ids', 'rollup_merges', 'recent_events']) expect(part(name)).toBeGreaterThanOrEqual(0);
});

test('interval= and tz= are validated', async () => {
  const base = { site: SITE, from: Date.now() - 3_600_000, to: Date.now() };
  expect((await getStats(collector.url, TOKEN, { ...base, tz: 'Mars/Olympus' })).status).toBe(400);
  expect((await getStats(collector.url, TOKEN, { ...base, interval: 'week' })).status).toBe(400);
  const { status, json } = await getStats(collector.url, TOKEN, { ...base, interval: 'minute', tz: 'Europe/Berlin' });
  expect(status).toBe(200);
  expect(json.series.length).toBeGreaterThanOrEqual(60);
});

async function restartCompare(site: string, offsetsMin: [number, number]) {
  const now = Date.now();
  const events = offsetsMin.map((m, i) => event({ url: `https://wiring.test/${'ab'[i]}`, ts: now - m * 60_000 }));
  expect((await postBatch(collector.url, site, events, { userAgent: CHROME_UA, ip: '89.160.20.112' })).status).toBe(202);
  await settled(collector.url); // late-event reconciliation
  const range = { site, from: now - 3_600_000, to: now + 60_000 };
  const before = (await getStats(collector.url, TOKEN, range)).json;
  expect(before.totals.pageviews).toBe(2);
  await collector.close();
  collector = await startCollector(options);
  const after = (await getStats(collector.url, TOKEN, range)).json;
  return { before, after };
}

test('stats survive a restart (rollups rebuilt from the store)', async () => {
  const { before, after } = await restartCompare('restart.test', [5, 4]);
  expect(after).toEqual(before);
  expect(after.entryPages).toEqual([{ key: '/a', pageviews: 1 }]);
});

// An event older than the allowed lateness (10 min) before a session's first pageview is reconciled
// against the store in the background: once done, the live entry page equals the rebuilt one.
test('late event before a session start: live entry page equals the rebuilt one', async () => {
  const { before, after } = await restartCompare('late.test', [12, 9]);
  expect(before.entryPages).toEqual(after.entryPages);
  expect(after.entryPages).toEqual([{ key: '/a', pageviews: 1 }]);
});

// A stop writes the rollup snapshot; a start uses it (nothing replayed after a clean stop), and an
// unreadable one is ignored (rebuilt from the store) with the same answers.
test('restart from the rollup snapshot, and from a rebuild when the snapshot is unreadable', async () => {
  const { before, after } = await restartCompare('snapshot.test', [20, 3]);
  expect(after).toEqual(before);
  const snapshot = join(dataDir, 'rollups.snapshot');
  expect(existsSync(snapshot)).toBe(true);
  await collector.close();
  writeFileSync(snapshot, 'not a snapshot');
  collector = await startCollector(options);
  const range = { site: 'snapshot.test', from: Date.parse(before.from), to: Date.parse(before.to) };
  expect((await getStats(collector.url, TOKEN, range)).json).toEqual(before);
});
