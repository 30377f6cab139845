import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect, test, type Page } from '@playwright/test';
import { spawnCollector, type CollectorProcess } from '../support/collector-process.js';
import { CHROME_UA, tempDataDir } from '../support/collector-fixtures.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import config from '../../playwright.config.js';
import { freePort, startSiteServer } from './site-server.js';
import type { SiteWindow } from './site-server.js';

// Exactly once under faults: the built SDK in five tabs of one browser, sending through a
// fault-injecting proxy to the real collector, which is SIGKILLed and restarted during flushes,
// while tabs reload mid-flush and the network goes down. Every tracked event must be counted once.
// WISP_FUZZ_SCALE (npm run soak) multiplies the rounds.
const SCALE = Math.max(1, Number(process.env.WISP_FUZZ_SCALE ?? 1) || 1);
const ROUNDS = 12 * SCALE;
const TABS = 5;
const PER_TAB = 4;
const SITE = 'once.test';
// Beacons sent while a page unloads leave without Playwright's per-context UA override (as
// HeadlessChrome, which the collector files as a bot): the browser-wide switch makes them count
// (the per-context UA of every test here is the same).
const launchOptions = config.use?.launchOptions ?? {};
test.use({ launchOptions: { ...launchOptions, args: [...(launchOptions.args ?? []), `--user-agent=${CHROME_UA}`] } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function countedByName(dataDir: string): Promise<Map<string, number>> {
  const instance = await DuckDBInstance.create(join(dataDir, 'wisp.duckdb'));
  const connection = await instance.connect();
  const rows = (await connection.runAndReadAll(`SELECT name, count(*)::INTEGER FROM events WHERE site = '${SITE}' AND type = 'event' GROUP BY name`)).getRowsJS();
  connection.closeSync();
  instance.closeSync();
  return new Map(rows.map(([name, count]) => [String(name), Number(count)]));
}

test('every event tracked in 5 tabs is counted exactly once through SIGKILLs, resets, timeouts, 503s, slow answers, outages and reloads', async ({ browser }) => {
  test.setTimeout(120_000 * SCALE);
  const dataDir = tempDataDir();
  const env = { WISP_RATE_LIMIT: '0', WISP_PORT: String(await freePort()) };
  let collector: CollectorProcess = await spawnCollector({ env, dataDir });
  const proxy = await startFaultProxy({ target: collector.url, seed: 8, timeoutMs: 2_000, slowMs: 700 });
  const site = await startSiteServer({ site: SITE, endpoint: `${proxy.url}/api/e`, autoPageviews: false, vitals: false, errors: false, flushIntervalMs: 500 });
  const context = await browser.newContext({ userAgent: CHROME_UA });
  context.setDefaultTimeout(20_000); // a hang fails with its step named, not as the test's timeout
  const open = async (page: Page) => {
    await page.goto(site.url);
    await page.waitForFunction(() => (window as unknown as SiteWindow).wispReady === true);
  };
  const pages: Page[] = [];
  for (let t = 0; t < TABS; t++) {
    const page = await context.newPage();
    await open(page);
    pages.push(page);
  }
  const faults = { reset: 0.15, 'reset-after': 0.2, timeout: 0.05, '503': 0.15, slow: 0.1 };
  proxy.setFaults(faults);
  const tracked: string[] = [];
  const chaos = { kills: 0, reloads: 0, outages: 0, stuckFlushes: 0 };
  const restart = async () => {
    await collector.kill('SIGKILL');
    chaos.kills++;
    await sleep(300);
    collector = await spawnCollector({ env, dataDir });
  };

  try {
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(
        pages.map((page, tab) => {
          const names = Array.from({ length: PER_TAB }, (_, i) => `eo_r${round}_t${tab}_e${i}`);
          tracked.push(...names);
          return page.evaluate((list) => list.forEach((name) => (window as unknown as SiteWindow).wisp.track(name)), names);
        }),
      );
      await sleep(250); // queued in IndexedDB, a flush is on its way
      switch (round % 4) {
        case 0: // the collector dies in the middle of flushes
          await sleep(100 + ((round * 37) % 300));
          await restart();
          break;
        case 1: // tabs reload while their flush is in flight
          for (const page of [pages[round % TABS]!, pages[(round + 2) % TABS]!]) {
            chaos.reloads++;
            await open(page);
          }
          break;
        case 2: // the network is gone for a while
          chaos.outages++;
          proxy.down(true);
          await sleep(1_500);
          proxy.down(false);
          break;
        default:
          await sleep(300); // flaky network only
      }
    }

    // Settle: faults off, ask every tab to flush until the shared queue is empty everywhere.
    proxy.setFaults({});
    // A flush() that does not settle within 10 s is counted (and retried), not waited for forever.
    const flushOrTimeout = (page: Page) =>
      Promise.race([
        page.evaluate(() => (window as unknown as SiteWindow).wisp.flush()),
        sleep(10_000).then(() => {
          chaos.stuckFlushes++;
          return { sent: 0, queued: Infinity };
        }),
      ]);
    let queued = Infinity;
    for (let attempt = 0; attempt < 60 && queued > 0; attempt++) {
      const results = await Promise.all(pages.map(flushOrTimeout));
      queued = Math.max(...results.map((r) => r.queued));
      if (queued > 0) await sleep(500);
    }
    expect(queued).toBe(0);
  } finally {
    await context.close();
    await collector.stop();
    await proxy.close();
    await site.close();
  }

  const counted = await countedByName(dataDir);
  const lost = tracked.filter((name) => !counted.has(name));
  const duplicated = [...counted.values()].reduce((n, c) => n + c - 1, 0);
  const unexpected = [...counted.keys()].filter((name) => !tracked.includes(name));
  const injected = Object.entries(proxy.counts).filter(([k]) => k !== 'pass').reduce((n, [, v]) => n + v, 0);
  console.log(
    `exactly once: tracked ${tracked.length}, counted ${counted.size}, duplicated ${duplicated}, lost ${lost.length}` +
      ` (${lost.slice(0, 8).join(' ')}); faults injected ${injected} ${JSON.stringify(proxy.counts)}; collector SIGKILLs ${chaos.kills},` +
      ` reloads ${chaos.reloads}, outages ${chaos.outages}, flush() calls unsettled after 10 s ${chaos.stuckFlushes}; beacon requests ${proxy.bodies.length}`,
  );
  expect(unexpected).toEqual([]);
  expect(lost).toEqual([]);
  expect(duplicated).toBe(0);
  expect(chaos.kills).toBeGreaterThan(0);
  expect(injected).toBeGreaterThan(0);
});

test('events queued during a long outage survive closing every tab and are delivered once by a later tab', async ({ browser }) => {
  test.setTimeout(90_000);
  const dataDir = tempDataDir();
  const collector = await spawnCollector({ env: { WISP_RATE_LIMIT: '0' }, dataDir });
  const proxy = await startFaultProxy({ target: collector.url });
  const site = await startSiteServer({ site: SITE, endpoint: `${proxy.url}/api/e`, autoPageviews: false, vitals: false, errors: false, flushIntervalMs: 500 });
  const context = await browser.newContext({ userAgent: CHROME_UA });
  const tracked: string[] = [];
  try {
    proxy.down(true); // the network is gone: every send fails, the queue holds everything
    for (let tab = 0; tab < 3; tab++) {
      const page = await context.newPage();
      await page.goto(site.url);
      await page.waitForFunction(() => (window as unknown as SiteWindow).wispReady === true);
      const names = Array.from({ length: 10 }, (_, i) => `off_t${tab}_e${i}`);
      tracked.push(...names);
      await page.evaluate((list) => list.forEach((name) => (window as unknown as SiteWindow).wisp.track(name)), names);
      await sleep(1_000); // persisted, and retried against the dead network with backoff
      await page.close({ runBeforeUnload: true });
    }
    const failedAttempts = proxy.counts.reset;
    proxy.down(false);
    const page = await context.newPage();
    await page.goto(site.url);
    await page.waitForFunction(() => (window as unknown as SiteWindow).wispReady === true);
    let queued = Infinity;
    for (let attempt = 0; attempt < 30 && queued > 0; attempt++) {
      queued = (await page.evaluate(() => (window as unknown as SiteWindow).wisp.flush())).queued;
      if (queued > 0) await sleep(300);
    }
    expect(queued).toBe(0);
    console.log(`outage: ${failedAttempts} sends failed while down, then delivered by a new tab`);
  } finally {
    await context.close();
    await collector.stop();
    await proxy.close();
    await site.close();
  }
  const counted = await countedByName(dataDir);
  const lost = tracked.filter((name) => !counted.has(name));
  const duplicated = [...counted.values()].reduce((n, c) => n + c - 1, 0);
  console.log(`after outage: tracked ${tracked.length}, counted ${counted.size}, duplicated ${duplicated}, lost ${lost.length}`);
  expect(lost).toEqual([]);
  expect(duplicated).toBe(0);
});

// Regression (fixed in sdk/src/loader/outbox.ts, init.ts, bridge/index.ts): events tracked less
// than ~30-200 ms before the page went away were lost (25 of 25 with navigation in the next task).
// The loader now keeps every event until the pipeline confirms it durably queued, loads the bridge
// at start so unconfirmed events leave scrubbed and encoded at pagehide even while the worker is
// still starting, and before the bridge has loaded sends a conservative JSON subset to /api/events.
test('events tracked right before the page navigates away are counted exactly once', async ({ browser }) => {
  const dataDir = tempDataDir();
  const collector = await spawnCollector({ env: { WISP_RATE_LIMIT: '0' }, dataDir });
  const site = await startSiteServer({ site: SITE, endpoint: `${collector.url}/api/e`, autoPageviews: false, vitals: false, errors: false, flushIntervalMs: 500 });
  const context = await browser.newContext({ userAgent: CHROME_UA });
  const page = await context.newPage();
  const tracked: string[] = [];
  try {
    for (let round = 0; round < 5; round++) {
      await page.goto(site.url);
      await page.waitForFunction(() => (window as unknown as SiteWindow).wispReady === true);
      if (round > 0) await sleep(300 * round); // first round: the pipeline is not even started yet
      const names = Array.from({ length: 5 }, (_, i) => `nav_r${round}_e${i}`);
      tracked.push(...names);
      // Tracked, then the user follows a link at once (same task): the classic outbound-click case.
      await page.evaluate(({ list, delay }) => {
        list.forEach((name) => (window as unknown as SiteWindow).wisp.track(name));
        setTimeout(() => (location.href = `${location.origin}/next-${Date.now()}`), delay);
      }, { list: names, delay: 0 });
      await page.waitForURL(/next-/);
    }
    await page.waitForFunction(() => (window as unknown as SiteWindow).wispReady === true);
    for (let attempt = 0; attempt < 20; attempt++) {
      if ((await page.evaluate(() => (window as unknown as SiteWindow).wisp.flush())).queued === 0) break;
      await sleep(300);
    }
  } finally {
    await context.close();
    await collector.stop();
    await site.close();
  }
  const counted = await countedByName(dataDir);
  const lost = tracked.filter((name) => !counted.has(name));
  const duplicated = [...counted.values()].reduce((n, c) => n + c - 1, 0);
  console.log(`tracked before navigation: tracked ${tracked.length}, counted ${counted.size}, duplicated ${duplicated}, lost ${lost.length} (${lost.join(' ')})`);
  expect(lost).toEqual([]);
  expect(duplicated).toBe(0);
});
