import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { test as base, expect } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
import { decodeBeacon } from '../../../sdk/src/beacon/index.js';
import type { WireBatch, WireEvent } from '../../../sdk/src/beacon/index.js';
import { CHROME_UA } from '../../support/collector-fixtures.js';
import { spawnCollector } from '../../support/collector-process.js';
import type { CollectorProcess } from '../../support/collector-process.js';
import { startFaultProxy } from '../../support/fault-proxy.js';
import type { FaultProxy } from '../../support/fault-proxy.js';

/**
 * The real thing end to end: the built SDK served by the real collector (`/sdk/*`), through the
 * fault-injecting proxy on 127.0.0.1 (records every POST body, injects 503s/resets), loaded by a
 * page served from `localhost` on another port: a different origin, like a customer's site.
 */
export interface PageOptions {
  /** Extra attributes on the script tag (e.g. `data-outbound-links`). */
  attributes?: string;
  /** Content-Security-Policy header of the page. */
  csp?: string;
  /** Extra HTML in the body. */
  body?: string;
  /** Leave the script tag out (pages that use the ESM build via `import()` in a test). */
  noScript?: boolean;
}

export interface Stack {
  site: string;
  collector: CollectorProcess;
  proxy: FaultProxy;
  /** Origin serving the SDK and receiving beacons (the proxy, 127.0.0.1). */
  sdkOrigin: string;
  /** The page origin (localhost, another port). */
  pageOrigin: string;
  /** Sets what the page server answers for every path from now on. */
  setPage(options: PageOptions): void;
  /** A context whose events count (real desktop Chrome UA, not HeadlessChrome). */
  newContext(): Promise<BrowserContext>;
  /** Every event in every beacon the proxy saw (duplicates included), decoded. */
  beacons(): WireBatch[];
  sentEvents(): WireEvent[];
  /** The collector's stats for the site. */
  stats(): Promise<Stats>;
}

export interface Stats {
  totals: { pageviews: number; events: number };
  pages: Array<{ key: string; pageviews: number }>;
  events: Array<{ key: string; count: number }>;
  vitals: Array<{ key: string; p75: number }>;
}

/**
 * A request body the SDK sent: a beacon to `/api/e` (maybe gzipped), or the loader's last resort
 * when the page leaves before the bridge has loaded, JSON to `/api/events` (same shape, sdk/README.md).
 */
export function decodeBody(body: Buffer): WireBatch {
  if (body[0] === 0x7b) return JSON.parse(body.toString('utf8')) as WireBatch;
  const bytes = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
  return decodeBeacon(new Uint8Array(bytes));
}

function html(stack: { sdkOrigin: string; site: string }, options: PageOptions): string {
  const script = options.noScript
    ? ''
    : `<script defer src="${stack.sdkOrigin}/sdk/wisp.min.js" data-site="${stack.site}" ${options.attributes ?? ''}></script>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>${script}</head><body><h1>shop</h1>${options.body ?? ''}</body></html>`;
}

let siteCounter = 0;

export const test = base.extend<{ stack: Stack }>({
  stack: async ({ browser }, use, testInfo) => {
    const collector = await spawnCollector();
    const proxy = await startFaultProxy({ target: collector.url });
    const site = `sdk-${testInfo.workerIndex}-${++siteCounter}.example`;
    let pageOptions: PageOptions = {};
    const holder = { sdkOrigin: proxy.url, site };
    const server = createServer((req, res) => {
      const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
      if (pageOptions.csp) headers['content-security-policy'] = pageOptions.csp;
      if (req.url === '/favicon.ico') return void res.writeHead(404).end();
      res.writeHead(200, headers).end(html(holder, pageOptions));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const pageOrigin = `http://localhost:${(server.address() as AddressInfo).port}`;
    const contexts: BrowserContext[] = [];
    const stack: Stack = {
      site,
      collector,
      proxy,
      sdkOrigin: proxy.url,
      pageOrigin,
      setPage: (options) => void (pageOptions = options),
      newContext: async () => {
        const context = await browser.newContext({ userAgent: CHROME_UA });
        contexts.push(context);
        return context;
      },
      beacons: () => proxy.bodies.filter((body) => body.length).map(decodeBody),
      sentEvents: () => stack.beacons().flatMap((batch) => batch.events),
      stats: async () => {
        const query = `site=${encodeURIComponent(site)}&from=${Date.now() - 86_400_000}&to=${Date.now() + 3_600_000}`;
        const response = await fetch(`${collector.url}/api/stats?${query}`, { headers: { authorization: `Bearer ${collector.token}` } });
        expect(response.status).toBe(200);
        return (await response.json()) as Stats;
      },
    };
    await use(stack);
    for (const context of contexts) await context.close().catch(() => {});
    await new Promise((resolve) => server.close(resolve));
    await proxy.close();
    await collector.stop();
  },
});

export { expect };

/** Waits for `window.wisp` (the script tag build has run); its lazily loaded parts may still be loading. */
export async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => typeof (window as { wisp?: unknown }).wisp === 'object');
}

/** Calls `window.wisp.flush()` in the page. */
export function flush(page: Page): Promise<{ sent: number; queued: number }> {
  return page.evaluate(() => (window as unknown as { wisp: { flush(): Promise<{ sent: number; queued: number }> } }).wisp.flush());
}

/** Rows of the site's IndexedDB queue, read from the page (same origin as the queue); [] before it exists. */
export function queuedRows(page: Page, site: string): Promise<unknown[]> {
  return page.evaluate(
    (name) =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open(name);
        // Never create the database here: an empty version-1 database would race the SDK's own.
        open.onupgradeneeded = () => open.transaction!.abort();
        open.onerror = () => (open.error?.name === 'AbortError' ? resolve([]) : reject(open.error));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('events')) return resolve([]);
          const all = db.transaction('events').objectStore('events').getAll();
          all.onsuccess = () => {
            resolve(all.result);
            db.close();
          };
        };
      }),
    `wisp:${site}`,
  );
}

/** The event listeners on a page object (`document`, `window`), read with the DevTools protocol: the page has no API to list them. */
async function listenersOn(page: Page, expression: 'document' | 'window'): Promise<{ type: string; useCapture: boolean }[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { result } = await cdp.send('Runtime.evaluate', { expression });
    return (await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId! })).listeners;
  } finally {
    await cdp.detach();
  }
}

/** Types of the capturing `click`/`auxclick` listeners on `document` (what wisp-clicks.js installs once it has loaded). */
export async function clickListeners(page: Page): Promise<string[]> {
  const listeners = await listenersOn(page, 'document');
  return listeners.filter((listener) => listener.useCapture && /^(aux)?click$/.test(listener.type)).map((listener) => listener.type).sort();
}

/** How many `online` listeners `window` has (the bridge forwards `online` to the pipeline). */
export async function onlineListeners(page: Page): Promise<number> {
  return (await listenersOn(page, 'window')).filter((listener) => listener.type === 'online').length;
}

/** Imports the npm build (`wisp.js`) from the collector into the page and calls `init()`; the client becomes `window.wisp`. */
export async function initEsm(page: Page, stack: Stack, options: Record<string, unknown> = {}): Promise<void> {
  await page.evaluate(
    async ({ url, init }) => {
      const wisp = (await import(url)) as { init(options: object): unknown };
      (window as unknown as { wisp: unknown }).wisp = wisp.init(init);
    },
    { url: `${stack.sdkOrigin}/sdk/wisp.js`, init: { site: stack.site, endpoint: `${stack.sdkOrigin}/api/e`, ...options } },
  );
}

/** `window.wisp.track(name, props)` in the page. */
export function track(page: Page, name: string, props?: Record<string, unknown>): Promise<void> {
  return page.evaluate(
    ([n, p]) => (window as unknown as { wisp: { track(n: unknown, p: unknown): void } }).wisp.track(n, p),
    [name, props] as const,
  );
}
