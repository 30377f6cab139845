// SDK: script sizes against the budgets (and Plausible's npm tracker), bytes on the wire per event
// for 50 realistic pageviews (Wisp beacon vs one JSON beacon per event), and the main-thread cost of
// `track()` in Chromium over 10,000 calls, side by side with @plausible-analytics/tracker, both
// against a local sink. Needs `npm run build:sdk` and /usr/bin/chromium (or CHROMIUM_PATH).
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { realisticPageviews } from '../test/unit/sdk/fixtures/realistic-pageviews.mjs';
import { machineDescription, markdownTable, writeResultsSection } from './run.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}sdk/dist/`;
const plausiblePath = `${root}node_modules/@plausible-analytics/tracker/plausible.js`;
const FIRST_SCRIPT_BUDGET = 2.5 * 1024;
const TOTAL_BUDGET = 16_000; // "16 KB", the stricter reading
const BYTES_PER_EVENT_BUDGET = 30;
const TRACK_US_BUDGET = 5;
const CALLS = 10_000;
const BLOCK = 100;

if (!existsSync(`${dist}wisp.min.js`)) throw new Error('run `npm run build:sdk` first');
const loadAtStart = loadavg()[0].toFixed(1);
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const fileGz = (path) => gz(readFileSync(path));
const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;
const verdict = (ok) => (ok ? 'within' : '**over**');

// 1. Sizes.
const defaultPath = ['wisp.min.js', 'wisp-bridge.js', 'wisp-worker.js', 'wisp-hash-core-wasm.js', 'wisp-vitals.js'];
const paths = {
  'first script `wisp.min.js`': { files: ['wisp.min.js'], budget: FIRST_SCRIPT_BUDGET },
  'npm entry `wisp.js`': { files: ['wisp.js'], budget: FIRST_SCRIPT_BUDGET },
  'everything loaded, default (worker, IndexedDB, wasm, vitals)': { files: defaultPath, budget: TOTAL_BUDGET },
  'everything loaded, CSP without wasm (JS core)': { files: [...defaultPath.slice(0, 3), 'wisp-hash-core-js.js', 'wisp-vitals.js'], budget: TOTAL_BUDGET },
  'everything loaded, no IndexedDB (memory queue)': { files: [...defaultPath, 'wisp-memory-queue.js'], budget: TOTAL_BUDGET },
  'everything loaded, opt-in click tracking': { files: [...defaultPath, 'wisp-clicks.js'], budget: TOTAL_BUDGET },
};
const sizeRows = Object.entries(paths).map(([name, { files, budget }]) => {
  const bytes = files.reduce((total, file) => total + fileGz(`${dist}${file}`), 0);
  return [name, `${bytes} B (${kib(bytes)})`, `${budget} B`, verdict(bytes <= budget)];
});
sizeRows.push(['@plausible-analytics/tracker 0.4.6 `plausible.js` (npm, for reference)', `${fileGz(plausiblePath)} B (${kib(fileGz(plausiblePath))})`, '', '']);

// 2. Bytes on the wire for 50 pageviews.
const { encodeBeacon } = await import(`${dist}beacon.js`);
const batch = realisticPageviews(50);
const beaconGz = gz(encodeBeacon(batch));
const perEventJson = batch.events.map((event) => gz(Buffer.from(JSON.stringify({ site: batch.site, sentAt: batch.sentAt, events: [event] }))));
const plausibleJson = batch.events.map((event) => gz(Buffer.from(JSON.stringify({ n: 'pageview', v: 36, u: event.url, d: batch.site, r: event.referrer || null }))));
const sum = (values) => values.reduce((a, b) => a + b, 0);
const wireRows = [
  ['Wisp: one binary beacon, gzip', `${beaconGz} B`, (beaconGz / 50).toFixed(1), verdict(beaconGz / 50 <= BYTES_PER_EVENT_BUDGET)],
  ['Wisp: one binary beacon, uncompressed', `${encodeBeacon(batch).length} B`, (encodeBeacon(batch).length / 50).toFixed(1), ''],
  ['one JSON beacon per event (Wisp `/api/events` shape), gzip each', `${sum(perEventJson)} B`, (sum(perEventJson) / 50).toFixed(1), ''],
  ['one JSON beacon per event (Plausible payload shape), gzip each', `${sum(plausibleJson)} B`, (sum(plausibleJson) / 50).toFixed(1), ''],
];

// 3. track() main-thread cost in Chromium.
const MIME = { '.js': 'text/javascript', '.html': 'text/html' };
let sinkRequests = 0;
const page = `<!doctype html><meta charset="utf-8"><title>bench</title>
<script defer src="/sdk/wisp.min.js" data-site="bench.example" data-endpoint="/api/e"></script>
<script type="module">import * as plausible from '/plausible.js'; plausible.init({ domain: 'bench.example', endpoint: '/api/event', autoCapturePageviews: false, captureOnLocalhost: true, logging: false }); window.plausible = plausible;</script>`;
const server = createServer((req, res) => {
  const headers = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
  if (req.method === 'POST') {
    sinkRequests++;
    req.resume();
    return void req.on('end', () => res.writeHead(202, { ...headers, 'content-type': 'application/json' }).end('{"accepted":1}'));
  }
  const path = req.url === '/plausible.js' ? plausiblePath : req.url.startsWith('/sdk/') ? dist + req.url.slice(5) : null;
  if (req.url === '/') return void res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(page);
  if (!path || !existsSync(path)) return void res.writeHead(404, headers).end();
  res.writeHead(200, { ...headers, 'content-type': MIME[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
let trackRows;
try {
  const context = await browser.newContext({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' });
  const tab = await context.newPage();
  await tab.goto(`${origin}/`);
  await tab.waitForFunction(() => window.wisp && window.plausible);
  await tab.evaluate(() => window.wisp.flush());
  // Blocks of 100 calls, each ending with a microtask checkpoint so Wisp's once-per-task
  // postMessage to the worker is inside the timing. Wisp's 10,000 calls first, then Plausible's, in
  // the same page (interleaving them lets Plausible's 10,000 in-flight fetches slow both down).
  const result = await tab.evaluate(
    async ({ calls, block }) => {
      const trackers = {
        wisp: (i) => window.wisp.track('click', { i, plan: 'pro' }),
        plausible: (i) => window.plausible.track('click', { props: { i: String(i), plan: 'pro' } }),
      };
      const samples = { wisp: [], plausible: [] };
      for (const [name, track] of Object.entries(trackers)) {
        for (let b = 0; b < calls / block; b++) {
          const start = performance.now();
          for (let i = 0; i < block; i++) track(b * block + i);
          await null;
          samples[name].push(((performance.now() - start) * 1000) / block);
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }
      const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
      return { wisp: median(samples.wisp), plausible: median(samples.plausible), isolated: crossOriginIsolated };
    },
    { calls: CALLS, block: BLOCK },
  );
  trackRows = [
    ['Wisp `track()` (wisp.min.js, worker pipeline)', result.wisp.toFixed(2), verdict(result.wisp <= TRACK_US_BUDGET)],
    ['@plausible-analytics/tracker `track()` (one fetch per event)', result.plausible.toFixed(2), ''],
  ];
  console.log(`crossOriginIsolated: ${result.isolated}; sink received ${sinkRequests} requests`);
} finally {
  await browser.close();
  server.close();
}

const markdown = `## SDK (bench/sdk.bench.mjs)

${machineDescription()}, Chromium ${browser.version?.() ?? ''}. 1-minute load average ${loadAtStart} at the start (shared machine: timings vary). Sizes are gzip level 9 of the built files in sdk/dist.

### Script sizes
${markdownTable(['what', 'gzip', 'budget', ''], sizeRows)}

### Bytes on the wire, 50 realistic pageviews (test/unit/sdk/fixtures/realistic-pageviews.mjs)
${markdownTable(['encoding', 'total', 'bytes/event', `budget ${BYTES_PER_EVENT_BUDGET} B/event`], wireRows)}

### \`track()\` main-thread cost, Chromium, ${CALLS.toLocaleString('en')} calls (median of ${CALLS / BLOCK} blocks of ${BLOCK}; Wisp's calls, then Plausible's, same page)
${markdownTable(['tracker', 'µs per call', `budget ${TRACK_US_BUDGET} µs`], trackRows)}
`;
console.log(markdown);
writeResultsSection('sdk', markdown);
