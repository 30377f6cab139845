// GET /api/stats speed on the embedded store at 1M and 10M events (issue #5 targets: 30 days over
// 10M events p95 <= 100 ms, today p95 <= 20 ms), against the real collector (child process).
// Events are generated inside DuckDB (INSERT ... SELECT FROM range(N): ingest refuses events older
// than 7 days) over the 30 days before now: 400,000 visitors, 200 pages, 70% pageviews, custom
// events, vitals, errors. Then: first start (no snapshot: rollups rebuilt from the store a day at a
// time), queries, SIGTERM (snapshot written), second start (snapshot + replay), queries again.
// Each query asks for a range ending at its own `now`, so its raw edges move like a dashboard's.
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

/** N events over the 30 days before `now`, written by DuckDB itself. */
async function writeEvents(dataDir, n, now) {
  const { DuckDBStore, DUCKDB_FILE } = await import('../collector/dist/store/duckdb-store.js');
  await (await DuckDBStore.open(dataDir)).close(); // schema
  const instance = await DuckDBInstance.create(join(dataDir, DUCKDB_FILE));
  const connection = await instance.connect();
  const start = now - 30 * DAY;
  await connection.run(`
    INSERT INTO events
    SELECT '${SITE}', hash(i), CASE WHEN i % 20 < 14 THEN 'pageview' WHEN i % 20 < 17 THEN 'event' WHEN i % 20 < 19 THEN 'vital' ELSE 'error' END,
      ts, ts, (i * 2654435761) % 400000 + 1, '/p/' || (i % 200),
      CASE WHEN i % 20 < 14 THEN NULL WHEN i % 20 < 17 THEN 'signup' WHEN i % 20 < 19 THEN 'LCP' ELSE 'Boom' END,
      CASE WHEN i % 20 IN (17, 18) THEN (i % 4000)::DOUBLE END, '{}', CASE WHEN i % 3 = 0 THEN 'google.com' ELSE '' END, '', '', '',
      ['US', 'DE', 'FR', 'GB', 'IN', 'BR', ''][i % 7 + 1], 'Chrome', 'Windows', 'desktop'
    FROM (SELECT range AS i, ${start}::BIGINT + (range * ${30 * DAY}::BIGINT) // ${n}::BIGINT AS ts FROM range(${n}::BIGINT))`);
  connection.closeSync();
  instance.closeSync();
}

async function start(dataDir) {
  const t = performance.now();
  const child = spawn(process.execPath, [cli], {
    env: { ...process.env, WISP_DATA_DIR: dataDir, WISP_PORT: '0', WISP_TOKEN: 'bench', WISP_STREAM_LOG: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk) => (log += chunk));
  const { url } = await waitForListening(child);
  return {
    child, url, startupS: (performance.now() - t) / 1000,
    recovery: () => /stream recovered \(([^)]*)\)/.exec(log)?.[1] ?? '?',
    encodeMs: () => Number(/snapshot encoded \([^)]*\) in (\d+) ms/.exec(log)?.[1]),
  };
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
    const from = range === 'month' ? now - 30 * DAY : Math.floor(now / DAY) * DAY;
    const t = performance.now();
    const response = await fetch(`${url}/api/stats?site=${SITE}&from=${from}&to=${now}`, { headers: { authorization: 'Bearer bench' } });
    const body = await response.json();
    times.push(performance.now() - t);
    if (!body.totals) throw new Error(`bad stats answer: ${JSON.stringify(body).slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 25)); // a dashboard's pace, not a tight loop
  }
  if (process.env.BENCH_VERBOSE) console.log(range, times.map((t) => Math.round(t)).join(' '));
  return { first: times[0], p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

async function measure(url, child) {
  const month = await timings(url, 'month', 40);
  const today = await timings(url, 'today', 60);
  return { month, today, rss: rssMb(child.pid) };
}

async function run(n) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wisp-bench-stats-'));
  const now = Date.now();
  const t0 = performance.now();
  await writeEvents(dataDir, n, now);
  const writeS = (performance.now() - t0) / 1000;
  const first = await start(dataDir);
  const cold = await measure(first.url, first.child);
  const firstRecovery = first.recovery();
  const stopAt = performance.now();
  await stop(first.child);
  const stopS = (performance.now() - stopAt) / 1000;
  const encodeMs = first.encodeMs();
  const snapshotMb = statSync(join(dataDir, 'rollups.snapshot')).size / 1e6;
  const second = await start(dataDir);
  const warm = await measure(second.url, second.child);
  const secondRecovery = second.recovery();
  await stop(second.child);
  rmSync(dataDir, { recursive: true, force: true });
  return { n, writeS, first: { startupS: first.startupS, recovery: firstRecovery, ...cold }, second: { startupS: second.startupS, recovery: secondRecovery, ...warm }, stopS, encodeMs, snapshotMb };
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
const rows = results.flatMap((r) => [
  [fmt(r.n), `first start (${r.first.recovery})`, r.first.startupS.toFixed(1), ms(r.first.month.first), ms(r.first.month.p50), ms(r.first.month.p95), ms(r.first.today.p50), ms(r.first.today.p95), fmt(r.first.rss)],
  [fmt(r.n), `restart (${r.second.recovery})`, r.second.startupS.toFixed(1), ms(r.second.month.first), ms(r.second.month.p50), ms(r.second.month.p95), ms(r.second.today.p50), ms(r.second.today.p95), fmt(r.second.rss)],
]);
const verdict = (r) => {
  const worst = (k) => Math.max(r.first[k].p95, r.second[k].p95);
  return `${fmt(r.n)} events: 30 days p95 ${ms(worst('month'))} ms (target <= 100: **${worst('month') <= 100 ? 'met' : 'not met'}**), today p95 ${ms(worst('today'))} ms (target <= 20: **${worst('today') <= 20 ? 'met' : 'not met'}**)`;
};
if (!process.env.BENCH_DRY) writeResultsSection('stats', `## Stats (embedded store)

\`node bench/stats.bench.mjs\` (${machineDescription()}; load average at start ${load}; the machine is shared, other engineers' tests ran meanwhile).

N events over the 30 days before now (400,000 visitors, 200 pages; 70% pageviews, 15% custom events, 10% vitals, 5% errors), generated inside DuckDB, then the real collector (child process, defaults: rollups cover 31 days). Per start: 40 queries "last 30 days" then 60 "today" (UTC midnight to now), one at a time 25 ms apart, each range ending at that query's now (unaligned edges, as the dashboard asks). "first query" = the first 30-day query after the start (the collector warms the 30- and 7-day merges of its busiest sites before listening, so it no longer builds them). Start = spawn to listening: recovery (first start: rollups rebuilt from the store a day at a time; restart: snapshot + replay) and warm-up included. RSS after the queries.

${markdownTable(['events', 'start', 'start (s)', '30 d first query (ms)', '30 d p50 (ms)', '30 d p95 (ms)', 'today p50 (ms)', 'today p95 (ms)', 'RSS (MB)'], rows)}

Before (the previous bench in the "Stream" section, 1M events, rollups rebuilt from every stored event at each start, edges read from DuckDB per request): start 24.6 s; 30 days p50 246 ms, p95 1,439 ms; today p50 82 ms, p95 279 ms.

${results.map((r) => `- ${verdict(r)}. Snapshot ${r.snapshotMb.toFixed(1)} MB, encoded in ${fmt(r.encodeMs)} ms (the event loop waits meanwhile); stop incl. writing it ${r.stopS.toFixed(1)} s; events generated in ${r.writeS.toFixed(1)} s.`).join('\n')}
- RSS is not a stats target, but the collector's 400 MB budget is exceeded at 10M events: the rollups' distinct sets (visitors and visitors per page, per minute/hour/day window) and the cached merges; after a first start the rebuild's garbage also stays in RSS. Shorter hour-window retention is the knob.
`);
