// Measures the event-loop stall of building an hour window's page visitor sets (docs/stream.md,
// "Hour and day windows borrow their page sets from their parts"): one hour holding PAIRS distinct
// (page, visitor) pairs, then the hour closes, a tick prunes, and the dashboard asks "today" at once;
// later the hour settles and is packed. Events keep arriving for the closed hour meanwhile (a batch
// of 20 every millisecond). Prints the longest time the event loop was held, the total, and the
// "today" latency. Not a vitest file: run against a compiled collector, under the bench lock:
//   npx tsc -p collector/tsconfig.json --outDir /tmp/wisp-stall/dist --declaration false
//   flock /tmp/wisp-bench.lock node --max-old-space-size=4096 test/unit/stream/page-build.measure.mjs /tmp/wisp-stall/dist [pairs] [pages]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const dir = pathToFileURL(resolve(process.argv[2] ?? 'collector/dist')).href;
const PAIRS = Number(process.argv[3] ?? 10_000_000);
const PAGES = Number(process.argv[4] ?? 1000);
const PER_VISITOR = 10;
const { Rollups } = await import(`${dir}/rollups/rollups.js`);
const { rangeStats } = await import(`${dir}/rollups/range-stats.js`);
const { DAY_MS, HOUR_MS, MINUTE_MS } = await import(`${dir}/rollups/window-sizes.js`);

const DAY0 = Date.UTC(2026, 10, 20);
const HOUR = DAY0 + 10 * HOUR_MS;
let now = HOUR + 5 * MINUTE_MS;
const jobs = [];
const rollups = new Rollups({ clock: () => now, coveredFrom: DAY0 - DAY_MS, onWindowJob: (report) => jobs.push(report) });
const sliced = typeof rollups.pagesReady === 'function';
const jobsDone = async () => {
  if (sliced) await rollups.jobsIdle();
  for (const { job, slices, longestSliceMs, busyMs, totalMs } of jobs.splice(0)) {
    console.log(`  background ${job.kind} of the ${job.size === HOUR_MS ? 'hour' : 'day'}: ${slices} slices, longest ${longestSliceMs.toFixed(1)} ms, ${busyMs.toFixed(0)} ms of work over ${totalMs.toFixed(0)} ms`);
  }
};

const hex = (v) => ((BigInt(v + 1) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn).toString(16).padStart(16, '0');
/** PER_VISITOR pageviews of visitor v on distinct pages, in one of the hour's first 5 minutes (as the collector bench's ~100 s load). */
function visitorEvents(v, ts) {
  const visitor = hex(v);
  const events = [];
  for (let k = 0; k < PER_VISITOR; k++) {
    events.push({ site: 's', visitor, id: `e${v}-${k}`, type: 'pageview', path: `/p${(v * 7 + k * 101) % PAGES}`, ts, name: null });
  }
  return events;
}

// One visitor in the hour before, so "today" covers two settled hours (their merge is cached per hour).
if (process.env.EARLIER_HOUR === '1') rollups.addEvents(visitorEvents(-2, HOUR - 30 * MINUTE_MS));
let t = performance.now();
const visitors = Math.ceil(PAIRS / PER_VISITOR);
for (let v = 0; v < visitors; v += 50) {
  const batch = [];
  for (let w = v; w < Math.min(visitors, v + 50); w++) batch.push(...visitorEvents(w, HOUR + (w % 5) * MINUTE_MS + (w % 60_000)));
  rollups.addEvents(batch);
}
console.log(`${sliced ? 'sliced' : 'one piece'}: loaded ${visitors * PER_VISITOR} pageviews (${visitors} visitors, ${PAGES} pages) into one hour in ${((performance.now() - t) / 1000).toFixed(1)} s`);

/** Longest gap between turns of the event loop while `run` goes on (a 1 ms timer), and events trickling into the closed hour. */
async function watched(label, run) {
  let last = performance.now();
  let longest = 0;
  let late = visitors;
  const timer = setInterval(() => {
    const at = performance.now();
    longest = Math.max(longest, at - last);
    last = at;
    const batch = [];
    for (let n = 0; n < 2; n++) batch.push(...visitorEvents(late++, HOUR + 59 * MINUTE_MS));
    rollups.addEvents(batch);
  }, 1);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  await nextTurn();
  last = performance.now();
  const started = performance.now();
  const result = await run();
  const ms = performance.now() - started;
  await nextTurn();
  longest = Math.max(longest, performance.now() - last);
  clearInterval(timer);
  delay.disable();
  console.log(`${label}: ${ms.toFixed(0)} ms; event loop held at most ${longest.toFixed(1)} ms (delay max ${(delay.max / 1e6).toFixed(1)} ms); ${late - visitors} visitors' events arrived meanwhile`);
  return result;
}

const pairs = (window) => [...window.pageVisitors.values()].reduce((n, set) => n + set.size, 0);
const hour = () => rollups.window('s', HOUR_MS, HOUR);
const noEdges = async () => ({ events: [], sessions: [] });

// The hour closes; the next tick prunes (sliced: starts its build in the background), and the
// dashboard asks "today" right then (one piece: builds the hour in that read).
now = HOUR + HOUR_MS + MINUTE_MS;
await watched('prune at close + first "today" (rangeStats, hour interval)', async () => {
  rollups.prune();
  return rangeStats(rollups, 's', DAY0, now, noEdges, { interval: 'hour' });
});
await jobsDone();
console.log(`  hour page sets: ${pairs(hour())} pairs`);
await watched('second "today"', () => rangeStats(rollups, 's', DAY0, now, noEdges, { interval: 'hour' }));

// The hour settles: the prune packs it.
now = HOUR + HOUR_MS + 16 * MINUTE_MS;
await watched('prune at settle (packs the hour)', async () => {
  rollups.prune();
  await jobsDone();
  return hour().visitors.isPacked;
}).then((packed) => console.log(`  hour packed: ${packed}`));
console.log(`  ${pairs(hour())} pairs; load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
