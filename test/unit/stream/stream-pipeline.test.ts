import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamPipeline } from '../../../collector/src/live/index.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, rangeStats, seriesBuckets, storeEdgeLoader } from '../../../collector/src/rollups/index.js';
import { fromStoredEvent, sessionsFromEvents, type StreamEvent } from '../../../collector/src/sessions/index.js';
import { arrivalRows, arrivalsOf } from './arrivals.js';
import { statsDirect, statsViaRollups } from './stats-helpers.js';

const T0 = Date.UTC(2026, 10, 25, 9);

const scenario = fc.record({
  rows: arrivalRows,
  restartAt: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
  ranges: fc.array(fc.tuple(fc.integer({ min: -HOUR_MS, max: 8 * HOUR_MS }), fc.integer({ min: 0, max: 8 * HOUR_MS })), { minLength: 1, maxLength: 4 }),
});

describe('StreamPipeline (store -> sessionize -> rollup, as wired in the collector)', () => {
  it('late, shuffled, duplicated arrivals and a restart still give exact stats for any range (property)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ rows, restartAt, ranges }) => {
        const arrivals = arrivalsOf(rows, T0);

        let now = T0;
        const store: StreamEvent[] = [];
        const ids = new Set<string>();
        const options = {
          clock: () => now,
          allowedLatenessMs: 5 * MINUTE_MS,
          loadVisitorEvents: async (site: string, visitors: string[]) => store.filter((e) => e.site === site && visitors.includes(e.visitor)),
          coalesceMs: 1,
        };
        let pipeline = new StreamPipeline(options);
        const restartIndex = restartAt === null ? -1 : Math.floor(restartAt * arrivals.length);
        for (let i = 0; i < arrivals.length; i++) {
          const event = arrivals[i]!;
          now = event.receivedAt!;
          if (i === restartIndex) {
            await pipeline.idle();
            pipeline.close();
            pipeline = new StreamPipeline(options);
            pipeline.recover(store.filter((e) => e.ts >= now - 2 * DAY_MS - 30 * MINUTE_MS), now - 2 * DAY_MS);
          }
          if (ids.has(event.id)) continue; // the collector's dedupe
          ids.add(event.id);
          store.push(event); // durable first, then the listeners
          pipeline.process([event]);
          if (i % 7 === 0) pipeline.tick();
          if (i % 5 === 0) await pipeline.idle(); // sometimes reconciliation runs between groups, sometimes it lags behind
        }
        await pipeline.idle();
        pipeline.close();
        expect(pipeline.queueDepth).toBe(0);
        const sessions = sessionsFromEvents(store);
        for (const [a, len] of ranges) {
          expect(statsViaRollups(pipeline.rollups, 's', store, sessions, T0 + a, T0 + a + len)).toEqual(statsDirect('s', store, sessions, T0 + a, T0 + a + len));
        }
      }),
      { numRuns: 120 },
    );
  });

  it('rangeStats: totals exact from windows + loaded edges, series buckets add up (tz day buckets)', async () => {
    let now = T0;
    const pipeline = new StreamPipeline({ clock: () => now });
    const store: StreamEvent[] = Array.from({ length: 300 }, (_, i) => ({
      site: 's', visitor: `v${i % 17}`, id: `e${i}`, type: i % 5 === 4 ? 'event' : 'pageview', path: `/p${i % 4}`,
      ts: T0 + i * 7 * MINUTE_MS + (i % 13) * 1000, name: i % 5 === 4 ? 'signup' : null,
    }));
    for (const e of store) {
      now = e.ts;
      pipeline.process([e]);
    }
    pipeline.close();
    const loads: [number, number][] = [];
    const loadEdge = storeEdgeLoader({
      eventsInRange: async (site, from, to) => {
        loads.push([from, to]);
        return store.filter((e) => e.site === site && e.ts >= from && e.ts < to);
      },
    });
    const from = T0 + 17 * MINUTE_MS + 1234;
    const to = T0 + 30 * HOUR_MS + 5;
    const stats = await rangeStats(pipeline.rollups, 's', from, to, loadEdge, { interval: 'day', tz: 'Asia/Tokyo', limit: 1000 });
    const { series, ...body } = stats;
    expect(body).toEqual(statsDirect('s', store, sessionsFromEvents(store), from, to));
    expect(series.map((p) => p.t)).toEqual(['2026-11-24T15:00:00.000Z', '2026-11-25T15:00:00.000Z', '2026-11-26T15:00:00.000Z']); // JST days; the last holds 5 ms
    expect(series.reduce((n, p) => n + p.pageviews, 0)).toBe(body.totals.pageviews);
    const buckets = seriesBuckets(from, to, 'day', 'Asia/Tokyo');
    expect(series.map((p) => p.visitors)).toEqual(buckets.map((b) => new Set(store.filter((e) => e.ts >= b.from && e.ts < b.to).map((e) => e.visitor)).size));
    // Asked again (cached settled unions), and at hour granularity: same answers as the raw events.
    const again = await rangeStats(pipeline.rollups, 's', from, to, loadEdge, { interval: 'hour', limit: 1000 });
    for (const [i, b] of seriesBuckets(from, to, 'hour').entries()) {
      const inBucket = store.filter((e) => e.ts >= b.from && e.ts < b.to);
      expect(again.series[i]).toEqual({ t: new Date(b.t).toISOString(), pageviews: inBucket.filter((e) => e.type === 'pageview').length, visitors: new Set(inBucket.map((e) => e.visitor)).size });
    }
    expect(loads.every(([a, b]) => b - a < 2 * HOUR_MS)).toBe(true); // only short edges (+ 30 min either side) read raw events
  });

  it('maps stored rows (bigint hashes, JSON props, vital value) to stream events', () => {
    const event = fromStoredEvent({
      site: 's', idHash: 255n, type: 'vital', ts: 5, receivedAt: 6, visitor: 0xabcn, path: '/', name: 'LCP', value: 1200,
      props: '{"a":1}', source: 'news.ycombinator.com', utmSource: '', utmMedium: '', utmCampaign: '', country: 'FR',
      browser: 'Chrome', os: 'Linux', device: 'desktop',
    });
    expect(event).toMatchObject({ site: 's', id: 'ff', visitor: 'abc', props: { a: 1, value: 1200 }, referrer: 'news.ycombinator.com', receivedAt: 6 });
  });
});
