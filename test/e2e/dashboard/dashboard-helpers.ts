// Shared by the dashboard specs: seeding events through the real `POST /api/events`, and reading
// the numbers the dashboard shows so they can be compared with `/api/stats`.
import { randomUUID } from 'node:crypto';
import { expect, type Page } from '@playwright/test';

/** A real desktop Chrome UA: headless Chromium's own UA is (rightly) a bot to the collector. */
export const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
export const FIREFOX_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

/** Addresses the bundled ip-location-db maps to these countries (needs WISP_TRUST_PROXY=1). */
export const IP = { DE: '5.9.10.20', US: '8.8.8.20', FR: '51.15.10.20' } as const;

export interface Visit {
  ua: string;
  ip: string;
  /** Events of one visit, in order; `ts` defaults to now minus a few minutes, 10 s apart. */
  events: { type: 'pageview' | 'event' | 'vital' | 'error'; path: string; name?: string; props?: Record<string, string | number>; referrer?: string }[];
}

/** Sends each visit as one batch from its own IP/UA; resolves once the collector accepted them all. */
export async function seed(baseUrl: string, site: string, visits: Visit[], startTs = Date.now() - 5 * 60_000): Promise<number> {
  let accepted = 0;
  for (const [v, visit] of visits.entries()) {
    const events = visit.events.map((e, i) => ({
      id: randomUUID(),
      type: e.type,
      url: `https://${site}${e.path}`,
      referrer: e.referrer ?? '',
      ts: startTs + v * 1000 + i * 10_000,
      name: e.name ?? null,
      props: e.props ?? {},
    }));
    const response = await fetch(`${baseUrl}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': visit.ua, 'x-forwarded-for': visit.ip },
      body: JSON.stringify({ site, sentAt: Date.now(), events }),
    });
    expect(response.status, await response.clone().text()).toBe(202);
    accepted += ((await response.json()) as { accepted: number }).accepted;
  }
  return accepted;
}

export async function getStats(baseUrl: string, token: string, pathAndQuery: string): Promise<Record<string, any>> {
  const response = await fetch(`${baseUrl}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Record<string, any>;
}

/** Polls /api/stats until `predicate` holds (ingest is durable on 202, rollups may trail a little). */
export async function waitForStats(baseUrl: string, token: string, site: string, predicate: (s: Record<string, any>) => boolean) {
  const query = `/api/stats?site=${site}&from=${Date.now() - 7 * 86_400_000 + 3_600_000}&to=${Date.now() + 60_000}`;
  await expect.poll(async () => predicate(await getStats(baseUrl, token, query)), { timeout: 10_000 }).toBe(true);
}

/** The /api/stats URL of the view currently rendered (the dashboard writes it on <body>). */
export async function renderedStatsUrl(page: Page): Promise<string> {
  await expect(page.locator('body')).toHaveAttribute('data-stats-url', /\/api\/stats\?/);
  await expect(page.locator('body')).not.toHaveAttribute('data-loading', /.*/);
  return (await page.locator('body').getAttribute('data-stats-url'))!;
}

/** Card id + tab label -> the stats array it shows, and which number per row. */
export const CARD_LISTS = [
  { card: 'card-pages', tab: 'Top', field: 'pages', value: (r: any) => r.pageviews },
  { card: 'card-pages', tab: 'Entry', field: 'entryPages', value: (r: any) => r.visitors ?? r.pageviews ?? r.count },
  { card: 'card-pages', tab: 'Exit', field: 'exitPages', value: (r: any) => r.visitors ?? r.pageviews ?? r.count },
  { card: 'card-sources', tab: 'Referrers', field: 'referrers', value: (r: any) => r.visitors ?? r.pageviews ?? r.count },
  { card: 'card-countries', tab: 'Countries', field: 'countries', value: (r: any) => r.visitors ?? r.pageviews ?? r.count },
  { card: 'card-tech', tab: 'Browsers', field: 'browsers', value: (r: any) => r.visitors ?? r.pageviews ?? r.count },
  { card: 'card-tech', tab: 'OS', field: 'os', value: (r: any) => r.visitors ?? r.pageviews ?? r.count },
  { card: 'card-tech', tab: 'Devices', field: 'devices', value: (r: any) => r.visitors ?? r.pageviews ?? r.count },
  { card: 'card-events', tab: 'Custom events', field: 'events', value: (r: any) => r.count },
  { card: 'card-errors', tab: 'JS errors', field: 'errors', value: (r: any) => r.count ?? r.visitors },
] as const;

export const TOTALS = ['pageviews', 'visitors', 'sessions', 'events', 'bounceRate', 'avgSessionSeconds'] as const;

/** Everything the dashboard shows as numbers: totals, list rows (key -> value), vitals p75. */
export async function readDashboard(page: Page) {
  return page.evaluate(
    ({ lists, totals }) => {
      const rows = (card: string, tab: string) =>
        [...document.querySelectorAll<HTMLElement>(`#${card} [role=tabpanel][aria-label="${tab}"] li`)].map((li) => [
          li.dataset.key!,
          Number(li.querySelector<HTMLElement>('.value')!.dataset.value),
        ]);
      return {
        totals: Object.fromEntries(totals.map((k) => [k, Number(document.querySelector<HTMLElement>(`#kpi-${k} .value`)!.dataset.value)])),
        lists: Object.fromEntries(lists.map((l) => [l.field, rows(l.card, l.tab)])),
        vitals: Object.fromEntries(
          [...document.querySelectorAll<HTMLElement>('#vitals .vital')]
            .filter((v) => v.querySelector<HTMLElement>('.value')!.dataset.value !== '')
            .map((v) => [v.dataset.vital!, Number(v.querySelector<HTMLElement>('.value')!.dataset.value)]),
        ),
      };
    },
    { lists: CARD_LISTS.map((l) => ({ card: l.card, tab: l.tab, field: l.field })), totals: TOTALS },
  );
}

/** What the dashboard should show for a stats body: the same shape as readDashboard's result. */
export function expectedFromStats(stats: Record<string, any>) {
  const top = (rows: any[] | undefined, value: (r: any) => number) =>
    [...(rows ?? [])].map((r) => [r.key, value(r)] as [string, number]).sort((a, b) => b[1] - a[1]).slice(0, 8);
  return {
    totals: Object.fromEntries(TOTALS.map((k) => [k, stats.totals[k]])),
    lists: Object.fromEntries(CARD_LISTS.map((l) => [l.field, top(stats[l.field], l.value)])),
    vitals: Object.fromEntries((stats.vitals ?? []).map((v: any) => [v.key, v.p75])),
  };
}

/**
 * SIGTERM, and SIGKILL if the collector has not exited after `graceMs` (a hung shutdown must not
 * eat the whole hook timeout; the data dir is a throwaway temp dir).
 */
export async function stopCollector(
  collector: { stop(): Promise<void>; kill(): Promise<void>; output(): string } | undefined,
  graceMs = 10_000,
) {
  if (!collector) return;
  const stopped = await Promise.race([
    collector.stop().then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), graceMs).unref()),
  ]);
  if (!stopped) {
    console.warn(`dashboard e2e: collector ignored SIGTERM for ${graceMs} ms; killed. Its last output:\n${collector.output().slice(-1500)}`);
    await collector.kill();
  }
}

/** Whether the collector answers `GET /api/live` with an event stream (the live spec asserts it first). */
export async function liveFeedServed(baseUrl: string, token: string): Promise<boolean> {
  const abort = new AbortController();
  try {
    const response = await fetch(`${baseUrl}/api/live?site=probe&token=${token}`, { signal: abort.signal });
    return response.ok && (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  } finally {
    abort.abort();
  }
}

/** Whether /api/stats applies `filters=` (docs/dashboard.md): a filter on a page nobody saw must empty the totals. */
export async function filtersApplied(baseUrl: string, token: string, site: string): Promise<boolean> {
  const range = `from=${Date.now() - 86_400_000}&to=${Date.now() + 60_000}`;
  const stats = await getStats(baseUrl, token, `/api/stats?site=${site}&${range}&filters=${encodeURIComponent('page:/__no_such_page__')}`);
  return stats.totals.pageviews === 0;
}
