// ClickHouse store: ingest events/s of one collector on the ClickHouse store (autocannon on loopback,
// durable 202 = fsynced local journal, shipped to ClickHouse once per second), the insert sizes that
// produced, raw ClickHouse insert rows/s per insert thread by batch size, and /api/stats latency over
// the same N events in ClickHouse and in the embedded DuckDB store. A throwaway clickhouse-server on
// loopback (test/support/clickhouse-server.mjs). Needs `npm run build` (collector/dist, sdk/dist).
// Writes the "ClickHouse" section of RESULTS.md. BENCH_SECONDS (5) per load case, BENCH_STATS_EVENTS (1M).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import autocannon from 'autocannon';
import { clickHouseInstalled, sql, startClickHouse } from '../test/support/clickhouse-server.mjs';
import { waitForListening } from './lib/wait-for-listening.mjs';
import { machineDescription, markdownTable, writeResultsSection } from './run.mjs';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
const STATS_EVENTS = Number(process.env.BENCH_STATS_EVENTS ?? 1_000_000);
const CONNECTIONS = 32;
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const dist = pathToFileURL(fileURLToPath(new URL('../collector/dist/', import.meta.url))).href;
const { ClickHouseStore } = await import(`${dist}store/clickhouse/clickhouse-store.js`);
const { eventRowLine } = await import(`${dist}store/clickhouse/event-row.js`);
const { DuckDBStore } = await import(`${dist}store/duckdb-store.js`);

// The collector's composition with the ClickHouse store, in a child process, reporting its inserts
// over IPC (same wiring as start-collector for WISP_STORE=clickhouse).
const CHILD = `
import { createServer } from 'node:http';
const dist = process.env.BENCH_DIST;
const { readConfig } = await import(dist + 'config.js');
const { nodeAdapter } = await import(dist + 'http/node-adapter.js');
const { openCountryLookup } = await import(dist + 'ingest/geo.js');
const { LIMITS } = await import(dist + 'ingest/limits.js');
const { createCollectorMetrics } = await import(dist + 'metrics/collector-metrics.js');
const { createApp } = await import(dist + 'server.js');
const { ClickHouseStore } = await import(dist + 'store/clickhouse/clickhouse-store.js');
const { loadWispSdk } = await import(dist + 'wisp-sdk.js');
const config = { ...readConfig(process.env), rateLimitPerSecond: 0, trustProxy: true };
const inserts = [];
const store = await ClickHouseStore.open({ dataDir: config.dataDir, url: config.clickhouseUrl, onInsert: (r) => inserts.push({ ok: r.ok, rows: r.rows, bytes: r.bytes, ms: r.ms }) });
const salts = await store.openSharedSalts(config.dataDir);
const app = await createApp({ config, token: 'bench', store, sdk: await loadWispSdk(), country: await openCountryLookup(), salts, metrics: createCollectorMetrics() });
const server = createServer({ keepAliveTimeout: 65000 }, nodeAdapter(app.handler, { maxBodyBytes: LIMITS.maxBodyBytes, trustProxy: true, onUnexpected: (e) => console.error(String(e)) }));
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
process.on('message', () => process.send({ inserts, bufferedBytes: store.bufferedBytes }));
`;

function startCollector(env) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    env: { ...process.env, ...env, BENCH_DIST: dist },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return waitForListening(child);
}

const report = (child) => new Promise((resolve) => { child.once('message', resolve); child.send('report'); });

let sequence = 0;
function batchBody(size) {
  const now = Date.now();
  const events = [];
  for (let i = 0; i < size; i++) {
    const n = sequence++;
    events.push(`{"id":"chbench-${process.pid}-${n}","type":"pageview","url":"https://bench.test/products/category-${n % 97}/item-${n % 9973}?color=blue&size=m","referrer":"https://www.google.com/search","ts":${now},"name":null,"props":{"plan":"pro"}}`);
  }
  return `{"site":"bench.test","sentAt":${now},"events":[${events.join(',')}]}`;
}

function load(url, eventsPerRequest) {
  let ip = 0;
  return autocannon({
    url: `${url}/api/events`, connections: CONNECTIONS, duration: DURATION_S,
    requests: [{
      method: 'POST',
      setupRequest: (request) => {
        ip = (ip + 1) % 50_000;
        request.headers = { 'content-type': 'application/json', 'user-agent': UA, 'x-forwarded-for': `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}` };
        request.body = batchBody(eventsPerRequest);
        return request;
      },
    }],
  });
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)] ?? 0;

async function ingestCases(server) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wisp-chbench-'));
  const collector = await startCollector({ WISP_DATA_DIR: dataDir, WISP_STORE: 'clickhouse', WISP_CLICKHOUSE_URL: `${server.url}/wisp_bench` });
  const rows = [];
  let acknowledged = 0;
  let inFlight = 0; // requests autocannon had sent when the duration ended: stored, but not counted as 2xx
  try {
    for (const [label, size] of [['batches of 50 events', 50], ['1 event per request', 1]]) {
      const before = (await report(collector.child)).inserts.length;
      const result = await load(collector.url, size);
      const ok = result['2xx'];
      acknowledged += ok * size;
      inFlight += CONNECTIONS * size;
      const { inserts } = await report(collector.child);
      const during = inserts.slice(before).filter((insert) => insert.ok);
      rows.push([label, fmt(ok / result.duration), fmt((ok * size) / result.duration), result.latency.p50, result.latency.p99,
        result.errors + result.timeouts + result.non2xx, during.length, fmt(median(during.map((i) => i.rows))),
        fmt(Math.max(0, ...during.map((i) => i.rows))), median(during.map((i) => i.ms))]);
      console.log(`ClickHouse store, ${label}: ${fmt((ok * size) / result.duration)} events/s, p99 ${result.latency.p99} ms, ${during.length} inserts`);
    }
    // Everything acknowledged reaches ClickHouse once (stats flush the buffer first).
    const stats = await (await fetch(`${collector.url}/api/stats?site=bench.test&from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`, {
      headers: { authorization: 'Bearer bench' },
    })).json();
    const [rowsStored, distinct] = (await sql(server.url, "SELECT count(), uniqExact(id_hash) FROM wisp_bench.events WHERE site = 'bench.test'"))
      .split('\t').map(Number);
    return { rows, acknowledged, inFlight, stored: distinct, duplicates: rowsStored - distinct, pageviews: stats.totals?.pageviews };
  } finally {
    collector.child.kill('SIGTERM');
    await new Promise((resolve) => collector.child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Synthetic stored events over 7 days in time order: visits of 10 consecutive events (seconds apart),
// each visitor coming back for 5 visits spread over the week; 40 pages, a few sources, vitals, custom events.
const VISITORS = Math.max(1, Math.floor(STATS_EVENTS / 50));
function storedEvent(n, now) {
  const visitor = BigInt(Math.floor(n / 10) % VISITORS);
  const type = n % 20 === 0 ? 'vital' : n % 13 === 0 ? 'event' : 'pageview';
  return {
    site: 'bench.test', idHash: BigInt(n) * 2654435761n + 1n, type, ts: now - 7 * 86_400_000 + Math.floor((n * 604_800_000) / STATS_EVENTS),
    receivedAt: now, visitor: visitor * 11400714819323198485n % 18446744073709551557n, path: `/page-${n % 40}`,
    name: type === 'vital' ? 'LCP' : type === 'event' ? 'signup' : null, value: type === 'vital' ? 500 + (n % 3000) : null, props: '{}',
    source: ['', 'google.com', 'news.ycombinator.com', 'github.com'][n % 4], utmSource: '', utmMedium: '', utmCampaign: '',
    country: ['DE', 'US', 'FR', 'BR', ''][n % 5], browser: ['Chrome', 'Firefox', 'Safari'][n % 3], os: ['Windows', 'macOS', 'Linux', 'iOS'][n % 4],
    device: n % 3 === 0 ? 'mobile' : 'desktop',
  };
}

async function insertCases(server) {
  const client = createClient({ url: server.url, log: { level: ClickHouseLogLevel.OFF }, request_timeout: 300_000 });
  const now = Date.now();
  const rows = [];
  await sql(server.url, 'CREATE DATABASE IF NOT EXISTS wisp_insert');
  await sql(server.url, 'CREATE TABLE IF NOT EXISTS wisp_insert.events AS wisp_bench.events');
  for (const batchRows of [1_000, 10_000, 100_000]) {
    const total = Math.max(batchRows * 2, 200_000);
    const bodies = [];
    for (let start = 0; start < total; start += batchRows) {
      let text = '';
      for (let n = start; n < start + batchRows; n++) text += eventRowLine(storedEvent(n, now));
      bodies.push(text);
    }
    const bytes = bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0);
    const started = performance.now();
    for (const body of bodies) {
      const result = await client.exec({ query: 'INSERT INTO wisp_insert.events FORMAT JSONEachRow', values: Readable.from([body]) });
      result.stream.destroy();
    }
    const seconds = (performance.now() - started) / 1000;
    rows.push([fmt(batchRows), fmt(total), fmt(total / seconds), ((bytes / seconds) / 1048576).toFixed(1), ((seconds * 1000) / bodies.length).toFixed(1)]);
    console.log(`insert batches of ${batchRows}: ${fmt(total / seconds)} rows/s`);
    await sql(server.url, 'TRUNCATE TABLE wisp_insert.events');
  }
  await client.close();
  return rows;
}

// CPU time (ms) of the clickhouse-server process started for this bench: what a stats call costs the
// server whatever else the shared machine runs at the same time.
function clickHouseCpuMs(server) {
  const flag = `--config-file=${join(server.dir, 'config.xml')}`;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(flag)) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime in 10 ms ticks
    } catch {
      // the process ended meanwhile
    }
  }
  return 0;
}

const processCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function statsCases(server) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wisp-chbench-stats-'));
  // Compaction runs when the bench says so (below), not on the store's 10-minute timer.
  const clickhouse = await ClickHouseStore.open({ dataDir, url: `${server.url}/wisp_stats`, compactIntervalMs: 24 * 3_600_000 });
  const duck = await DuckDBStore.open(dataDir);
  const client = createClient({ url: server.url, log: { level: ClickHouseLogLevel.OFF }, request_timeout: 600_000 });
  const now = Date.now();
  const chunk = 100_000;
  const loadStarted = performance.now();
  let chSeconds = 0;
  let duckSeconds = 0;
  for (let start = 0; start < STATS_EVENTS; start += chunk) {
    const events = [];
    for (let n = start; n < Math.min(STATS_EVENTS, start + chunk); n++) events.push(storedEvent(n, now));
    let t = performance.now();
    const result = await client.exec({ query: 'INSERT INTO wisp_stats.events FORMAT JSONEachRow', values: Readable.from([events.map(eventRowLine).join('')]) });
    result.stream.destroy();
    chSeconds += (performance.now() - t) / 1000;
    t = performance.now();
    await duck.append(events);
    await duck.eventsInRange('none', 0, 1); // reads wait until the journal is loaded into DuckDB
    duckSeconds += (performance.now() - t) / 1000;
  }
  console.log(`loaded ${fmt(STATS_EVENTS)} events in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
  // What the store does every 10 minutes: merge each closed day into one part (read without FINAL) and
  // fill the rollups of the merged closed days (hourly summaries, session summaries per day).
  let t = performance.now();
  const compacted = await clickhouse.compact();
  const compactSeconds = (performance.now() - t) / 1000;
  const [hourDays, sessionDays, rollupRows] = (await sql(server.url, 'SELECT countIf(kind = 0), countIf(kind = 9), count() FROM wisp_stats.rollups'))
    .split('\t').map(Number);
  console.log(`compacted ${compacted} closed days and filled rollups in ${compactSeconds.toFixed(1)} s`);
  const statsLoad = loadavg()[0].toFixed(1);
  const rows = [];
  const ranges = [['last 24 h', 86_400_000, 3_600_000], ['last 7 days', 7 * 86_400_000, 86_400_000]];
  for (const [label, span, bucketMs] of ranges) {
    const query = { site: 'bench.test', from: now - span, to: now + 1, bucketMs };
    const answers = [];
    for (const [name, store] of [['ClickHouse', clickhouse], ['embedded DuckDB', duck]]) {
      const times = [];
      const cpu = [];
      let answer;
      for (let i = 0; i < 7; i++) {
        const t = performance.now();
        const cpu0 = processCpuMs() + (store === clickhouse ? clickHouseCpuMs(server) : 0);
        answer = await store.stats(query);
        times.push(performance.now() - t);
        cpu.push(processCpuMs() + (store === clickhouse ? clickHouseCpuMs(server) : 0) - cpu0);
      }
      answers.push(answer);
      rows.push([label, name, fmt(answer.totals.pageviews), fmt(answer.totals.sessions), median(times).toFixed(0), p95(times).toFixed(0), median(cpu).toFixed(0)]);
      console.log(`stats ${label} ${name}: p50 ${median(times).toFixed(0)} ms, p95 ${p95(times).toFixed(0)} ms, CPU ${median(cpu).toFixed(0)} ms`);
    }
    // The same body from both stores (avgSessionSeconds to 6 decimals: float sums in another order).
    const comparable = (answer) => JSON.stringify({ ...answer, totals: { ...answer.totals, avgSessionSeconds: answer.totals.avgSessionSeconds.toFixed(6) } });
    const same = comparable(answers[0]) === comparable(answers[1]);
    for (const row of rows.slice(-2)) row.push(same ? 'yes' : 'NO');
  }
  await client.close();
  await clickhouse.close();
  await duck.close();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    rows, loadRowsPerS: { clickhouse: STATS_EVENTS / chSeconds, duck: STATS_EVENTS / duckSeconds }, compacted, compactSeconds, statsLoad,
    hourDays, sessionDays, rollupRows,
  };
}

if (!clickHouseInstalled()) {
  console.log('clickhouse-server not installed (apt-get install clickhouse-server): ClickHouse bench skipped');
} else {
  const started = new Date().toISOString().slice(0, 16);
  const load1 = loadavg()[0].toFixed(1);
  const server = await startClickHouse();
  try {
    const ingest = await ingestCases(server);
    const inserts = await insertCases(server);
    const stats = await statsCases(server);
    writeResultsSection('clickhouse', `## ClickHouse

Machine: ${machineDescription()}. Run: ${started}Z, \`npm run bench\` (bench/clickhouse.bench.mjs). ClickHouse ${server.version}
(Debian package) on loopback, started by the bench from a temp-dir config (max_threads 2); everything shares the 2 cores
with the other work on the machine (1-minute load average ${load1} at the start: figures are deflated accordingly).

**Ingest, one collector on the ClickHouse store.** autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per case, unique ~240-byte
pageviews from 50,000 client IPs. 202 = the events are fsynced in the collector's local journal; a shipper inserts the
journal into ClickHouse at most once per second (the insert columns are what that produced during the case).

${markdownTable(['case', 'requests/s', 'events/s', 'p50 ms', 'p99 ms', 'errors', 'inserts', 'rows/insert (median)', 'rows/insert (max)', 'ms/insert (median)'], ingest.rows)}

Acknowledged (2xx counted by autocannon) ${fmt(ingest.acknowledged)} events, plus at most ${fmt(ingest.inFlight)} in requests still in flight
when each case's time ran out (answered after autocannon stopped counting); distinct events in ClickHouse after the run:
${fmt(ingest.stored)}, duplicate rows: ${fmt(ingest.duplicates)}; /api/stats pageviews: ${fmt(ingest.pageviews ?? 0)}
-> **${ingest.stored >= ingest.acknowledged && ingest.stored <= ingest.acknowledged + ingest.inFlight && ingest.pageviews === ingest.stored
  ? 'no loss (everything acknowledged is there), each event counted once' : 'MISMATCH'}**.

**Raw inserts per ClickHouse insert thread** (one client, sequential INSERT ... FORMAT JSONEachRow of ~400-byte event rows):

${markdownTable(['rows per insert', 'rows', 'rows/s', 'MB/s', 'ms per insert'], inserts)}

**/api/stats latency over ${fmt(STATS_EVENTS)} events** (${fmt(VISITORS)} visitors, 5 visits of 10 events each, 7 days up to now; the whole
stats body: totals, sessions, breakdowns, vitals, series; 7 runs each, in-process store call; 1-minute load average ${stats.statsLoad}
when the stats runs began). Bulk load: ClickHouse ${fmt(stats.loadRowsPerS.clickhouse)} rows/s (100,000-row inserts), embedded store
${fmt(stats.loadRowsPerS.duck)} rows/s (append + load into DuckDB). Then the ClickHouse store's compaction step (every 10 minutes) merged
the ${stats.compacted} closed days into one part each and filled their rollups (${stats.hourDays} days of hourly counts, ${stats.sessionDays} days of session
summaries, ${fmt(stats.rollupRows)} rows; ${stats.compactSeconds.toFixed(0)} s in all): unfiltered stats read the breakdown, event and vital counts
of the whole hours of closed days from the rollups, the sessions starting on closed days whose neighbours are closed too from
the session summaries, and the rest raw (totals, series and pages always: their distinct visitors come from the raw rows;
today with FINAL).
CPU = median CPU time per call: the bench process, plus the clickhouse-server process for ClickHouse. "same" = the ClickHouse
answer equals the embedded store's, field for field.

${markdownTable(['range', 'store', 'pageviews', 'sessions', 'p50 ms', 'p95 ms', 'CPU ms', 'same'], stats.rows)}

Before the rollups (2026-11-26T00:54Z run over the same 10,000,000 events, load average 10.7): ClickHouse last 24 h p50 1712 / p95 2338 ms, CPU 1521 ms;
last 7 days p50 7239 / p95 10386 ms, CPU 9879 ms (every closed day read raw without FINAL, sessions from every event of the range).
`);
  } finally {
    await server.dispose();
  }
}
