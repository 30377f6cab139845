import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { chromium, expect, test, type BrowserContext } from '@playwright/test';
import { decodeBeacon, encodeBeacon } from '../../sdk/src/beacon/index.js';
import type { WireBatch } from '../../sdk/src/beacon/index.js';
import { spawnCollector } from '../support/collector-process.js';
import { CHROME_UA, tempDataDir } from '../support/collector-fixtures.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { tempDir } from '../support/temp-dir.js';
import config from '../../playwright.config.js';
import { startSiteServer } from './site-server.js';
import type { SiteWindow } from './site-server.js';

// Issue #8: "the browser goes offline for a long simulated time". A worker's clock cannot be faked
// (Playwright's clock only reaches pages), but capture times come from the page: the loader stamps
// `ts` with the page's Date.now() and the worker stamps `sentAt` when it sends. So each visit below
// runs with the page clock set days back while the network is down; the events wait in the real
// IndexedDB queue of a persistent profile while the browser is closed and started again; then a
// browser started "today" (real clock) delivers them, and the collector sees events that are hours
// to days old (it shifts `ts` by `now - sentAt`). Events older than the collector's 7-day limit
// (issue #4: `ts_too_old`) must not be counted, must not be retried forever, and must not take any
// in-window event down with them. Invariant: every event tracked within the acceptance window is
// counted exactly once.
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PER_VISIT = 6;
const launchOptions = config.use?.launchOptions ?? {};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Visit {
  label: string;
  /** How long before the real now the page's clock says the visit happens. */
  ageMs: number;
  /** Within the collector's 7 days when delivered. */
  inWindow: boolean;
}
const d10: Visit = { label: 'd10', ageMs: 10 * DAY, inWindow: false };
const d8: Visit = { label: 'd8', ageMs: 8 * DAY, inWindow: false };
const d6: Visit = { label: 'd6', ageMs: 6 * DAY + 20 * HOUR, inWindow: true };
const d3: Visit = { label: 'd3', ageMs: 3 * DAY, inWindow: true };
const h5: Visit = { label: 'h5', ageMs: 5 * HOUR, inWindow: true };

/** A beacon body as the proxy saw it (gzipped or not); null for anything else. */
function decodeBody(body: Buffer): WireBatch | null {
  try {
    return decodeBeacon(new Uint8Array(body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body));
  } catch {
    return null; // the loader's JSON fallback to /api/events; not expected here
  }
}

interface Counted {
  count: number;
  ts: number;
}

async function countedByName(dataDir: string, site: string): Promise<Map<string, Counted>> {
  const instance = await DuckDBInstance.create(join(dataDir, 'wisp.duckdb'));
  const connection = await instance.connect();
  const rows = (await connection.runAndReadAll(`SELECT name, count(*)::INTEGER, min(ts) FROM events WHERE site = '${site}' AND type = 'event' GROUP BY name`)).getRowsJS();
  connection.closeSync();
  instance.closeSync();
  return new Map(rows.map(([name, count, ts]) => [String(name), { count: Number(count), ts: Number(ts) }]));
}

/** Each case: browser sessions (visits oldest first, all offline), then one browser online today. */
const cases: Array<{ title: string; site: string; sessions: Visit[][]; maxEventAgeMs?: number }> = [
  { title: 'default queue age (7 days, the collector limit)', site: 'offline-days.test', sessions: [[d10, d8, d6], [d3, h5]] },
  { title: 'a queue kept 30 days, longer than the collector accepts', site: 'offline-days-30.test', sessions: [[d10, d8, d6], [d3, h5]], maxEventAgeMs: 30 * DAY },
  { title: 'only events older than 7 days queued', site: 'offline-days-stale.test', sessions: [[d10], [d8]] },
];

for (const { title, site: SITE, sessions, maxEventAgeMs } of cases) {
  test(`offline for days, browser restarted in between (${title}): every in-window event counted once, older ones dropped once`, async () => {
    test.setTimeout(120_000);
    const dataDir = tempDataDir();
    const profile = tempDir('wisp-profile-');
    const collector = await spawnCollector({ env: { WISP_RATE_LIMIT: '0' }, dataDir });
    const proxy = await startFaultProxy({ target: collector.url });
    const site = await startSiteServer({
      site: SITE, endpoint: `${proxy.url}/api/e`, autoPageviews: false, vitals: false, errors: false, flushIntervalMs: 500,
      ...(maxEventAgeMs ? { maxEventAgeMs } : {}),
    });
    // One persistent profile for every launch: the IndexedDB queue is on disk, like a real browser's.
    // The browser-wide UA makes unload beacons count like the page's requests (see exactly-once.spec.ts).
    const launch = () =>
      chromium.launchPersistentContext(profile, {
        ...launchOptions,
        args: [...(launchOptions.args ?? []), `--user-agent=${CHROME_UA}`],
        userAgent: CHROME_UA,
      });
    const visit = async (context: BrowserContext) => {
      const page = await context.newPage();
      await page.goto(site.url);
      await page.waitForFunction(() => (window as unknown as SiteWindow).wispReady === true);
      return page;
    };
    const realStart = Date.now();
    const tracked = new Map<string, { capturedAt: number; inWindow: boolean }>();
    let context: BrowserContext | undefined;
    let queued = Infinity;
    let stuckFlushes = 0;
    try {
      // Offline for the whole simulated stretch: every connection to the collector is reset, as on a
      // dead network (context.setOffline does not reliably reach a worker, TOOLCHAIN.md).
      proxy.down(true);
      for (const visits of sessions) {
        context = await launch();
        await context.clock.install({ time: realStart - visits[0]!.ageMs });
        for (const { label, ageMs, inWindow } of visits) {
          const capturedAt = realStart - ageMs;
          await context.clock.setSystemTime(capturedAt);
          const page = await visit(context);
          const names = Array.from({ length: PER_VISIT }, (_, i) => `${label}_e${i}`);
          for (const name of names) tracked.set(name, { capturedAt, inWindow });
          await page.evaluate((list) => list.forEach((name) => (window as unknown as SiteWindow).wisp.track(name)), names);
          // flush() resolves once the events are in IndexedDB (and the send has failed).
          const result = await page.evaluate(() => (window as unknown as SiteWindow).wisp.flush());
          expect(result.sent).toBe(0);
          // pagehide runs (its beacon fails: offline); the clock must not be moved while a page closes.
          await Promise.all([page.waitForEvent('close'), page.close({ runBeforeUnload: true })]);
        }
        await context.close(); // the browser is closed with the queue on disk
        context = undefined;
      }
      const failedWhileOffline = proxy.counts.reset;
      const offlineBodies = proxy.bodies.length;

      // Days later: back online, a new browser on the same profile, real clock.
      proxy.down(false);
      context = await launch();
      const page = await visit(context);
      // A flush() that does not settle within 10 s is counted, not waited for forever.
      const flushUntilEmpty = async () => {
        queued = Infinity;
        for (let attempt = 0; attempt < 40 && queued > 0; attempt++) {
          const result = await Promise.race([page.evaluate(() => (window as unknown as SiteWindow).wisp.flush()), sleep(10_000).then(() => null)]);
          if (!result) return void stuckFlushes++;
          queued = result.queued;
          if (queued > 0) await sleep(300);
        }
      };
      await sleep(1_000); // the worker takes the sender lock and flushes on its own first
      await flushUntilEmpty(); // what the queue held
      // Then the visitor does something today: a dropped count with no event left rides with this one.
      tracked.set('today_e0', { capturedAt: Date.now(), inWindow: true });
      await page.evaluate(() => (window as unknown as SiteWindow).wisp.track('today_e0'));
      await flushUntilEmpty();
      // What went out once back online (the proxy also records the attempts that failed offline).
      const requestsOnline = proxy.bodies.length - offlineBodies;
      const beacons = proxy.bodies.slice(offlineBodies).map(decodeBody).filter((batch) => batch !== null);
      await context.close();
      context = undefined;
      // Why the SDK never sends an event past 7 days: the collector refuses the whole batch for it
      // (issue #4, all or nothing), and the SDK drops a refused batch, so a fresh batch-mate would go too.
      const probe = encodeBeacon({
        site: SITE,
        sentAt: Date.now(),
        events: [
          { id: 'probeAAAAAA1', type: 'event', url: site.url, referrer: '', ts: Date.now() - 8 * DAY, name: 'probe_stale', props: {} },
          { id: 'probeAAAAAA2', type: 'event', url: site.url, referrer: '', ts: Date.now(), name: 'probe_fresh', props: {} },
        ],
      });
      const refused = await fetch(`${collector.url}/api/e`, { method: 'POST', body: Buffer.from(probe), headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA } });
      expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([400, 'ts_too_old']);
      await collector.stop();

      const counted = await countedByName(dataDir, SITE);
      const inWindow = [...tracked].filter(([, t]) => t.inWindow).map(([name]) => name);
      const tooOld = [...tracked].filter(([, t]) => !t.inWindow).map(([name]) => name);
      const lost = inWindow.filter((name) => !counted.has(name));
      const duplicated = [...counted.values()].reduce((n, c) => n + c.count - 1, 0);
      const unexpected = [...counted.keys()].filter((name) => !tracked.has(name)); // the probes included
      const countedTooOld = tooOld.filter((name) => counted.has(name));
      // How often each too-old event went out once online (refused if so): at most once, never retried.
      const sends = new Map<string, number>();
      for (const batch of beacons) for (const event of batch.events) if (tooOld.includes(event.name ?? '')) sends.set(event.name!, (sends.get(event.name!) ?? 0) + 1);
      const maxSends = Math.max(0, ...sends.values());
      const reportedDropped = beacons.reduce((n, batch) => Math.max(n, batch.dropped ?? 0), 0);
      // The collector stored in-window events at their capture time: it saw them hours to days old.
      const misdated = inWindow.filter((name) => counted.has(name) && Math.abs(counted.get(name)!.ts - tracked.get(name)!.capturedAt) > 5 * 60_000);
      console.log(
        `offline for days (${title}): tracked ${tracked.size} (${inWindow.length} within 7 days, ${tooOld.length} older), ` +
          `counted ${counted.size}, duplicated ${duplicated}, lost ${lost.length} (${lost.slice(0, 8).join(' ')}); ` +
          `too old: counted ${countedTooOld.length}, sent online ${[...sends.values()].reduce((a, b) => a + b, 0)} times (max ${maxSends} per event), ` +
          `dropped count reported ${reportedDropped}; sends failed while offline ${failedWhileOffline}; requests online ${requestsOnline}; queued at the end ${queued}; flush() unsettled after 10 s ${stuckFlushes}`,
      );
      expect(stuckFlushes).toBe(0);
      expect(queued).toBe(0);
      expect(failedWhileOffline).toBeGreaterThan(0);
      expect(lost).toEqual([]);
      expect(duplicated).toBe(0);
      expect(countedTooOld).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(reportedDropped).toBe(tooOld.length);
      // A handful of requests, not a loop (a refused events-less report used to be resent at once, forever).
      expect(requestsOnline).toBeLessThanOrEqual(3);
      expect(maxSends).toBeLessThanOrEqual(1);
      expect(misdated).toEqual([]);
    } finally {
      await context?.close().catch(() => {});
      await collector.stop();
      await proxy.close();
      await site.close();
    }
  });
}
