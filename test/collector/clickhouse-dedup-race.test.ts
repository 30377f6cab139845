import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseStore } from '../../collector/src/store/clickhouse/clickhouse-store.js';
import { queryClickHouseStats, type StatsReader } from '../../collector/src/store/clickhouse/clickhouse-stats.js';
import { eventRowLine } from '../../collector/src/store/clickhouse/event-row.js';
import type { StoredEvent } from '../../collector/src/store/store.js';
import type { Stats, StatsQuery } from '../../collector/src/stats/stats-types.js';
import { tempDir } from '../support/temp-dir.js';
import { clickHouseInstalled, sql, startClickHouse, type ClickHouseServer } from '../support/clickhouse-server.js';
import { corpus, MINUTE, T0 } from './clickhouse-corpus.js';

const DAY = 86_400_000;

/**
 * A stats reader on the real server that runs `between` once, right before the first statement that
 * reads `events` (after the plan has looked at system.parts and the rollups): the window in which an
 * insert can land between the plan and the queries, made deterministic.
 */
function readerWithInsertAfterPlan(client: ClickHouseClient, database: string, between: () => Promise<void>): StatsReader {
  let injected: Promise<void> | undefined;
  const beforeQuery = (query: string) => (query.includes(`${database}.events`) ? (injected ??= between()) : Promise.resolve());
  return {
    rows: async (query) => {
      await beforeQuery(query);
      return (await client.query({ query, format: 'JSONEachRow' })).json<Record<string, unknown>>();
    },
    rowsWithTotals: async (query) => {
      await beforeQuery(query);
      const { data, totals } = await (await client.query({ query, format: 'JSON' })).json<{ data: Record<string, unknown>[]; totals?: Record<string, unknown> }>();
      return { rows: data, totals: totals ?? {} };
    },
  };
}

describe.skipIf(!clickHouseInstalled())('ClickHouse dedup under concurrent inserts', () => {
  let server: ClickHouseServer;
  let client: ClickHouseClient;

  beforeAll(async () => {
    server = await startClickHouse();
    client = createClient({ url: server.url, log: { level: ClickHouseLogLevel.OFF } });
  });
  afterAll(async () => {
    await client?.close();
    await server?.dispose();
  });

  // The store's shipper writes a retried batch exactly like this: the same JSONEachRow lines again.
  const insertAgain = (database: string, events: readonly StoredEvent[]) =>
    client.exec({ query: `INSERT INTO ${database}.events FORMAT JSONEachRow`, values: Readable.from([events.map(eventRowLine).join('')]) }).then((result) => {
      result.stream.destroy();
    });

  // A closed, compacted day: one merged part (and its rollups, where the store fills them).
  async function compactedStore(database: string) {
    const dataDir = tempDir('wisp-chrace-');
    const store = await ClickHouseStore.open({ dataDir, url: `${server.url}/${database}`, insertIntervalMs: 50 });
    await store.append(corpus());
    await store.stats({ site: 'example.com', from: T0, to: T0 + 1, bucketMs: 1 }); // waits for the insert
    expect(await store.compact(T0 + 2 * DAY)).toBe(1);
    return store;
  }

  const queries: StatsQuery[] = [
    { site: 'example.com', from: T0 - 60 * MINUTE, to: T0 + 6 * 60 * MINUTE, bucketMs: 60 * MINUTE },
    { site: 'example.com', from: T0 + 17 * MINUTE, to: T0 + 200 * MINUTE, bucketMs: 60 * MINUTE },
    { site: 'example.com', from: T0 - 60 * MINUTE, to: T0 + 6 * 60 * MINUTE, bucketMs: 60 * MINUTE, filters: [{ dimension: 'country', value: 'DE' }] },
  ];

  it('a retried insert landing on a merged day after the plan is not counted twice', async () => {
    const store = await compactedStore('wisp_race_insert');
    try {
      for (const [i, query] of queries.entries()) {
        const expected = await store.stats(query);
        const reader = readerWithInsertAfterPlan(client, 'wisp_race_insert', () => insertAgain('wisp_race_insert', corpus().slice(i * 10, i * 10 + 30)));
        expect(await queryClickHouseStats(reader, 'wisp_race_insert', query)).toEqual(expected);
        expect(await store.stats(query)).toEqual(expected); // planned again: FINAL on the reopened day
        expect(await store.compact(T0 + 2 * DAY)).toBe(1);
      }
    } finally {
      await store.close();
    }
  });

  it('a retried insert merged into the day after the plan is not counted twice', async () => {
    const store = await compactedStore('wisp_race_merge');
    try {
      for (const [i, query] of queries.entries()) {
        const expected = await store.stats(query);
        const reader = readerWithInsertAfterPlan(client, 'wisp_race_merge', async () => {
          await insertAgain('wisp_race_merge', corpus().slice(i * 10, i * 10 + 30));
          await sql(server.url, 'OPTIMIZE TABLE wisp_race_merge.events FINAL'); // the day is one merged part again, a new one
        });
        expect(await queryClickHouseStats(reader, 'wisp_race_merge', query)).toEqual(expected);
        expect(await store.stats(query)).toEqual(expected);
      }
    } finally {
      await store.close();
    }
  });

  it('counts an event once when two collectors stored it (retry moved to the other collector), raw and rolled up', async () => {
    const database = 'wisp_two_collectors';
    const open = () => {
      const dataDir = tempDir('wisp-chrace-');
      return ClickHouseStore.open({ dataDir, url: `${server.url}/${database}`, insertIntervalMs: 50 });
    };
    const [first, second] = [await open(), await open()];
    try {
      const events = corpus();
      const query: StatsQuery = { site: 'example.com', from: T0 - 60 * MINUTE, to: T0 + 6 * 60 * MINUTE, bucketMs: 60 * MINUTE };
      await first.append(events);
      const expected = await first.stats(query);
      // The second collector got the SDK's retry of a third of them: later arrival, skew corrected by
      // another request's latency, so the rows differ but (site, day, id_hash) is the same.
      await second.append(events.filter((_, i) => i % 3 === 0).map((event) => ({ ...event, ts: event.ts + 7, receivedAt: event.receivedAt + 90_000 })));
      await second.stats(query); // shipped
      expect(Number(await sql(server.url, `SELECT count() FROM ${database}.events`))).toBeGreaterThan(events.length);
      // Counted once; which copy is kept decides the event's ts to 7 ms, hence the session durations.
      const sameCounts = (actual: Stats) => {
        expect(actual.totals.avgSessionSeconds).toBeCloseTo(expected.totals.avgSessionSeconds, 1);
        expect({ ...actual, totals: { ...actual.totals, avgSessionSeconds: 0 } }).toEqual({ ...expected, totals: { ...expected.totals, avgSessionSeconds: 0 } });
      };
      sameCounts(await second.stats(query)); // two insert parts: FINAL
      await second.compact(T0 + 2 * DAY); // merged into one part, then rolled up
      expect(await sql(server.url, `SELECT count() FROM ${database}.events`)).toBe(String(events.length));
      sameCounts(await first.stats(query));
    } finally {
      await first.close();
      await second.close();
    }
  });
});
