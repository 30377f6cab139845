// The rollups add a visitor's consecutive events as one run (one visitor insert, one count update per
// run of equal breakdown values). Checked against counts taken event by event, with runs cut anywhere.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateOf, MINUTE_MS, Rollups } from '../../../collector/src/rollups/index.js';
import type { StreamEvent } from '../../../collector/src/sessions/index.js';

const T0 = Date.UTC(2026, 10, 20, 10);

const eventRows = fc.array(
  fc.record({
    visitor: fc.constantFrom('a1', 'b2', 'c3'),
    type: fc.constantFrom('pageview', 'pageview', 'pageview', 'event', 'error', 'vital'),
    path: fc.constantFrom('/', '/x', '/y'),
    // '' = direct / unknown: never a row.
    referrer: fc.constantFrom('', 'google.com', 'news.example'),
    utmSource: fc.constantFrom('', 'mail'),
    country: fc.constantFrom('', 'DE', 'FR'),
    browser: fc.constantFrom('Chrome', 'Firefox'),
    at: fc.integer({ min: 0, max: 3 * MINUTE_MS }),
  }),
  { minLength: 1, maxLength: 120 },
);

type Row = typeof eventRows extends fc.Arbitrary<(infer T)[]> ? T : never;

function eventsOf(rows: Row[]): StreamEvent[] {
  return rows.map(
    (r, i): StreamEvent => ({
      site: 's', visitor: r.visitor, id: `e${i}`, type: r.type as StreamEvent['type'], path: r.path, ts: T0 + r.at,
      name: r.type === 'pageview' ? null : r.type === 'vital' ? 'LCP' : `n${i % 2}`,
      props: (r.type === 'vital' ? { value: i * 10 } : r.type === 'event' ? { plan: i % 2 ? 'pro' : 'free' } : {}) as Record<string, string | number>,
      referrer: r.referrer, utmSource: r.utmSource, utmMedium: '', utmCampaign: '', country: r.country, browser: r.browser, os: 'Linux', device: 'desktop',
    }),
  );
}

/** Counts taken one event at a time, the way a reader would define them. */
function expected(events: StreamEvent[]) {
  const count = (values: string[]) => {
    const counts = new Map<string, number>();
    for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
    return counts;
  };
  const pageviews = events.filter((e) => e.type === 'pageview');
  const pageVisitors = new Map<string, number>();
  for (const path of new Set(pageviews.map((e) => e.path))) {
    pageVisitors.set(path, new Set(pageviews.filter((e) => e.path === path).map((e) => e.visitor)).size);
  }
  return {
    pageviews: pageviews.length,
    visitors: new Set(events.map((e) => e.visitor)).size,
    pages: count(pageviews.map((e) => e.path)),
    pageVisitors,
    referrers: count(pageviews.map((e) => e.referrer ?? '')),
    utmSources: count(pageviews.map((e) => e.utmSource ?? '')),
    countries: count(pageviews.map((e) => e.country ?? '')),
    browsers: count(pageviews.map((e) => e.browser ?? '')),
    customEvents: count(events.filter((e) => e.type === 'event').map((e) => e.name!)),
    eventProps: count(events.filter((e) => e.type === 'event').map((e) => `${e.name}\u0000plan\u0000${e.props!['plan']}`)),
    errors: events.filter((e) => e.type === 'error').length,
    vitals: events.filter((e) => e.type === 'vital').length,
  };
}

function actual(agg: ReturnType<typeof aggregateOf>) {
  return {
    pageviews: agg.pageviews,
    visitors: agg.visitors.size,
    pages: agg.pages,
    pageVisitors: new Map([...agg.pageVisitors].map(([path, set]) => [path, set.size])),
    referrers: agg.referrers,
    utmSources: agg.utmSources,
    countries: agg.countries,
    browsers: agg.browsers,
    customEvents: agg.customEvents,
    eventProps: agg.eventProps,
    errors: agg.errors,
    vitals: agg.vitals.get('LCP')?.count ?? 0,
  };
}

describe('visitor runs', () => {
  it('aggregateOf equals event-by-event counts, in arrival order and with each visitor\'s events together (property)', () => {
    fc.assert(
      fc.property(eventRows, (rows) => {
        const events = eventsOf(rows);
        const grouped = [...events].sort((a, b) => a.visitor.localeCompare(b.visitor));
        expect(actual(aggregateOf(events))).toEqual(expected(events));
        expect(actual(aggregateOf(grouped))).toEqual(expected(events));
      }),
      { numRuns: 300 },
    );
  });

  it('Rollups.addEvents puts each run into its own minute, hour and day windows (property)', () => {
    fc.assert(
      fc.property(eventRows, (rows) => {
        const events = eventsOf(rows).sort((a, b) => a.visitor.localeCompare(b.visitor));
        const rollups = new Rollups({ clock: () => T0 + 10 * MINUTE_MS, coveredFrom: T0 - MINUTE_MS });
        rollups.addEvents(events);
        for (const minute of [0, 1, 2]) {
          const start = T0 + minute * MINUTE_MS;
          const inMinute = events.filter((e) => e.ts >= start && e.ts < start + MINUTE_MS);
          const window = rollups.window('s', MINUTE_MS, start);
          if (inMinute.length === 0) expect(window).toBeUndefined();
          else expect(actual(window!)).toEqual(expected(inMinute));
        }
        // Read through a cover, as stats do: an hour window's page sets are built from its minutes then.
        expect(actual(rollups.query('s', T0, T0 + 60 * MINUTE_MS).aggregate)).toEqual(expected(events));
      }),
      { numRuns: 300 },
    );
  });
});
