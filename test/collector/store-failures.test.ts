import { afterAll, beforeAll, expect, test } from 'vitest';
import { readConfig } from '../../collector/src/config.js';
import { DailySalts } from '../../collector/src/ingest/daily-salts.js';
import { openCountryLookup } from '../../collector/src/ingest/geo.js';
import { createCollectorMetrics } from '../../collector/src/metrics/collector-metrics.js';
import { createApp, type App } from '../../collector/src/server.js';
import type { IdHashRow, Store, StoredEvent } from '../../collector/src/store/store.js';
import type { Stats } from '../../collector/src/stats/stats-types.js';
import { loadWispSdk } from '../../collector/src/wisp-sdk.js';
import { CHROME_UA, event, tempDataDir, type TestEvent } from '../support/collector-fixtures.js';

/** A store whose appends can be held and failed on demand; rows kept in memory. */
class ControlledStore implements Store {
  readonly maxConcurrentAppends = 2;
  readonly rows: StoredEvent[] = [];
  /** Appends wait for these, in order, when set. */
  gates: { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void }[] = [];
  holdNext = false;

  async append(events: readonly StoredEvent[]): Promise<void> {
    if (this.holdNext) {
      let resolve!: () => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      this.gates.push({ promise, resolve, reject });
      await promise;
    }
    this.rows.push(...events);
  }
  async *scanIdHashes(): AsyncIterable<readonly IdHashRow[]> {}
  async eventsInRange(site: string, from: number, to: number): Promise<StoredEvent[]> {
    return this.rows.filter((e) => e.site === site && e.ts >= from && e.ts < to);
  }
  async eventsOfVisitors(site: string, visitors: readonly bigint[]): Promise<StoredEvent[]> {
    return this.rows.filter((e) => e.site === site && visitors.includes(e.visitor));
  }
  async eventsSince(sinceMs: number): Promise<StoredEvent[]> {
    return this.rows.filter((e) => e.ts >= sinceMs);
  }
  async stats(): Promise<Stats> {
    throw new Error('not used');
  }
  async close(): Promise<void> {}
}

let app: App;
const store = new ControlledStore();

beforeAll(async () => {
  const config = { ...readConfig({}), dataDir: tempDataDir(), rateLimitPerSecond: 0 };
  app = await createApp({
    config,
    token: 't',
    store,
    sdk: await loadWispSdk(),
    country: await openCountryLookup(),
    salts: new DailySalts(config.dataDir, Date.now()),
    metrics: createCollectorMetrics(),
    onUnexpected: (error) => {
      throw error;
    },
  });
});
afterAll(() => app.drain());

// Request -> Response, no socket (STYLE: handlers testable without one).
async function send(events: TestEvent[]) {
  const request = new Request('http://localhost/api/events', {
    method: 'POST',
    headers: { 'user-agent': CHROME_UA },
    body: JSON.stringify({ site: 'fail.test', sentAt: Date.now(), events }),
  });
  const response = await app.handler(request, { clientIp: '198.51.100.4', receivedAt: Date.now(), oversizedBody: false });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}
async function gatesHeld(count: number) {
  for (let i = 0; i < 500 && store.gates.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(store.gates).toHaveLength(count);
}

test('a failed write answers 503 store_write_failed with Retry-After and CORS; the retry is accepted', async () => {
  const batch = [event(), event()];
  store.holdNext = true;
  const pending = send(batch);
  await gatesHeld(1);
  store.holdNext = false;
  store.gates.shift()!.reject(new Error('disk full'));
  const failed = await pending;
  expect(failed.status).toBe(503);
  expect(failed.json.error).toBe('store_write_failed');
  expect(failed.headers.get('retry-after')).toBe('1');
  expect(failed.headers.get('access-control-allow-origin')).toBe('*');
  expect((await send(batch)).json).toEqual({ accepted: 2, duplicates: 0 });
});

test('a retry counted as duplicate of an in-flight write fails with it, and the next retry stores it once', async () => {
  const e = event();
  // 249 more: a second group only starts beside a running one from 250 events (GROUP_MIN_CONCURRENT_EVENTS)
  const others = Array.from({ length: 249 }, () => event());
  store.holdNext = true;
  const first = send([e]); // group 1: e, held
  await gatesHeld(1);
  const second = send([e, ...others]); // group 2: e counts as in flight, the others are new; held too
  await gatesHeld(2);
  store.holdNext = false;
  store.gates[1]!.resolve(); // group 2 written first...
  store.gates[0]!.reject(new Error('disk full')); // ...then group 1 fails
  store.gates = [];
  expect((await first).status).toBe(503);
  const answer = await second;
  expect(answer.status).toBe(503); // it reported e as a duplicate of a write that failed
  const retry = await send([e, ...others]);
  expect(retry.json).toEqual({ accepted: 1, duplicates: 249 }); // e now stored; the others were stored by group 2
  const ids = store.rows.map((row) => row.idHash);
  expect(new Set(ids).size).toBe(ids.length); // nothing stored twice
});
