// Collector ingest throughput: autocannon on loopback against the real collector (child process,
// embedded DuckDB, durability on: every 202 waits for an fsynced group commit) and, in the same run,
// against a bare node:http "ceiling" server that only parses the same JSON and answers 204.
// Needs `npm run build` (collector/dist, sdk/dist). Writes the "Collector ingest" section of RESULTS.md.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadCore } from 'wisp/core';
import { machineDescription, markdownTable, measure, writeResultsSection } from './run.mjs';
import { memoryParts, procStatusMb } from './lib/memory-parts.mjs';
import { waitForListening } from './lib/wait-for-listening.mjs';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
// The memory case (10M events from 1M visitors by default) takes minutes, so it runs only when asked:
// `BENCH_RSS_EVENTS=10000000 npm run bench -- collector` (BENCH_RSS_VISITORS for the visitor count).
const RSS_EVENTS = Number(process.env.BENCH_RSS_EVENTS ?? 0);
const RSS_VISITORS = Number(process.env.BENCH_RSS_VISITORS ?? 1_000_000);
// One visitor per request (site|IP|UA), so reaching every visitor needs at least as many requests.
/** Seconds the memory case watches the idle collector after the load. */
const IDLE_S = 180;
const RSS_BATCH = Math.max(1, Math.min(50, Math.floor(RSS_EVENTS / RSS_VISITORS) || 1));
const CONNECTIONS = 32;
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const cli = fileURLToPath(new URL('../collector/bin/wisp-collector.js', import.meta.url));

const CEILING = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    try { JSON.parse(Buffer.concat(chunks).toString('utf8')); res.writeHead(204); }
    catch { res.writeHead(400); }
    res.end();
  });
});
server.keepAliveTimeout = 65000;
server.listen(0, '127.0.0.1', () => console.log('ceiling listening on http://127.0.0.1:' + server.address().port));
`;

/** Starts a child process and resolves with the URL from its "listening on" line. */
function startChild(args, env) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return waitForListening(child);
}

// ~240-byte pageviews with ids unique across the whole run (the collector stores every event), on a
// site of 1,000 distinct pages (real traffic repeats pages; the collector caches scrubbed paths).
let sequence = 0;
function batchBody(size) {
  const now = Date.now();
  const events = [];
  for (let i = 0; i < size; i++) {
    const n = sequence++;
    events.push(
      `{"id":"bench-${process.pid}-${n}","type":"pageview","url":"https://bench.test/products/category-${n % 10}/item-${(n * 7919) % 1000}?color=blue&size=m","referrer":"https://www.google.com/search","ts":${now},"name":null,"props":{"plan":"pro"}}`,
    );
  }
  return `{"site":"bench.test","sentAt":${now},"events":[${events.join(',')}]}`;
}

function load(url, eventsPerRequest, { visitors = 50_000, requests } = {}) {
  let ip = 0;
  return autocannon({
    url: `${url}/api/events`,
    connections: CONNECTIONS,
    ...(requests ? { amount: requests } : { duration: DURATION_S }),
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          ip = (ip + 1) % visitors; // distinct visitors (X-Forwarded-For, WISP_TRUST_PROXY=1)
          request.headers = {
            'content-type': 'application/json',
            'user-agent': UA,
            'x-forwarded-for': `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`,
          };
          request.body = batchBody(eventsPerRequest);
          return request;
        },
      },
    ],
  });
}

function summarize(result, eventsPerRequest) {
  const seconds = result.duration;
  const ok = result['2xx'];
  return {
    reqPerS: ok / seconds,
    eventsPerS: (ok * eventsPerRequest) / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: ok,
    sent: result.requests.sent,
  };
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function throughputCases() {
  const dataDir = mkdtempSync(join(tmpdir(), 'wisp-bench-'));
  const ceiling = await startChild(['-e', CEILING], {});
  const collector = await startChild([cli], {
    WISP_PORT: '0',
    WISP_DATA_DIR: dataDir,
    WISP_TOKEN: 'bench',
    WISP_RATE_LIMIT: '0',
    WISP_TRUST_PROXY: '1',
  });
  const rows = [];
  const cpuRows = [];
  const verdicts = [];
  let acknowledged = 0;
  let sent = 0;
  try {
    for (const [label, size] of [['batches of 50 events', 50], ['1 event per request', 1]]) {
      const ceilingMeter = cpuMeter(ceiling.child.pid, collector.child.pid);
      const base = summarize(await load(ceiling.url, size), size);
      const [ceilingCpu] = ceilingMeter.stop();
      const collectorMeter = cpuMeter(ceiling.child.pid, collector.child.pid);
      const wisp = summarize(await load(collector.url, size), size);
      const [, collectorCpu, mainThreadCpu] = collectorMeter.stop();
      const perEvent = (seconds, events) => (Number.isFinite(seconds) ? ((seconds * 1e6) / events).toFixed(1) : 'n/a');
      acknowledged += wisp.requests * size;
      sent += wisp.sent * size;
      const ratio = size === 1 ? wisp.reqPerS / base.reqPerS : wisp.eventsPerS / base.eventsPerS;
      rows.push([label, 'node:http ceiling (parse + 204)', fmt(base.reqPerS), fmt(base.eventsPerS), base.p50, base.p99, base.errors, '']);
      rows.push([label, 'wisp collector (durable 202)', fmt(wisp.reqPerS), fmt(wisp.eventsPerS), wisp.p50, wisp.p99, wisp.errors, `${(ratio * 100).toFixed(0)}%`]);
      cpuRows.push([
        label, perEvent(ceilingCpu, base.sent * size), perEvent(collectorCpu, wisp.sent * size), perEvent(mainThreadCpu, wisp.sent * size),
        fmt(wisp.sent * size / collectorCpu),
      ]);
      console.log(`${label}: ceiling ${fmt(base.eventsPerS)} events/s, collector ${fmt(wisp.eventsPerS)} events/s (${(ratio * 100).toFixed(0)}%), p99 ${wisp.p99} ms, errors ${wisp.errors}`);
      if (size === 50) {
        verdicts.push(`- Batches of 50: ${(ratio * 100).toFixed(0)}% of the ceiling's events/s (target >= 50%) -> **${ratio >= 0.5 ? 'met' : 'not met'}**; p99 ${wisp.p99} ms (target <= 50 ms) -> **${wisp.p99 <= 50 ? 'met' : 'not met'}**; errors ${wisp.errors}`);
      } else {
        verdicts.push(`- One event per request: ${(ratio * 100).toFixed(0)}% of the ceiling's requests/s (reported, no target)`);
      }
    }
    // Every acknowledged event is in the store, and nothing twice: requests still in flight when a
    // case ends may be stored without being counted as acknowledged, so stored is between the two.
    const stats = await (await fetch(`${collector.url}/api/stats?site=bench.test&from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`, {
      headers: { authorization: 'Bearer bench' },
    })).json();
    const stored = stats.totals.pageviews;
    const consistent = stored >= acknowledged && stored <= sent;
    verdicts.push(`- Stored pageviews after the run: ${fmt(stored)}; acknowledged ${fmt(acknowledged)}, sent ${fmt(sent)} -> **${consistent ? 'none lost, none twice' : 'INCONSISTENT'}**`);
    const metrics = await (await fetch(`${collector.url}/metrics`)).text();
    const rss = Number(/^wisp_process_resident_memory_bytes (\S+)/m.exec(metrics)?.[1] ?? 0);
    verdicts.push(`- Collector RSS after the throughput cases (${fmt(stored)} events): ${(rss / 1048576).toFixed(0)} MB`);
  } finally {
    ceiling.child.kill('SIGKILL');
    collector.child.kill('SIGTERM');
    await new Promise((resolve) => collector.child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { rows, cpuRows, verdicts };
}

/**
 * CPU seconds of a process (all threads) or of one of its threads (`tid`; the main thread's is the
 * pid), from /proc (Linux; NaN elsewhere). Clock ticks of 10 ms: fine over a 5 s case.
 */
function cpuSeconds(pid, tid) {
  try {
    const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return Number.NaN;
  }
}

/** CPU of the ceiling, the collector and the collector's main thread, from now until `stop()`. */
function cpuMeter(ceilingPid, collectorPid) {
  const read = () => [cpuSeconds(ceilingPid), cpuSeconds(collectorPid), cpuSeconds(collectorPid, collectorPid)];
  const before = read();
  return { stop: () => read().map((value, i) => value - before[i]) };
}


/** Collector memory after RSS_EVENTS unique events from RSS_VISITORS visitors, sent as fast as it takes them. */
async function memoryCase() {
  const dataDir = mkdtempSync(join(tmpdir(), 'wisp-bench-rss-'));
  const collector = await startChild([cli], {
    WISP_PORT: '0', WISP_DATA_DIR: dataDir, WISP_TOKEN: 'bench', WISP_RATE_LIMIT: '0', WISP_TRUST_PROXY: '1',
  });
  const pid = collector.child.pid;
  const samples = [];
  const started = Date.now();
  try {
    const sampler = setInterval(() => samples.push({ s: (Date.now() - started) / 1000, rss: procStatusMb(pid, 'VmRSS') }), 10_000);
    const result = await load(collector.url, RSS_BATCH, { visitors: RSS_VISITORS, requests: Math.ceil(RSS_EVENTS / RSS_BATCH) });
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;
    const rssAfter = procStatusMb(pid, 'VmRSS');
    await new Promise((resolve) => setTimeout(resolve, 10_000)); // background loads and GC settle
    const rssSettled = procStatusMb(pid, 'VmRSS');
    const peak = procStatusMb(pid, 'VmHWM');
    const parts = await memoryParts(collector.url, pid);
    // Then idle: V8 collects the load's garbage only once allocation slows (its memory reducer), and
    // minute windows are packed 2 min after they end.
    const idle = [];
    for (let s = 20; s <= IDLE_S; s += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      idle.push({ s, rss: procStatusMb(pid, 'VmRSS') });
    }
    const idleParts = await memoryParts(collector.url, pid);
    // Then the dashboard's "today" over all of it: the busy minutes' edges are over the per-request
    // bound (WISP_STATS_MAX_EDGE_EVENTS), so SQL answers; before that bound it grew the collector by GBs.
    const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const statsStarted = performance.now();
    const statsAnswer = await fetch(`${collector.url}/api/stats?site=bench.test&from=${dayStart}&to=${Date.now()}`, { headers: { authorization: 'Bearer bench' } });
    const today = await statsAnswer.json();
    const statsMs = performance.now() - statsStarted;
    const rssAfterStats = procStatusMb(pid, 'VmRSS');
    const sqlFallbacks = Number(/^wisp_stats_sql_fallbacks_total (\S+)/m.exec(await (await fetch(`${collector.url}/metrics`)).text())?.[1] ?? 0);
    return {
      statsStatus: statsAnswer.status, statsMs, statsPageviews: today.totals?.pageviews, statsVisitors: today.totals?.visitors, rssAfterStats, sqlFallbacks,
      events: result['2xx'] * RSS_BATCH, errors: result.errors + result.timeouts + result.non2xx, seconds, rssAfter, rssSettled, peak,
      parts, samples, idle, idleParts,
    };
  } finally {
    collector.child.kill('SIGTERM');
    await new Promise((resolve) => collector.child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function hashingCase() {
  const core = await loadCore();
  const salt = new Uint8Array(randomBytes(16));
  const inputs = Array.from({ length: 1024 }, (_, i) => `bench.test|10.0.${i >> 8}.${i & 255}|${UA}`);
  const wasm = measure((i) => core.siphash24(salt, inputs[i & 1023]));
  const hmac = measure((i) => createHmac('sha256', salt).update(inputs[i & 1023]).digest().readBigUInt64LE(0));
  return { wasm, hmac };
}

const started = new Date().toISOString().slice(0, 16);
const loadAtStart = loadavg()[0].toFixed(1);
const { rows, cpuRows, verdicts } = await throughputCases();
const hashing = await hashingCase();
let memorySection = `Memory target (RSS after 10M events from 1M visitors <= 400 MB): not run this time (\`BENCH_RSS_EVENTS=10000000 npm run bench -- collector\`).`;
if (RSS_EVENTS > 0) {
  const m = await memoryCase();
  console.log(`memory: ${fmt(m.events)} events in ${m.seconds.toFixed(0)} s, RSS ${m.rssAfter.toFixed(0)} MB (settled ${m.rssSettled.toFixed(0)}, peak ${m.peak.toFixed(0)})`);
  const met = Math.max(m.rssSettled, m.rssAfter) <= 400;
  memorySection = `### Memory: ${fmt(RSS_EVENTS)} events from ${fmt(RSS_VISITORS)} visitors

A fresh collector, ${CONNECTIONS} connections sending batches of ${RSS_BATCH} unique pageviews as fast as it answers (X-Forwarded-For cycling
over ${fmt(RSS_VISITORS)} addresses, so ${fmt(RSS_VISITORS)} visitor hashes), all on one UTC day (the dedupe index holds every key).
Acknowledged ${fmt(m.events)} events in ${m.seconds.toFixed(0)} s (${fmt(m.events / m.seconds)} events/s), errors ${m.errors}.

${markdownTable(['after (s)', ...m.samples.filter((_, i) => i % 3 === 2).map((x) => x.s.toFixed(0))], [['RSS MB', ...m.samples.filter((_, i) => i % 3 === 2).map((x) => x.rss.toFixed(0))]])}

- RSS right after the last answer ${m.rssAfter.toFixed(0)} MB, 10 s later ${m.rssSettled.toFixed(0)} MB, peak (VmHWM) ${m.peak.toFixed(0)} MB. By part, 10 s after the load (\`wisp_memory_bytes{part}\`: typed arrays exact, maps estimated; DuckDB's own figure): ${Object.entries(m.parts).map(([part, mb]) => `${part} ${mb.toFixed(1)}`).join(', ')} (MB)
- RSS after ${fmt(m.events)} events and ${fmt(RSS_VISITORS)} visitors (target <= 400 MB), right after the load and 10 s later -> **${met ? 'met' : 'not met'}**
- Idle after the load (nothing sent; V8 collects the load's garbage once allocation slows, minute windows are packed 2 min after they end):

${markdownTable(['after the load (s)', ...m.idle.filter((x) => x.s % 30 === 0).map((x) => String(x.s))], [['RSS MB', ...m.idle.filter((x) => x.s % 30 === 0).map((x) => x.rss.toFixed(0))]])}

- Idle RSS ${IDLE_S} s after the load ${m.idle.at(-1).rss.toFixed(0)} MB (target <= 400 MB) -> **${m.idle.at(-1).rss <= 400 ? 'met' : 'not met'}**. By part then: ${Object.entries(m.idleParts).map(([part, mb]) => `${part} ${mb.toFixed(1)}`).join(', ')} (MB)
- Then \`/api/stats\` for today (UTC midnight to now): ${m.statsStatus}, ${fmt(m.statsMs)} ms, ${fmt(m.statsPageviews)} pageviews, ${fmt(m.statsVisitors)} visitors (32-bit visitor fingerprints: docs/stream.md); RSS after it ${m.rssAfterStats.toFixed(0)} MB; answered by SQL because an edge was over the per-request bound: ${m.sqlFallbacks} time(s). (Before that bound, a run of this case saw one stats request grow the collector past 4.7 GB.)`;
}
console.log(`visitor hash: wasm SipHash-2-4 ${hashing.wasm.toFixed(0)} ns, HMAC-SHA256 ${hashing.hmac.toFixed(0)} ns`);

writeResultsSection(
  'collector',
  `## Collector ingest

Machine: ${machineDescription()}. Run: ${started}Z, \`npm run bench\` (bench/collector.bench.mjs).
autocannon (in the bench process) on loopback, ${CONNECTIONS} connections, keep-alive, ${DURATION_S} s per case, against two child
processes in the same run: a bare node:http server that parses the JSON and answers 204, and the collector
(\`collector/bin/wisp-collector.js\`, embedded DuckDB, WISP_RATE_LIMIT=0, WISP_TRUST_PROXY=1). Every request carries new
unique ~240-byte pageviews (1,000 distinct pages) from one of 50,000 client IPs; the collector answers 202 only once the group holding
its events is durable in the write journal (O_DSYNC write, docs/storage.md). Load generator, ceiling server and collector share the 2 cores, and the
machine is shared with other work (1-minute load average ${loadAtStart} at the start): runs vary a lot, the
CPU-per-event table below is the steadier figure.

${markdownTable(['case', 'server', 'requests/s', 'events/s', 'p50 ms', 'p99 ms', 'errors', 'vs ceiling'], rows)}

CPU per event (process CPU time from /proc over the events sent; robust to the machine's other load). The collector's
main thread (HTTP, decode, validate, anonymize, dedupe, journal lines, stream stages) is its bottleneck; DuckDB's
background loads and V8's GC helpers run on other threads:

${markdownTable(['case', 'ceiling CPU us per event', 'collector CPU us per event (all threads)', 'collector main thread us per event', 'collector events/s per fully used core'], cpuRows)}

| visitor hash per event (site\\|IP\\|UA, ~130 B) | ns |
| --- | --- |
| wasm SipHash-2-4 (wisp/core) | ${hashing.wasm.toFixed(0)} |
| node:crypto HMAC-SHA256 | ${hashing.hmac.toFixed(0)} (${(hashing.hmac / hashing.wasm).toFixed(1)}x slower) |

${verdicts.join('\n')}

${memorySection}
`,
);
