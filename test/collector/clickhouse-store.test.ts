import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBStore } from '../../collector/src/store/duckdb-store.js';
import { ClickHouseStore } from '../../collector/src/store/clickhouse/clickhouse-store.js';
import type { StoredEvent } from '../../collector/src/store/store.js';
import { corpus, corpusEvent as event, MINUTE, T0 } from './clickhouse-corpus.js';
import { tempDir as tempDirIn } from '../support/temp-dir.js';
import { clickHouseInstalled, sql, startClickHouse, type ClickHouseServer } from '../support/clickhouse-server.js';

describe.skipIf(!clickHouseInstalled())('ClickHouse store', () => {
  let server: ClickHouseServer;
  const tempDir = () => tempDirIn('wisp-chstore-');

  beforeAll(async () => {
    server = await startClickHouse();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('answers the same stats as the embedded store, counting re-inserted rows once', async () => {
    const events = corpus();
    const duck = await DuckDBStore.open(tempDir());
    const clickhouse = await ClickHouseStore.open({ dataDir: tempDir(), url: `${server.url}/wisp_parity`, insertIntervalMs: 50 });
    try {
      await duck.append(events);
      await clickhouse.append(events.slice(0, 50));
      await clickhouse.append(events.slice(30)); // 20 rows twice, as a retried insert would write them
      const query = { site: 'example.com', from: T0 - 60 * MINUTE, to: T0 + 6 * 60 * MINUTE, bucketMs: 60 * MINUTE };
      const expected = await duck.stats(query);
      const actual = await clickhouse.stats(query);
      expect(await sql(server.url, 'SELECT count() FROM wisp_parity.events')).toBe(String(events.length + 20));
      expect(actual.totals.sessions).toBeGreaterThan(12);
      expect(actual.totals.bounceRate).toBeGreaterThan(0);
      expect(actual.totals.avgSessionSeconds).toBeCloseTo(expected.totals.avgSessionSeconds, 6);
      expect({ ...actual, totals: { ...actual.totals, avgSessionSeconds: 0 } }).toEqual({
        ...expected,
        totals: { ...expected.totals, avgSessionSeconds: 0 },
      });
      expect(clickhouse.features?.version).toMatch(/^\d+\.\d+/);
      // filters= as on the embedded store (event columns and visitor-level source/event conditions).
      for (const filters of [
        [{ dimension: 'country', value: 'DE' }],
        [{ dimension: 'source', value: 'news.ycombinator.com' }, { dimension: 'page', value: '/' }],
        [{ dimension: 'event', value: 'signup' }],
      ] as const) {
        const filtered = { ...query, filters: [...filters] };
        const want = await duck.stats(filtered);
        const got = await clickhouse.stats(filtered);
        expect(got.totals.pageviews).toBeGreaterThan(0);
        expect(got.totals.pageviews).toBeLessThan(actual.totals.pageviews);
        expect(got.totals.avgSessionSeconds).toBeCloseTo(want.totals.avgSessionSeconds, 6);
        expect({ ...got, totals: { ...got.totals, avgSessionSeconds: 0 } }).toEqual({ ...want, totals: { ...want.totals, avgSessionSeconds: 0 } });
      }
    } finally {
      await duck.close();
      await clickhouse.close();
    }
  });

  it('counts a session in the range where it starts, over its whole extent, as the embedded store does', async () => {
    const from = T0 + 60 * MINUTE;
    const to = T0 + 3 * 60 * MINUTE;
    const at = (v: number, type: StoredEvent['type'], ts: number, path: string) =>
      ({ ...event(BigInt(ts / 1000) * 16n + BigInt(v), v, type, ts, path, type === 'event' ? 'signup' : null, null), source: '' });
    const events = [
      // 0: starts 10 min before `from` and goes on inside: counted in the previous range, not here.
      at(0, 'pageview', from - 10 * MINUTE, '/before'), at(0, 'pageview', from + 5 * MINUTE, '/inside'),
      // 1: starts 5 min before `to`, ends 20 min after: counted here, 25 min long, exit page after `to`.
      at(1, 'pageview', to - 5 * MINUTE, '/late'), at(1, 'event', to + 2 * MINUTE, '/late'), at(1, 'pageview', to + 20 * MINUTE, '/after'),
      // 2: a session ends 40 min before `from`; a new one starts inside (a bounce).
      at(2, 'pageview', from - 40 * MINUTE, '/old'), at(2, 'pageview', from + 1 * MINUTE, '/bounce'),
      // 3: inside only, two pageviews 29 min apart (one session), then one 31 min later (a second one).
      at(3, 'pageview', from + 10 * MINUTE, '/a'), at(3, 'pageview', from + 39 * MINUTE, '/b'), at(3, 'pageview', from + 70 * MINUTE, '/c'),
      // 4: never seen in the range (only after `to`).
      at(4, 'pageview', to + 1 * MINUTE, '/elsewhere'),
      // 5: starts 10 min before `to`, then a pageview every 20 min for 7 hours (past the first pass's horizon).
      ...Array.from({ length: 23 }, (_, i) => at(5, 'pageview', to - 10 * MINUTE + i * 20 * MINUTE, i === 22 ? '/long-end' : '/long')),
      // 6: two pageviews in the same millisecond at each end: entry and exit by (ts, path).
      { ...at(6, 'pageview', from + 100 * MINUTE, '/tie-z'), idHash: 1n }, { ...at(6, 'pageview', from + 100 * MINUTE, '/tie-a'), idHash: 2n },
      { ...at(6, 'pageview', from + 110 * MINUTE, '/tie-y'), idHash: 3n }, { ...at(6, 'pageview', from + 110 * MINUTE, '/tie-b'), idHash: 4n },
    ];
    const duck = await DuckDBStore.open(tempDir());
    const clickhouse = await ClickHouseStore.open({ dataDir: tempDir(), url: `${server.url}/wisp_edges`, insertIntervalMs: 50 });
    try {
      await duck.append(events);
      await clickhouse.append(events);
      const query = { site: 'example.com', from, to, bucketMs: 60 * MINUTE };
      const expected = await duck.stats(query);
      expect(expected.totals).toMatchObject({ pageviews: 11, visitors: 6, sessions: 6 });
      expect(expected.totals.bounceRate).toBeCloseTo(2 / 6, 9); // 2's /bounce and 3's /c
      expect(expected.totals.avgSessionSeconds).toBeCloseTo((25 * 60 + 0 + 29 * 60 + 0 + 440 * 60 + 10 * 60) / 6, 6);
      expect(expected.entryPages).toContainEqual({ key: '/tie-a', pageviews: 1 });
      expect(expected.exitPages).toContainEqual({ key: '/tie-y', pageviews: 1 });
      expect(expected.exitPages).toContainEqual({ key: '/after', pageviews: 1 });
      expect(expected.exitPages).toContainEqual({ key: '/long-end', pageviews: 1 });
      expect(expected.entryPages.map((row) => row.key)).not.toContain('/before');
      const actual = await clickhouse.stats(query);
      expect(actual.totals.avgSessionSeconds).toBeCloseTo(expected.totals.avgSessionSeconds, 6);
      expect({ ...actual, totals: { ...actual.totals, avgSessionSeconds: 0 } }).toEqual({ ...expected, totals: { ...expected.totals, avgSessionSeconds: 0 } });
      // Every cut of the same events agrees too, including edges inside sessions and filtered queries.
      for (const [a, b] of [[from - 30 * MINUTE, from + 7 * MINUTE], [from + 2 * MINUTE, to + 5 * MINUTE], [T0, T0 + 6 * 60 * MINUTE]] as const) {
        for (const filters of [[], [{ dimension: 'event', value: 'signup' }], [{ dimension: 'page', value: '/late' }]] as const) {
          const cut = { ...query, from: a, to: b, filters: [...filters] };
          const [want, got] = [await duck.stats(cut), await clickhouse.stats(cut)];
          expect(got.totals.avgSessionSeconds).toBeCloseTo(want.totals.avgSessionSeconds, 6);
          expect({ ...got, totals: { ...got.totals, avgSessionSeconds: 0 } }).toEqual({ ...want, totals: { ...want.totals, avgSessionSeconds: 0 } });
        }
      }
    } finally {
      await duck.close();
      await clickhouse.close();
    }
  });

  it('reads merged closed days without FINAL and still counts re-inserted rows once', async () => {
    const events = corpus();
    const duck = await DuckDBStore.open(tempDir());
    const clickhouse = await ClickHouseStore.open({ dataDir: tempDir(), url: `${server.url}/wisp_compact`, insertIntervalMs: 50 });
    try {
      await duck.append(events);
      await clickhouse.append(events);
      const query = { site: 'example.com', from: T0 - 60 * MINUTE, to: T0 + 6 * 60 * MINUTE, bucketMs: 60 * MINUTE };
      await clickhouse.stats(query); // shipped
      await clickhouse.append(events.slice(10, 40)); // as a retried insert would write them again
      await clickhouse.stats(query);
      expect(await sql(server.url, 'SELECT count() FROM wisp_compact.events')).toBe(String(events.length + 30));
      const expected = await duck.stats(query);
      const before = await clickhouse.stats(query); // the day is two parts: read with FINAL
      expect(await clickhouse.compact(T0 + 2 * 86_400_000)).toBe(1);
      expect(await sql(server.url, "SELECT count(), min(level) FROM system.parts WHERE database = 'wisp_compact' AND table = 'events' AND active")).toBe('1\t1');
      const after = await clickhouse.stats(query); // one merged part: read plainly
      expect(await sql(server.url, 'SELECT count() FROM wisp_compact.events')).toBe(String(events.length));
      expect(after).toEqual(before);
      expect(after.totals.avgSessionSeconds).toBeCloseTo(expected.totals.avgSessionSeconds, 6);
      expect({ ...after, totals: { ...after.totals, avgSessionSeconds: 0 } }).toEqual({ ...expected, totals: { ...expected.totals, avgSessionSeconds: 0 } });
      expect(await clickhouse.compact(T0 + 2 * 86_400_000)).toBe(0); // nothing left to merge
    } finally {
      await duck.close();
      await clickhouse.close();
    }
  });

  it('rebuilds the dedupe index from the buffer and from ClickHouse', async () => {
    const dataDir = tempDir();
    const events = corpus().slice(0, 30);
    const store = await ClickHouseStore.open({ dataDir, url: `${server.url}/wisp_scan`, insertIntervalMs: 50 });
    await store.append(events.slice(0, 20));
    await store.stats({ site: 'example.com', from: T0, to: T0 + 1, bucketMs: 1 }); // waits for the insert
    await server.stop();
    await store.append(events.slice(20));
    await store.close();
    await server.start();

    const reopened = await ClickHouseStore.open({ dataDir, url: `${server.url}/wisp_scan`, insertIntervalMs: 60_000 });
    const seen: bigint[] = [];
    for await (const chunk of reopened.scanIdHashes(0)) seen.push(...chunk.map((row) => row.idHash));
    expect(new Set(seen)).toEqual(new Set(events.map((e) => e.idHash)));
    await reopened.close();
  });
});
