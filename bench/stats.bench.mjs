// GET /api/stats speed on the embedded store at 1M and 10M events (issue #5 targets: 30 days over
// 10M events p95 <= 100 ms, today p95 <= 20 ms), against the real collector (child process).
// Events are generated inside DuckDB (INSERT ... SELECT FROM range(N): ingest refuses events older
// than 7 days) over the 30 days before now, plus N/2 over the 30 days before (the dashboard's
// previous period of "30 days"): 400,000 visitors, 200 pages, 70% pageviews, custom
// events, vitals, errors. Then: first start (no snapshot: rollups rebuilt from the store a day at a
// time), queries, SIGTERM (snapshot written), second start (snapshot + replay), queries again.
// Each query asks for a range ending at its own `now`, so its raw edges move like a dashboard's.
// The first start also writes a periodic snapshot (WISP_SNAPSHOT_INTERVAL_MS 3 s) while "today"
// queries run, before the timed queries: its encode is sliced, and the collector logs the longest slice and the event-loop delay
// (perf_hooks monitorEventLoopDelay) meanwhile. Memory: RSS, V8 heap used and external (typed arrays
// of the distinct sets) from /metrics after the queries.
// Needs `npm run build:collector`. BENCH_STATS_EVENTS="1000000,10000000" (comma list) sets the sizes.
// Writes the "stats" section of RESULTS.md (not with BENCH_DRY=1; BENCH_VERBOSE=1 prints every timing).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { machineDescription, markdownTable, writeResultsSection } from './run.mjs';
import { waitForListening } from './lib/wait-for-listening.mjs';

const SIZES = (process.env.BENCH_STATS_EVENTS ?? '1000000,10000000').split(',').map(Number);
const cli = fileURLToPath(new URL('../collector/bin/wisp-collector.js', import.meta.url));
const DAY = 86_400_000;
const SITE = 'stats.test';

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN;
}

function rssMb(pid) {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

/** N events over the 30 days before `now` and N/2 over the 30 days before those (the previous period), written by DuckDB itself. */
async function writeEvents(dataDir, n, now) {
  const { DuckDBStore, DUCKDB_FILE } = await import('../collector/dist/store/duckdb-store.js');
  await (await DuckDBStore.open(dataDir)).close(); // schema
  const instance = await DuckDBInstance.create(join(dataDir, DUCKDB_FILE));
  const connection = await instance.connect();
  for (const [offset, count, start] of [[0, n, now - 30 * DAY], [n, Math.floor(n / 2), now - 60 * DAY]]) {
    await connection.run(`
    INSERT INTO events
    SELECT '${SITE}', hash(i), CASE WHEN i % 20 < 14 THEN 'pageview' WHEN i % 20 < 17 THEN 'event' WHEN i % 20 < 19 THEN 'vital' ELSE 'error' END,
      ts, ts, (i * 2654435761) % 400000 + 1, '/p/' || (i % 200),
      CASE WHEN i % 20 < 14 THEN NULL WHEN i % 20 < 17 THEN 'signup' WHEN i % 20 < 19 THEN 'LCP' ELSE 'Boom' END,
      CASE WHEN i % 20 IN (17, 18) THEN (i % 4000)::DOUBLE END, '{}', CASE WHEN i % 3 = 0 THEN 'google.com' ELSE '' END, '', '', '',
      ['US', 'DE', 'FR', 'GB', 'IN', 'BR', ''][i % 7 + 1], 'Chrome', 'Windows', 'desktop'
    FROM (SELECT ${offset}::BIGINT + range AS i, ${start}::BIGINT + (range * ${30 * DAY}::BIGINT) // ${count}::BIGINT AS ts FROM range(${count}::BIGINT))`);
  }
  connection.closeSync();
  instance.closeSync();
}

/** The previous period of "30 days" answered by the store's SQL (the collector's path for it before the 62-day rollups): ms of 3 runs. */
async function previousBySql(dataDir, now) {
  const { DuckDBStore } = await import('../collector/dist/store/duckdb-store.js');
  const store = await DuckDBStore.open(dataDir);
  const times = [];
  try {
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await store.stats({ site: SITE, from: now - 60 * DAY, to: now - 30 * DAY, bucketMs: DAY, interval: 'day' });
      times.push(performance.now() - t);
    }
  } finally {
    await store.close();
  }
  return times;
}

async function start(dataDir, env = {}) {
  const t = performance.now();
  const child = spawn(process.execPath, [cli], {
    env: { ...process.env, WISP_DATA_DIR: dataDir, WISP_PORT: '0', WISP_TOKEN: 'bench', WISP_STREAM_LOG: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk) => (log += chunk));
  const { url } = await waitForListening(child);
  return {
    child, url, startupS: (performance.now() - t) / 1000,
    recovery: () => /stream recovered \(([^)]*)\)/.exec(log)?.[1] ?? '?',
    /** The periodic (sliced) snapshot's log line, once written. */
    periodic: () => {
      const m = /snapshot encoded \(([\d.]+) MB\) in (\d+) ms: (\d+) slices, longest ([\d.]+) ms, event loop delay max ([\d.]+) ms, (\d+) windows copied/.exec(log);
      return m && { mb: Number(m[1]), ms: Number(m[2]), slices: Number(m[3]), longestSliceMs: Number(m[4]), loopDelayMaxMs: Number(m[5]), copied: Number(m[6]) };
    },
  };
}

/** Resident set, V8 heap used and external memory (MB), from the collector's /metrics. */
async function memory(url) {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer bench' } })).text();
  const value = (name) => Number(new RegExp(`^${name} ([\\d.e+]+)`, 'm').exec(text)?.[1]) / 1e6;
  return { rss: value('wisp_process_resident_memory_bytes'), heap: value('wisp_nodejs_heap_size_used_bytes'), external: value('wisp_nodejs_external_memory_bytes') };
}

async function stop(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Timed queries, each for a range ending at its own now: [first, p50, p95] in ms. */
async function timings(url, range, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const now = Date.now();
    const [from, to] = range === 'month' ? [now - 30 * DAY, now] : range === 'previous' ? [now - 60 * DAY, now - 30 * DAY] : [Math.floor(now / DAY) * DAY, now];
    const t = performance.now();
    const response = await fetch(`${url}/api/stats?site=${SITE}&from=${from}&to=${to}`, { headers: { authorization: 'Bearer bench' } });
    const body = await response.json();
    times.push(performance.now() - t);
    if (!body.totals) throw new Error(`bad stats answer: ${JSON.stringify(body).slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 25)); // a dashboard's pace, not a tight loop
  }
  if (process.env.BENCH_VERBOSE) console.log(range, times.map((t) => Math.round(t)).join(' '));
  return { first: times[0], p50: percentile(times, 0.5), p95: percentile(times, 0.95), max: Math.max(...times) };
}

async function measure(url, child) {
  const month = await timings(url, 'month', 40);
  const previous = await timings(url, 'previous', 20);
  const today = await timings(url, 'today', 60);
  return { month, previous, today, rss: rssMb(child.pid), memory: await memory(url) };
}

/**
 * "today" queries, one after another 25 ms apart, from the first start's listening line until its
 * periodic snapshot (3 s after start) is written (at most 5 min): what a dashboard sees meanwhile.
 */
async function untilPeriodicSnapshot(started) {
  const times = [];
  for (const t0 = performance.now(); !started.periodic(); ) {
    if (performance.now() - t0 > 300_000) throw new Error('no periodic snapshot within 5 min');
    const now = Date.now();
    const t = performance.now();
    await (await fetch(`${started.url}/api/stats?site=${SITE}&from=${Math.floor(now / DAY) * DAY}&to=${now}`, { headers: { authorization: 'Bearer bench' } })).json();
    times.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 25));
  }
  return { snapshot: started.periodic(), queries: times.length, p95: percentile(times, 0.95), max: Math.max(...times) };
}

async function run(n) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wisp-bench-stats-'));
  const now = Date.now();
  const t0 = performance.now();
  await writeEvents(dataDir, n, now);
  const writeS = (performance.now() - t0) / 1000;
  const sqlPreviousMs = await previousBySql(dataDir, now);
  const first = await start(dataDir, { WISP_SNAPSHOT_INTERVAL_MS: '3000' });
  const { snapshot, ...duringSnapshot } = await untilPeriodicSnapshot(first);
  const cold = await measure(first.url, first.child);
  const firstRecovery = first.recovery();
  const stopAt = performance.now();
  await stop(first.child);
  const stopS = (performance.now() - stopAt) / 1000;
  const snapshotMb = statSync(join(dataDir, 'rollups.snapshot')).size / 1e6;
  const second = await start(dataDir);
  const warm = await measure(second.url, second.child);
  const secondRecovery = second.recovery();
  await stop(second.child);
  rmSync(dataDir, { recursive: true, force: true });
  return { n, writeS, first: { startupS: first.startupS, recovery: firstRecovery, ...cold }, second: { startupS: second.startupS, recovery: secondRecovery, ...warm }, stopS, snapshot, duringSnapshot, snapshotMb, sqlPreviousMs };
}

const ms = (v) => (Number.isFinite(v) ? v.toFixed(1) : String(v));
const fmt = (v) => Math.round(v).toLocaleString('en-US');
const load = loadavg().map((v) => v.toFixed(2)).join(' ');
console.log(`load average at start: ${load}`);
const results = [];
for (const n of SIZES) {
  const r = await run(n);
  results.push(r);
  console.log(JSON.stringify(r));
}
const row = (n, label, s) => [fmt(n), label, s.startupS.toFixed(1), ms(s.month.first), ms(s.month.p50), ms(s.month.p95), ms(s.previous.p50), ms(s.previous.p95),
  ms(s.today.p50), ms(s.today.p95), fmt(s.rss), fmt(s.memory.heap), fmt(s.memory.external)];
const rows = results.flatMap((r) => [row(r.n, `first start (${r.first.recovery})`, r.first), row(r.n, `restart (${r.second.recovery})`, r.second)]);
const verdict = (r) => {
  const worst = (k) => Math.max(r.first[k].p95, r.second[k].p95);
  return `${fmt(r.n)} events: 30 days p95 ${ms(worst('month'))} ms (target <= 100: **${worst('month') <= 100 ? 'met' : 'not met'}**), today p95 ${ms(worst('today'))} ms (target <= 20: **${worst('today') <= 20 ? 'met' : 'not met'}**)`;
};
if (!process.env.BENCH_DRY) writeResultsSection('stats', `## Stats (embedded store)

\`node bench/stats.bench.mjs\` (${machineDescription()}; load average at start ${load}; the machine is shared, other engineers' tests ran meanwhile).

N events over the 30 days before now, plus N/2 over the 30 days before those (the previous period's traffic) (400,000 visitors, 200 pages; 70% pageviews, 15% custom events, 10% vitals, 5% errors), generated inside DuckDB, then the real collector (child process, defaults: rollups cover 62 days). Per start: 40 queries "last 30 days", 20 of its previous period (60 to 30 days ago, as the dashboard asks next to it), then 60 "today" (UTC midnight to now), one at a time 25 ms apart, each range ending at that query's now (unaligned edges, as the dashboard asks). "first query" = the first 30-day query after the start (the collector warms the 30- and 7-day merges and their previous periods for its busiest sites before listening, so it no longer builds them). Start = spawn to listening: recovery (first start: rollups rebuilt from the store 6 hours at a time; restart: snapshot + replay) and warm-up included. On the first start, "today" queries run from listening until a periodic snapshot (interval 3 s) is written, then the timed queries. Memory after the queries: RSS (/proc), V8 heap used and external (typed arrays: the large distinct sets) from /metrics.

${markdownTable(['events', 'start', 'start (s)', '30 d first query (ms)', '30 d p50 (ms)', '30 d p95 (ms)', 'previous 30 d p50 (ms)', 'previous 30 d p95 (ms)', 'today p50 (ms)', 'today p95 (ms)', 'RSS (MB)', 'heap (MB)', 'external (MB)'], rows)}

Before (the previous bench in the "Stream" section, 1M events, rollups rebuilt from every stored event at each start, edges read from DuckDB per request): start 24.6 s; 30 days p50 246 ms, p95 1,439 ms; today p50 82 ms, p95 279 ms.
Before the sliced snapshot, the shorter minute-window retention and the 62-day coverage (same bench, 2026-11-26 early): snapshot encoded in one piece, the event loop held 398 ms at 1M and 1,941 ms at 10M events; the previous period of "30 days" went to SQL; RSS 472 / 308 MB (1M, first start / restart) and 1,300 / 761 MB (10M), with N events in 30 days only (no previous-period traffic: the rollups now hold 1.5 N events over 60 days).

${results.map((r) => `- ${verdict(r)}. Periodic snapshot ${r.snapshot.mb.toFixed(1)} MB, encoded while serving in ${fmt(r.snapshot.ms)} ms as ${fmt(r.snapshot.slices)} slices: **longest slice ${ms(r.snapshot.longestSliceMs)} ms, event-loop delay max ${ms(r.snapshot.loopDelayMaxMs)} ms** during it; ${fmt(r.snapshot.copied)} windows copied on write; stop ${r.stopS.toFixed(1)} s; events generated in ${r.writeS.toFixed(1)} s. "today" queries from the start until it was written (${r.duringSnapshot.queries}): p95 ${ms(r.duringSnapshot.p95)} ms, max ${ms(r.duringSnapshot.max)} ms. The previous period by the store's SQL (its path before): ${r.sqlPreviousMs.map((t) => fmt(t)).join(', ')} ms.`).join('\n')}
- Memory is over the collector's 400 MB budget at 10M events: external = the packed distinct sets of the hour and day windows (4 bytes a member) plus the cached merges of the warmed ranges (hash tables, at most ~32M members); heap = breakdown maps, merges' maps, recent events. After a first start the rebuild's peak stays in RSS (V8 and malloc keep the pages).
`);
