import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseStore } from '../../collector/src/store/clickhouse/clickhouse-store.js';
import { tempDir as tempDirIn } from '../support/temp-dir.js';
import { clickHouseInstalled, sql, startClickHouse, type ClickHouseServer } from '../support/clickhouse-server.js';

const DAY = 24 * 60 * 60 * 1000;
const NOON = Date.UTC(2026, 10, 20, 12, 0, 0);

describe.skipIf(!clickHouseInstalled())('salts shared through ClickHouse', () => {
  let server: ClickHouseServer;
  const tempDir = () => tempDirIn('wisp-chsalts-');
  beforeAll(async () => {
    server = await startClickHouse();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('gives every collector the same salt per day, pre-creates tomorrow and drops older days once', async () => {
    const url = `${server.url}/wisp_salts`;
    const [dirA, dirB] = [tempDir(), tempDir()];
    const storeA = await ClickHouseStore.open({ dataDir: dirA, url });
    const storeB = await ClickHouseStore.open({ dataDir: dirB, url });
    const [a, b] = await Promise.all([storeA.openSharedSalts(dirA, NOON), storeB.openSharedSalts(dirB, NOON)]);
    await Promise.all([a.sync(NOON), b.sync(NOON)]); // a simultaneous first start converges at the next sync
    expect(Buffer.from(a.saltFor(NOON))).toEqual(Buffer.from(b.saltFor(NOON)));
    expect(a.saltFor(NOON)).toHaveLength(16);
    expect(Buffer.from(a.saltFor(NOON + DAY))).toEqual(Buffer.from(b.saltFor(NOON + DAY)));
    expect(Buffer.from(a.saltFor(NOON + DAY))).not.toEqual(Buffer.from(a.saltFor(NOON)));

    // Two days later the first day is gone from ClickHouse and from both data dirs.
    await a.sync(NOON + 2 * DAY);
    await b.sync(NOON + 2 * DAY);
    expect(await sql(server.url, "SELECT count() FROM wisp_salts.salts WHERE day = toDate('2026-11-20')")).toBe('0');
    expect(existsSync(join(dirA, 'salts', '2026-11-20'))).toBe(false);
    expect(readdirSync(join(dirB, 'salts')).sort()).toEqual(['2026-11-21', '2026-11-22', '2026-11-23']);
    a.close();
    b.close();
    await storeA.close();
    await storeB.close();
  });

  it('serves a local salt while ClickHouse is away and adopts the shared one when it returns', async () => {
    const url = `${server.url}/wisp_salts_outage`;
    const [dirA, dirB] = [tempDir(), tempDir()];
    const storeA = await ClickHouseStore.open({ dataDir: dirA, url });
    const a = await storeA.openSharedSalts(dirA, NOON);
    await server.stop();
    const storeB = await ClickHouseStore.open({ dataDir: dirB, url });
    const b = await storeB.openSharedSalts(dirB, NOON);
    expect(b.saltFor(NOON)).toHaveLength(16);
    expect(Buffer.from(b.saltFor(NOON))).not.toEqual(Buffer.from(a.saltFor(NOON)));
    await server.start();
    await b.sync(NOON);
    expect(Buffer.from(b.saltFor(NOON))).toEqual(Buffer.from(a.saltFor(NOON)));
    a.close();
    b.close();
    await storeA.close();
    await storeB.close();
  });
});
