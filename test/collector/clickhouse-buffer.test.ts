import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../../collector/src/store/clickhouse/journal.js';
import { SPARE_NAME } from '../../collector/src/store/zeroed-spare.js';
import { Shipper } from '../../collector/src/store/clickhouse/shipper.js';
import { isUnparsableInput } from '../../collector/src/store/clickhouse/server-error.js';
import { StoreFullError } from '../../collector/src/store/clickhouse/store-full-error.js';
import { tempDir as tempDirIn } from '../support/temp-dir.js';
import { clickHouseInstalled, sql, startClickHouse, type ClickHouseServer } from '../support/clickhouse-server.js';

// The ClickHouse store's local buffer against a real server: acknowledged lines survive an outage and
// a restart, and land exactly once (ReplacingMergeTree + FINAL absorbs retried inserts).
describe.skipIf(!clickHouseInstalled())('ClickHouse buffer (journal + shipper)', () => {
  let server: ClickHouseServer;
  let client: ClickHouseClient;

  beforeAll(async () => {
    server = await startClickHouse();
    client = createClient({ url: server.url, request_timeout: 5_000, log: { level: ClickHouseLogLevel.OFF } });
    await sql(server.url, 'CREATE TABLE rows (id String, n UInt32) ENGINE = ReplacingMergeTree ORDER BY id');
  });
  afterAll(async () => {
    await client?.close();
    await server?.dispose();
  });

  const tempDir = () => tempDirIn('wisp-journal-');

  async function insert(body: Readable): Promise<void> {
    const result = await client.exec({ query: 'INSERT INTO rows FORMAT JSONEachRow', values: body });
    result.stream.destroy();
  }

  const lines = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => `${JSON.stringify({ id: `e${from + i}`, n: from + i })}\n`).join('');

  async function counts(): Promise<{ rows: number; distinct: number }> {
    const [rows, distinct] = (await sql(server.url, 'SELECT count(), uniqExact(id) FROM rows FINAL')).split('\t');
    return { rows: Number(rows), distinct: Number(distinct) };
  }

  it('keeps accepting while ClickHouse is down and catches up exactly once', async () => {
    await sql(server.url, 'TRUNCATE TABLE rows');
    const journal = new Journal({ dir: tempDir(), maxBytes: 1 << 20 });
    const reports: boolean[] = [];
    const shipper = new Shipper({ journal, insert, insertIntervalMs: 100, maxBackoffMs: 200, onInsert: (r) => reports.push(r.ok) });
    shipper.start();
    await journal.append(lines(0, 50));
    await shipper.flush();
    expect(await counts()).toEqual({ rows: 50, distinct: 50 });

    await server.stop();
    await Promise.all([journal.append(lines(50, 30)), journal.append(lines(80, 20))]);
    await expect(shipper.flush()).rejects.toThrow();
    expect(journal.bytes).toBeGreaterThan(0);

    await server.start();
    await expect.poll(() => journal.bytes, { timeout: 10_000, interval: 100 }).toBe(0);
    expect(await counts()).toEqual({ rows: 100, distinct: 100 });
    expect(reports).toContain(false);
    await shipper.stop();
  });

  it('recovers segments left on disk, cuts a torn last line, and re-inserts without duplicates', async () => {
    await sql(server.url, 'TRUNCATE TABLE rows');
    const dir = tempDir();
    // A previous process inserted e0..e9 but died before deleting the segment, and tore its last write.
    await sql(server.url, `INSERT INTO rows FORMAT JSONEachRow ${lines(0, 10)}`);
    writeFileSync(join(dir, '000000000001.jsonl'), `${lines(0, 10)}{"id":"torn","n`);
    writeFileSync(join(dir, '000000000002.jsonl'), lines(10, 5));
    const journal = new Journal({ dir, maxBytes: 1 << 20 });
    expect(journal.sealed.map((segment) => segment.seq)).toEqual([1, 2]);
    const shipper = new Shipper({ journal, insert, insertIntervalMs: 50 });
    shipper.start();
    await journal.append(lines(15, 5));
    await shipper.flush();
    expect(await counts()).toEqual({ rows: 20, distinct: 20 });
    expect(await sql(server.url, "SELECT count() FROM rows WHERE id = 'torn'")).toBe('0');
    expect(readdirSync(dir).filter((name) => name !== SPARE_NAME)).toEqual([]); // the next segment's zeroed spare may wait there
    await shipper.stop();
  });

  it('sets aside a segment ClickHouse cannot parse and ships the others', async () => {
    await sql(server.url, 'TRUNCATE TABLE rows');
    const dir = tempDir();
    writeFileSync(join(dir, '000000000001.jsonl'), lines(0, 5));
    writeFileSync(join(dir, '000000000002.jsonl'), `${lines(5, 5)}{"id":"bad","n":"not a number"}\n`);
    writeFileSync(join(dir, '000000000003.jsonl'), lines(10, 5));
    const journal = new Journal({ dir, maxBytes: 1 << 20 });
    const rejected: number[] = [];
    const shipper = new Shipper({ journal, insert, insertIntervalMs: 20, isUnparsable: isUnparsableInput,
      onInsert: (report) => report.rejectedSegments && rejected.push(report.rejectedSegments) });
    shipper.start();
    await expect.poll(() => journal.bytes, { timeout: 10_000, interval: 50 }).toBe(0);
    await shipper.flush();
    expect(await counts()).toEqual({ rows: 10, distinct: 10 });
    expect(rejected).toEqual([1]);
    expect(readdirSync(join(dir, 'rejected'))).toEqual(['000000000002.jsonl']);
    await shipper.stop();
  });

  it('refuses appends with StoreFullError once the bound is reached', async () => {
    const journal = new Journal({ dir: tempDir(), maxBytes: 600 });
    await journal.append(lines(0, 20));
    expect(() => journal.append(lines(20, 20))).toThrow(StoreFullError);
    await journal.close();
  });
});
