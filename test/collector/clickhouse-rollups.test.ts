import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBStore } from '../../collector/src/store/duckdb-store.js';
import { ClickHouseStore } from '../../collector/src/store/clickhouse/clickhouse-store.js';
import { planDedup } from '../../collector/src/store/clickhouse/dedup-plan.js';
import { RollupKind } from '../../collector/src/store/clickhouse/rollup-fill.js';
import { planRollups } from '../../collector/src/store/clickhouse/rollup-plan.js';
import type { StatsQuery } from '../../collector/src/stats/stats-types.js';
import type { Stats } from '../../collector/src/stats/stats-types.js';
import type { StoredEvent } from '../../collector/src/store/store.js';
import { tempDir as tempDirIn } from '../support/temp-dir.js';
import { clickHouseInstalled, sql, startClickHouse, type ClickHouseServer } from '../support/clickhouse-server.js';
import { corpus, corpusEvent, MINUTE, T0 } from './clickhouse-corpus.js';

const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// Three days of the corpus; the second day's visits start at 23:00, so its sessions run past midnight.
function days(): StoredEvent[] {
  return [0, 1, 2].flatMap((d) =>
    corpus().map((event) => ({ ...event, idHash: event.idHash + BigInt(d), ts: event.ts + d * DAY + (d === 1 ? 14 * HOUR : 0) })),
  );
}

const site = 'example.com';
const queries: StatsQuery[] = [
  { site, from: T0 - HOUR, to: T0 + 3 * DAY, bucketMs: DAY }, // whole hours, rolled days in the middle
  { site, from: T0 + 17 * MINUTE, to: T0 + 2 * DAY + 5 * HOUR + 3 * MINUTE, bucketMs: HOUR }, // sub-hour edges read raw
  { site, from: T0 - 9 * HOUR, to: T0 + 3 * DAY, bucketMs: DAY, interval: 'day', tz: 'Europe/Berlin' }, // zoned daily series
  { site, from: T0 - 9 * HOUR, to: T0 + 3 * DAY, bucketMs: DAY, interval: 'day', tz: 'Asia/Kolkata' }, // a half-hour zone
  { site, from: T0 + 20 * HOUR, to: T0 + 30 * HOUR, bucketMs: HOUR, interval: 'hour' }, // across midnight
  { site, from: T0 - HOUR, to: T0 + 3 * DAY, bucketMs: DAY, filters: [{ dimension: 'browser', value: 'Firefox' }] }, // filtered: raw
];

// avgSessionSeconds is a float sum in a different order on each store.
function expectSameStats(actual: Stats, expected: Stats): void {
  expect(actual.totals.avgSessionSeconds).toBeCloseTo(expected.totals.avgSessionSeconds, 6);
  expect({ ...actual, totals: { ...actual.totals, avgSessionSeconds: 0 } }).toEqual({ ...expected, totals: { ...expected.totals, avgSessionSeconds: 0 } });
}

describe.skipIf(!clickHouseInstalled())('ClickHouse rollups of closed days', () => {
  let server: ClickHouseServer;
  const tempDir = () => tempDirIn('wisp-chrollup-');
  beforeAll(async () => {
    server = await startClickHouse();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  async function stores(database: string, events: StoredEvent[]) {
    const duck = await DuckDBStore.open(tempDir());
    const clickhouse = await ClickHouseStore.open({ dataDir: tempDir(), url: `${server.url}/${database}`, insertIntervalMs: 50 });
    await duck.append(events);
    await clickhouse.append(events);
    await clickhouse.stats(queries[0]!); // shipped
    return { duck, clickhouse };
  }

  // Whether an answer for `query` reads rollups (the plan the store's stats use, on the real server).
  async function readsRollups(clickhouse: ClickHouseStore, database: string, query: StatsQuery): Promise<boolean> {
    const select = async (text: string) => (await clickhouse.client.query({ query: text, format: 'JSONEachRow' })).json<Record<string, unknown>>();
    const dedup = await planDedup(select, database, query.from, query.to);
    const rollups = await planRollups(select, database, site, query.from, query.to, dedup.merged, true);
    return rollups.rows(RollupKind.Dimension, 'n') !== null;
  }

  it('answers from rollups plus raw edges exactly as the embedded store does', async () => {
    const { duck, clickhouse } = await stores('wisp_rollup_parity', days());
    try {
      expect(await clickhouse.compact(T0 + 5 * DAY)).toBe(3); // the second day's late visits end on the third
      expect(await sql(server.url, 'SELECT count() FROM wisp_rollup_parity.rollups WHERE kind = 0')).toBe('3');
      expect(await readsRollups(clickhouse, 'wisp_rollup_parity', queries[0]!)).toBe(true);
      // Session summaries need the day before and after merged too: only the 21st has both.
      expect(await sql(server.url, 'SELECT toString(day) FROM wisp_rollup_parity.rollups WHERE kind = 9')).toBe('2026-11-21');
      for (const query of queries) expectSameStats(await clickhouse.stats(query), await duck.stats(query));
    } finally {
      await duck.close();
      await clickhouse.close();
    }
  });

  it('stays exact when a late event reopens a rolled day, and files the new part\'s rollups once it is merged', async () => {
    const { duck, clickhouse } = await stores('wisp_rollup_late', days());
    try {
      await clickhouse.compact(T0 + 5 * DAY);
      const late = [corpusEvent(900_001n, 3, 'pageview', T0 + DAY + 2 * HOUR, '/late', null, null), corpusEvent(900_002n, 40, 'event', T0 + 3 * HOUR, '/', 'signup', null)];
      await duck.append(late);
      await clickhouse.append(late);
      await clickhouse.append(days().slice(0, 25)); // and a retried insert of rows already rolled up
      for (const query of queries) expectSameStats(await clickhouse.stats(query), await duck.stats(query));
      expect(await clickhouse.compact(T0 + 5 * DAY)).toBe(2);
      expect(await readsRollups(clickhouse, 'wisp_rollup_late', queries[0]!)).toBe(true);
      for (const query of queries) expectSameStats(await clickhouse.stats(query), await duck.stats(query));
      // The superseded parts' rollups are deleted (a mutation: applied in the background).
      const stale = `SELECT count() FROM wisp_rollup_late.rollups WHERE part NOT IN (SELECT name FROM system.parts WHERE database = 'wisp_rollup_late' AND table = 'events' AND active)`;
      for (let i = 0; i < 50 && (await sql(server.url, stale)) !== '0'; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await sql(server.url, stale)).toBe('0');
    } finally {
      await duck.close();
      await clickhouse.close();
    }
  });

  it('counts once when two collectors fill the same rollups at the same time', async () => {
    const { duck, clickhouse } = await stores('wisp_rollup_twice', days());
    const other = await ClickHouseStore.open({ dataDir: tempDir(), url: `${server.url}/wisp_rollup_twice`, insertIntervalMs: 50 });
    try {
      await Promise.all([clickhouse.compact(T0 + 5 * DAY), other.compact(T0 + 5 * DAY)]);
      expect(Number(await sql(server.url, 'SELECT count() FROM wisp_rollup_twice.rollups WHERE kind = 0'))).toBeGreaterThanOrEqual(3);
      expect(await readsRollups(clickhouse, 'wisp_rollup_twice', queries[0]!)).toBe(true);
      for (const query of queries) expectSameStats(await other.stats(query), await duck.stats(query));
    } finally {
      await duck.close();
      await clickhouse.close();
      await other.close();
    }
  });
});
