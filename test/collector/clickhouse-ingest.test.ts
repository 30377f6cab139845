import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../collector/src/config.js';
import { nodeAdapter } from '../../collector/src/http/node-adapter.js';
import { openCountryLookup } from '../../collector/src/ingest/geo.js';
import { LIMITS } from '../../collector/src/ingest/limits.js';
import { createCollectorMetrics } from '../../collector/src/metrics/collector-metrics.js';
import { createApp } from '../../collector/src/server.js';
import { ClickHouseStore } from '../../collector/src/store/clickhouse/clickhouse-store.js';
import { startCollector } from '../../collector/src/start-collector.js';
import { loadWispSdk } from '../../collector/src/wisp-sdk.js';
import { clickHouseInstalled, sql, startClickHouse, type ClickHouseServer } from '../support/clickhouse-server.js';
import { event, getStats, postBatch, tempDataDir, type TestEvent } from '../support/collector-fixtures.js';

const TOKEN = 'clickhouse-test-token';

interface TestCollector {
  url: string;
  close(): Promise<void>;
}

// The collector's pipeline wired to the ClickHouse store, as startCollector does for WISP_STORE=clickhouse
// (createApp directly, so the buffer bound and the insert interval can be set small for the test).
async function startClickHouseCollector(dataDir: string, clickhouseUrl: string, maxBufferBytes?: number): Promise<TestCollector> {
  const config = { ...readConfig({ WISP_STORE: 'clickhouse', WISP_CLICKHOUSE_URL: clickhouseUrl }), dataDir, trustProxy: true, rateLimitPerSecond: 0 };
  const store = await ClickHouseStore.open({ dataDir, url: clickhouseUrl, insertIntervalMs: 200, maxBufferBytes });
  const salts = await store.openSharedSalts(dataDir);
  const app = await createApp({
    config, token: TOKEN, store, sdk: await loadWispSdk(), country: await openCountryLookup(),
    salts, metrics: createCollectorMetrics(),
  });
  const server = createServer(nodeAdapter(app.handler, { maxBodyBytes: LIMITS.maxBodyBytes, trustProxy: true, onUnexpected: () => undefined }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      });
      await app.drain();
      salts.close();
      await store.close();
    },
  };
}

describe.skipIf(!clickHouseInstalled())('collector on the ClickHouse store', () => {
  let clickhouse: ClickHouseServer;
  beforeAll(async () => {
    clickhouse = await startClickHouse();
  });
  afterAll(() => clickhouse?.dispose());

  const range = () => ({ from: Date.now() - 60 * 60 * 1000, to: Date.now() + 60_000 });
  const visit = (count: number, path = '/') => Array.from({ length: count }, () => event({ url: `https://shop.test${path}` }));

  it('answers the ingest contract and counts a repeated id once', async () => {
    const collector = await startClickHouseCollector(tempDataDir(), `${clickhouse.url}/wisp_contract`);
    try {
      const [a, b] = visit(2);
      const first = await postBatch(collector.url, 'shop.test', [a!, b!], { ip: '203.0.113.7' });
      expect(first.status).toBe(202);
      expect(first.json).toEqual({ accepted: 2, duplicates: 0 });
      expect(first.headers.get('access-control-allow-origin')).toBe('*');
      const again = await postBatch(collector.url, 'shop.test', [a!, a!, event({ type: 'event', name: 'signup', url: 'https://shop.test/' })], { ip: '203.0.113.7' });
      expect(again.json).toEqual({ accepted: 1, duplicates: 2 });
      const stats = await getStats(collector.url, TOKEN, { site: 'shop.test', ...range() });
      expect(stats.status).toBe(200);
      expect(stats.json.totals).toMatchObject({ pageviews: 2, visitors: 1, events: 1, sessions: 1 });
      expect(stats.json.pages).toEqual([{ key: '/', pageviews: 2, visitors: 1 }]);
    } finally {
      await collector.close();
    }
  });

  it('keeps accepting while ClickHouse is down, across a collector restart, and catches up with no loss or duplicate', async () => {
    const dataDir = tempDataDir();
    const url = `${clickhouse.url}/wisp_outage`;
    let collector = await startClickHouseCollector(dataDir, url);
    const sent: TestEvent[] = [];
    const send = async (events: TestEvent[], ip: string) => {
      sent.push(...events);
      return postBatch(collector.url, 'shop.test', events, { ip });
    };
    expect((await send(visit(5, '/a'), '198.51.100.1')).status).toBe(202);
    await getStats(collector.url, TOKEN, { site: 'shop.test', ...range() }); // flushed into ClickHouse

    await clickhouse.stop();
    const buffered = visit(7, '/b');
    expect((await send(buffered.slice(0, 4), '198.51.100.2')).json).toEqual({ accepted: 4, duplicates: 0 });
    const down = await getStats(collector.url, TOKEN, { site: 'shop.test', ...range() });
    expect(down.status).toBe(503);
    expect(down.json.error).toBe('store_unavailable');

    // The collector restarts while ClickHouse is still down: the buffer and its dedupe keys survive.
    await collector.close();
    collector = await startClickHouseCollector(dataDir, url);
    const retried = await postBatch(collector.url, 'shop.test', buffered.slice(0, 4), { ip: '198.51.100.2' });
    expect(retried.json).toEqual({ accepted: 0, duplicates: 4 });
    expect((await send(buffered.slice(4), '198.51.100.2')).json).toEqual({ accepted: 3, duplicates: 0 });

    await clickhouse.start();
    const stats = await getStats(collector.url, TOKEN, { site: 'shop.test', ...range() });
    expect(stats.status).toBe(200);
    expect(stats.json.totals).toMatchObject({ pageviews: sent.length, visitors: 2 });
    expect(await sql(clickhouse.url, "SELECT count(), uniqExact(id_hash) FROM wisp_outage.events WHERE site = 'shop.test'")).toBe(
      `${sent.length}\t${sent.length}`,
    );
    await collector.close();
  });

  it('shows the buffered bytes and their bound (WISP_CLICKHOUSE_BUFFER_MB) in /metrics', async () => {
    const collector = await startCollector({
      env: { WISP_STORE: 'clickhouse', WISP_CLICKHOUSE_URL: `${clickhouse.url}/wisp_metrics`, WISP_CLICKHOUSE_BUFFER_MB: '3' },
      host: '127.0.0.1', port: 0, dataDir: tempDataDir(), token: TOKEN, trustProxy: true, rateLimitPerSecond: 0,
    });
    const gauge = async (name: string) => {
      const text = await (await fetch(`${collector.url}/metrics`)).text();
      return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    };
    try {
      expect(await gauge('wisp_clickhouse_buffer_limit_bytes')).toBe(3 * 1024 * 1024);
      await clickhouse.stop();
      expect((await postBatch(collector.url, 'shop.test', visit(5), { ip: '192.0.2.9' })).status).toBe(202);
      expect(await gauge('wisp_clickhouse_buffer_bytes')).toBeGreaterThan(5 * 200);
      await clickhouse.start();
      expect((await getStats(collector.url, TOKEN, { site: 'shop.test', ...range() })).status).toBe(200); // waits for the insert
      expect(await gauge('wisp_clickhouse_buffer_bytes')).toBe(0);
    } finally {
      await clickhouse.start();
      await collector.close();
    }
  });

  it('answers 503 store_full with Retry-After once the bounded buffer is full', async () => {
    const collector = await startClickHouseCollector(tempDataDir(), `${clickhouse.url}/wisp_full`, 4_000);
    await clickhouse.stop();
    try {
      let response = await postBatch(collector.url, 'shop.test', visit(5), { ip: '192.0.2.1' });
      for (let i = 0; i < 20 && response.status === 202; i++) {
        response = await postBatch(collector.url, 'shop.test', visit(5), { ip: '192.0.2.1' });
      }
      expect(response.status).toBe(503);
      expect(response.json.error).toBe('store_full');
      expect(response.headers.get('retry-after')).toBe('30');
    } finally {
      await clickhouse.start();
      await collector.close();
    }
  });
});
