import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamPipeline } from '../../../collector/src/live/index.js';
import { recoverPipeline, type RecoveryReader } from '../../../collector/src/live/recover-pipeline.js';
import { HOUR_MS, MINUTE_MS, rangeStats, storeEdgeLoader } from '../../../collector/src/rollups/index.js';
import { layeredEdgeLoader, memoizeEdgeLoader } from '../../../collector/src/rollups/layered-edge-loader.js';
import { decodeSnapshot, encodeSnapshot } from '../../../collector/src/rollups/rollup-snapshot.js';
import type { SnapshotCapture } from '../../../collector/src/rollups/snapshot-capture.js';
import { SessionRuns } from '../../../collector/src/sessions/session-runs.js';
import { sessionsFromEvents, type StreamEvent } from '../../../collector/src/sessions/index.js';
import { arrivalRows, arrivalsOf } from './arrivals.js';
import { statsDirect, statsViaRollups } from './stats-helpers.js';

const T0 = Date.UTC(2026, 10, 25, 9);

const scenario = fc.record({
  rows: arrivalRows,
  // Fractions of the arrivals (integers: fc.double leans to 0 and 1).
  snapshotAt: fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000),
  restartAt: fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000),
  // clean: snapshot at shutdown; crash: the last periodic one, and events stored but never processed; rebuild: no snapshot.
  mode: fc.constantFrom('clean', 'crash', 'rebuild'),
  ranges: fc.array(fc.tuple(fc.integer({ min: -HOUR_MS, max: 8 * HOUR_MS }), fc.integer({ min: 0, max: 8 * HOUR_MS })), { minLength: 1, maxLength: 4 }),
});

/** The store's reads over an in-memory table. */
function readerOf(store: StreamEvent[]): RecoveryReader {
  return {
    eventsSince: async (since) => store.filter((e) => e.ts >= since),
    eventsOfVisitors: async (site, visitors) => store.filter((e) => e.site === site && visitors.includes(e.visitor)),
    eventsByTime: async (from, to) => store.filter((e) => e.ts >= from && e.ts < to),
    eventsReceivedSince: async (since) => store.filter((e) => e.receivedAt! >= since),
  };
}

describe('restart from a rollup snapshot', () => {
  it('snapshot (captured while events arrive) + replay of what was stored after it, or a day-by-day rebuild, keep stats exact (property)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ rows, snapshotAt, restartAt, mode, ranges }) => {
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
        const restartIndex = Math.floor(restartAt * arrivals.length);
        const snapshotIndex = Math.floor(snapshotAt * restartIndex);
        // The periodic snapshot is captured at arrival `snapshotIndex` and encoded two windows per
        // arrival after it (events keep changing windows meanwhile), as the collector does between turns.
        let capture: SnapshotCapture | null = null;
        let periodic: Buffer | null = null;
        for (let i = 0; i < arrivals.length; i++) {
          const event = arrivals[i]!;
          now = event.receivedAt!;
          if (i === snapshotIndex) capture = pipeline.captureSnapshot(); // pending late events included
          if (capture?.step(Infinity, i === restartIndex ? Infinity : 2)) {
            periodic = Buffer.concat(capture.finish());
            capture = null;
          }
          if (i === restartIndex) {
            let bytes = periodic;
            let recovered = false;
            if (mode === 'clean') {
              await pipeline.idle();
              bytes = encodeSnapshot(pipeline.snapshot());
            } else if (mode === 'crash' && !ids.has(event.id)) {
              ids.add(event.id);
              store.push(event); // durable, but the process died before its listeners ran
              recovered = true;
            }
            pipeline.close();
            pipeline = new StreamPipeline(options);
            await recoverPipeline(pipeline, readerOf(store), { from: T0, snapshot: mode === 'rebuild' || !bytes ? null : decodeSnapshot(bytes) });
            if (recovered) continue;
          }
          if (ids.has(event.id)) continue;
          ids.add(event.id);
          store.push(event);
          pipeline.process([event]);
          if (i % 7 === 0) pipeline.tick();
          if (i % 5 === 0) await pipeline.idle();
        }
        await pipeline.idle();
        pipeline.close();
        const sessions = sessionsFromEvents(store);
        const edges = memoizeEdgeLoader(layeredEdgeLoader({
          rollups: pipeline.rollups,
          memory: (site, a, b) => pipeline.memoryEdge(site, a, b),
          store: storeEdgeLoader({
            eventsInRange: async (site, a, b) => store.filter((e) => e.site === site && e.ts >= a && e.ts < b),
          }),
        }));
        // The other store path: no hour loaded whole (as for busy hours), reads narrowed to the edge's visitors.
        const narrowEdges = memoizeEdgeLoader(layeredEdgeLoader({
          rollups: pipeline.rollups,
          memory: (site, a, b) => pipeline.memoryEdge(site, a, b),
          maxHourEvents: 0,
          store: storeEdgeLoader({
            eventsInRange: async () => {
              throw new Error('edges read through eventsOfEdgeVisitors when the store has it');
            },
            eventsOfEdgeVisitors: async (site, edge, read) => {
              const seen = new Set(store.filter((e) => e.site === site && e.ts >= edge.from && e.ts < edge.to).map((e) => e.visitor));
              return store.filter((e) => e.site === site && seen.has(e.visitor) && e.ts >= read.from && e.ts < read.to);
            },
          }),
        }));
        for (const [a, len] of ranges) {
          const direct = statsDirect('s', store, sessions, T0 + a, T0 + a + len);
          expect(statsViaRollups(pipeline.rollups, 's', store, sessions, T0 + a, T0 + a + len)).toEqual(direct);
          const { series: _series, ...body } = await rangeStats(pipeline.rollups, 's', T0 + a, T0 + a + len, edges, { interval: 'hour', limit: 1000 });
          expect(body).toEqual(direct);
          const { series: _narrowSeries, ...narrowBody } = await rangeStats(pipeline.rollups, 's', T0 + a, T0 + a + len, narrowEdges, { interval: 'hour', limit: 1000 });
          expect(narrowBody).toEqual(direct);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('late events still awaiting reconciliation when the snapshot was taken get their session changes at restart', async () => {
    let now = T0;
    const store: StreamEvent[] = [];
    const options = { clock: () => now, allowedLatenessMs: 5 * MINUTE_MS, loadVisitorEvents: async (_site: string, visitors: string[]) => store.filter((e) => visitors.includes(e.visitor)) };
    const pipeline = new StreamPipeline(options);
    now = T0 + HOUR_MS;
    for (const [id, path, at] of [['1', '/', 1000], ['2', '/b', 2000], ['3', '/c', 58 * MINUTE_MS]] as const) {
      const event: StreamEvent = { site: 's', visitor: 'v', id, type: 'pageview', path, ts: T0 + at, receivedAt: now };
      store.push(event);
      pipeline.process([event]);
    }
    expect(pipeline.queueDepth).toBe(2);
    const bytes = encodeSnapshot(pipeline.snapshot()); // taken before the reconciliation ran
    await pipeline.idle();
    const restarted = new StreamPipeline(options);
    const report = await recoverPipeline(restarted, readerOf(store), { from: T0, snapshot: decodeSnapshot(bytes) });
    expect(report).toEqual({ mode: 'snapshot', events: 0 });
    const sessions = sessionsFromEvents(store);
    expect(statsViaRollups(restarted.rollups, 's', store, sessions, T0, now)).toEqual(statsDirect('s', store, sessions, T0, now));
    expect(statsViaRollups(restarted.rollups, 's', store, sessions, T0, now).totals.sessions).toBe(2);
  });

  it('a snapshot decodes to the same windows; other versions and truncated files are refused', () => {
    let now = T0;
    const pipeline = new StreamPipeline({ clock: () => now });
    const events: StreamEvent[] = Array.from({ length: 400 }, (_, i) => ({
      site: i % 3 ? 'a' : 'b', visitor: `v${i % 41}`, id: `e${i}`, type: (['pageview', 'event', 'vital', 'error'] as const)[i % 4]!,
      path: `/p${i % 7}`, ts: T0 + i * 20_000, name: i % 4 === 0 ? null : `n${i % 3}`, props: (i % 4 === 2 ? { value: i * 3.5 } : { plan: `x${i % 2}` }) as Record<string, string | number>,
      referrer: i % 5 ? '' : 'news.example', country: 'FR', browser: 'Firefox', receivedAt: T0 + i * 20_000,
    }));
    for (const e of events) {
      now = e.receivedAt!;
      pipeline.process([e]);
    }
    const bytes = encodeSnapshot(pipeline.snapshot());
    const decoded = decodeSnapshot(bytes);
    const restored = new StreamPipeline({ clock: () => now });
    restored.rollups.restore(decoded.coveredFrom, decoded.windows);
    const sessions = sessionsFromEvents(events);
    for (const site of ['a', 'b']) {
      expect(statsViaRollups(restored.rollups, site, events, sessions, T0, now + 1)).toEqual(statsViaRollups(pipeline.rollups, site, events, sessions, T0, now + 1));
    }
    expect(decoded.ids.length).toBeGreaterThan(0); // the events received in the last minute
    const otherVersion = Buffer.from(bytes);
    otherVersion.writeUInt32LE(99, 8);
    expect(() => decodeSnapshot(otherVersion)).toThrow(/version 99/);
    expect(() => decodeSnapshot(bytes.subarray(0, bytes.length - 3))).toThrow();
    expect(() => decodeSnapshot(Buffer.from('not a snapshot at all'))).toThrow();
  });

  it('SessionRuns over time-ordered slices equals sessionsFromEvents (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ visitor: fc.constantFrom('a', 'b', 'c'), at: fc.integer({ min: 0, max: 6 * HOUR_MS }), pageview: fc.boolean(), path: fc.constantFrom('/', '/x') }), { maxLength: 60 }),
        fc.integer({ min: MINUTE_MS, max: 5 * HOUR_MS }),
        (rows, sliceMs) => {
          const events: StreamEvent[] = rows.map((r, i) => ({ site: 's', visitor: r.visitor, id: `${i}`, type: r.pageview ? 'pageview' : 'event', path: r.path, ts: T0 + r.at }));
          const runs = new SessionRuns(30 * MINUTE_MS);
          const out = [];
          for (let a = T0; a <= T0 + 6 * HOUR_MS; a += sliceMs) {
            const slice = events.filter((e) => e.ts >= a && e.ts < a + sliceMs).sort((x, y) => x.ts - y.ts);
            out.push(...runs.push(slice), ...runs.closeIdle(a + sliceMs));
          }
          out.push(...runs.finish());
          const key = (s: { visitor: string; start: number }) => `${s.visitor}|${s.start}`;
          expect(out.sort((x, y) => (key(x) < key(y) ? -1 : 1))).toEqual(sessionsFromEvents(events).sort((x, y) => (key(x) < key(y) ? -1 : 1)));
        },
      ),
    );
  });
});
