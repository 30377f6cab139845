// Overlapping reads on the embedded store each get all their rows. A DuckDB connection serves one
// query at a time (a second query ends the first one's result stream early), and the dashboard asks
// for a range, its previous period and rollup edges at once: a shared reader once made the
// dashboard show 3 pageviews where /api/stats, asked again a moment later, said 4.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DuckDBStore } from '../../collector/src/store/duckdb-store.js';
import type { StoredEvent } from '../../collector/src/store/store.js';
import { tempDataDir } from '../support/collector-fixtures.js';

const SITE = 'reads.test';
const T0 = Date.UTC(2026, 10, 20, 12);
const COUNT = 30_000;
let dir: string;
let store: DuckDBStore;

function storedEvent(i: number): StoredEvent {
  return {
    site: SITE, idHash: BigInt(i + 1), type: 'pageview', ts: T0 + i * 100, receivedAt: T0 + i * 100, visitor: BigInt(i % 977),
    path: `/p/${i % 50}`, name: null, value: null, props: '{}', source: '', utmSource: '', utmMedium: '', utmCampaign: '',
    country: 'DE', browser: 'Chrome', os: 'Linux', device: 'desktop',
  };
}

beforeAll(async () => {
  dir = tempDataDir();
  store = await DuckDBStore.open(dir);
  for (let i = 0; i < COUNT; i += 5_000) await store.append(Array.from({ length: 5_000 }, (_, j) => storedEvent(i + j)));
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('range reads, visitor reads and stats started together each return every row', async () => {
  const to = T0 + COUNT * 100;
  const visitors = [1n, 2n, 3n];
  const [a, b, stats, c, d] = await Promise.all([
    store.eventsInRange(SITE, T0, to),
    store.eventsSince(T0),
    store.stats({ site: SITE, from: T0, to, bucketMs: 3_600_000 }),
    store.eventsOfVisitors(SITE, visitors),
    store.eventsInRange(SITE, T0, T0 + (COUNT / 2) * 100),
  ]);
  expect(a).toHaveLength(COUNT);
  expect(b).toHaveLength(COUNT);
  expect(stats.totals.pageviews).toBe(COUNT);
  expect(c).toHaveLength(visitors.length * Math.ceil(COUNT / 977));
  expect(d).toHaveLength(COUNT / 2);
});

test('a scan of id hashes runs to the end while other reads come and go', async () => {
  let scanned = 0;
  const reads: Promise<StoredEvent[]>[] = [];
  for await (const rows of store.scanIdHashes(0)) {
    scanned += rows.length;
    reads.push(store.eventsInRange(SITE, T0, T0 + 1_000));
  }
  expect(scanned).toBe(COUNT);
  for (const events of await Promise.all(reads)) expect(events).toHaveLength(10);
});
