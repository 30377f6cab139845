// Raw edges of rollup-answered stats read only the edge's visitors from the store: the same edge
// material as reading every event around the edge, without holding everyone else's events (a busy
// site's hour around an edge is millions of rows).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { storeEdgeLoader } from '../../collector/src/rollups/store-edge-loader.js';
import { fromStoredEvent } from '../../collector/src/sessions/index.js';
import { DuckDBStore } from '../../collector/src/store/duckdb-store.js';
import type { StoredEvent } from '../../collector/src/store/store.js';
import { tempDataDir } from '../support/collector-fixtures.js';

const SITE = 'edges.test';
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 20, 12);
let store: DuckDBStore;
let all: StoredEvent[];

/** Deterministic pseudo-random visits: 300 visitors, bursts of pageviews with gaps of 1 to 50 minutes. */
function visits(): StoredEvent[] {
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const events: StoredEvent[] = [];
  for (let v = 1; v <= 300; v++) {
    let ts = T0 + Math.floor(next() * 180 * MINUTE);
    for (let i = 0; i < 12; i++) {
      events.push({
        site: v % 7 === 0 ? 'other.test' : SITE, idHash: BigInt(events.length + 1), type: 'pageview', ts, receivedAt: ts,
        visitor: BigInt(v), path: `/p/${i % 5}`, name: null, value: null, props: '{}', source: '', utmSource: '', utmMedium: '',
        utmCampaign: '', country: '', browser: 'Firefox', os: 'Linux', device: 'desktop',
      });
      ts += Math.floor((next() < 0.8 ? 1 + next() * 10 : 25 + next() * 25) * MINUTE);
    }
  }
  return events;
}

beforeAll(async () => {
  store = await DuckDBStore.open(tempDataDir());
  all = visits();
  await store.append(all);
});

afterAll(async () => {
  await store?.close();
});

test('eventsOfEdgeVisitors returns the read range of exactly the visitors seen in the edge', async () => {
  const edge = { from: T0 + 60 * MINUTE, to: T0 + 61 * MINUTE };
  const read = { from: edge.from - 30 * MINUTE, to: edge.to + 30 * MINUTE };
  const seen = new Set(all.filter((e) => e.site === SITE && e.ts >= edge.from && e.ts < edge.to).map((e) => e.visitor));
  const expected = all.filter((e) => e.site === SITE && seen.has(e.visitor) && e.ts >= read.from && e.ts < read.to);
  const got = await store.eventsOfEdgeVisitors(SITE, edge, read);
  expect(seen.size).toBeGreaterThan(0);
  expect(got.map((e) => e.idHash).sort()).toEqual(expected.map((e) => e.idHash).sort());
});

test('edges read through the edge visitors equal edges read from every event around them', async () => {
  const rows = async (read: Promise<StoredEvent[]>) => (await read).map(fromStoredEvent);
  const everyone = storeEdgeLoader({ eventsInRange: (site, a, b) => rows(store.eventsInRange(site, a, b)) });
  const narrowed = storeEdgeLoader({
    eventsInRange: (site, a, b) => rows(store.eventsInRange(site, a, b)),
    eventsOfEdgeVisitors: (site, edge, read) => rows(store.eventsOfEdgeVisitors(site, edge, read)),
  });
  const key = (m: Awaited<ReturnType<typeof everyone>>) => ({
    events: m.events.map((e) => e.id).sort(),
    sessions: m.sessions.map((s) => JSON.stringify(s)).sort(),
  });
  let sessions = 0;
  for (const [from, to] of [[10, 11], [45, 47.5], [60, 61], [90, 150], [179, 180], [0.5, 240]]) {
    const a = T0 + from! * MINUTE;
    const b = T0 + to! * MINUTE;
    const expected = key(await everyone(SITE, a, b));
    sessions += expected.sessions.length;
    expect(key(await narrowed(SITE, a, b))).toEqual(expected);
  }
  expect(sessions).toBeGreaterThan(10);
});
