import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURRENT_WINDOW_MS, StreamPipeline } from '../../../collector/src/live/index.js';
import { recoverPipeline, type RecoveryReader } from '../../../collector/src/live/recover-pipeline.js';
import { MINUTE_MS } from '../../../collector/src/rollups/index.js';
import { decodeSnapshot, encodeSnapshot } from '../../../collector/src/rollups/rollup-snapshot.js';
import type { StreamEvent } from '../../../collector/src/sessions/index.js';

const T0 = Date.UTC(2026, 10, 26, 9);
const SITES = ['s', 't'];
// Test names, canonical 64-bit hashes (one sharing the low half of '1'), and '0' next to '1'.
const VISITORS = ['v1', 'v2', 'v3', '0', '1', 'ffffffff00000001', 'a3f9c2e17b004d55'];

const step = fc.record({
  // Clock advance: seconds, past the 5-minute window, or past the 30-minute session gap.
  advanceMs: fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 6 * MINUTE_MS }), fc.integer({ min: 25 * MINUTE_MS, max: 50 * MINUTE_MS })),
  // Event time against the clock: on time, out of order, late (behind the watermark), up to 5 min ahead (validation's limit).
  offsetMs: fc.oneof(
    fc.integer({ min: -10_000, max: 0 }), fc.integer({ min: -8 * MINUTE_MS, max: 0 }), fc.integer({ min: -45 * MINUTE_MS, max: 0 }),
    fc.integer({ min: -3 * 60 * MINUTE_MS, max: 0 }), fc.integer({ min: 0, max: 5 * MINUTE_MS }),
    // The stream stages take any time: a visitor's event far ahead hides its current ones.
    fc.integer({ min: 0, max: 45 * MINUTE_MS }),
  ),
  site: fc.constantFrom(...SITES),
  visitor: fc.constantFrom(...VISITORS),
  withEvent: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
  settle: fc.boolean(),
});

const scenario = fc.record({
  steps: fc.array(step, { minLength: 1, maxLength: 60 }),
  latenessMin: fc.constantFrom(5, 10, 45),
  restartAt: fc.option(fc.nat()),
  recovery: fc.constantFrom('snapshot', 'rebuild', 'events'),
});

/** The definition: distinct visitors of `site` whose latest event time is in (now - 5 min, now]. */
function reference(events: StreamEvent[], site: string, now: number): number {
  const latest = new Map<string, number>();
  for (const e of events) if (e.site === site) latest.set(e.visitor, Math.max(latest.get(e.visitor) ?? -Infinity, e.ts));
  return [...latest.values()].filter((ts) => ts > now - CURRENT_WINDOW_MS && ts <= now).length;
}

function readerOf(store: StreamEvent[], recovery: string): RecoveryReader {
  const reader: RecoveryReader = {
    eventsSince: async (since) => store.filter((e) => e.ts >= since),
    eventsOfVisitors: async (site, visitors) => store.filter((e) => e.site === site && visitors.includes(e.visitor)),
  };
  if (recovery === 'events') return reader;
  return {
    ...reader,
    eventsByTime: async (from, to) => store.filter((e) => e.ts >= from && e.ts < to),
    eventsReceivedSince: async (since) => store.filter((e) => e.receivedAt! >= since),
  };
}

describe('current visitors from the sessionizer', () => {
  it('equal the definition at every step: late and future events, several sessions, several sites, a restart (property)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ steps, latenessMin, restartAt, recovery }) => {
        let now = T0;
        const store: StreamEvent[] = [];
        const options = {
          clock: () => now,
          allowedLatenessMs: latenessMin * MINUTE_MS,
          loadVisitorEvents: async (site: string, visitors: string[]) => store.filter((e) => e.site === site && visitors.includes(e.visitor)),
        };
        let pipeline = new StreamPipeline(options);
        const check = () => {
          for (const site of SITES) expect(pipeline.currentVisitors(site)).toBe(reference(store, site, now));
        };
        const restartIndex = restartAt === null ? -1 : restartAt % steps.length;
        for (let i = 0; i < steps.length; i++) {
          const { advanceMs, offsetMs, site, visitor, withEvent, settle } = steps[i]!;
          now += advanceMs;
          if (i === restartIndex) {
            // Pending late events go into the snapshot unreconciled.
            const bytes = recovery === 'snapshot' ? encodeSnapshot(pipeline.snapshot()) : null;
            pipeline.close();
            pipeline = new StreamPipeline(options);
            await recoverPipeline(pipeline, readerOf(store, recovery), { from: T0, snapshot: bytes && decodeSnapshot(bytes) });
            check();
          }
          if (withEvent) {
            const event: StreamEvent = { site, visitor, id: `e${i}`, type: 'pageview', path: '/', ts: now + offsetMs, receivedAt: now };
            store.push(event); // durable first, then the stream stages
            pipeline.process([event]);
          }
          if (i % 3 === 0) pipeline.tick();
          check(); // also while late events are being reconciled
          if (settle) {
            await pipeline.idle();
            check();
          }
        }
        await pipeline.idle();
        check();
        pipeline.close();
      }),
      { numRuns: 300 },
    );
  });

  it('a late event joining two sessions of a visitor leaves one visitor (the absorbed slot is not counted)', () => {
    let now = T0;
    const pipeline = new StreamPipeline({ clock: () => now, allowedLatenessMs: 45 * MINUTE_MS });
    const pv = (id: string, ts: number): StreamEvent => ({ site: 's', visitor: 'v1', id, type: 'pageview', path: '/', ts });
    pipeline.process([pv('a', T0)]);
    now = T0 + 35 * MINUTE_MS;
    pipeline.process([pv('b', now), pv('c', now - 2 * MINUTE_MS)]);
    expect(pipeline.sessionizer.sessionsOf('s', 'v1')).toHaveLength(2);
    pipeline.process([pv('d', T0 + 20 * MINUTE_MS)]);
    expect(pipeline.sessionizer.sessionsOf('s', 'v1')).toHaveLength(1);
    expect(pipeline.currentVisitors('s')).toBe(1);
    pipeline.close();
  });

  it('the pipeline refuses a lateness horizon shorter than the window (late events would be missed)', () => {
    expect(() => new StreamPipeline({ clock: () => T0, allowedLatenessMs: CURRENT_WINDOW_MS - 1 })).toThrow(RangeError);
    expect(() => new StreamPipeline({ clock: () => T0, allowedLatenessMs: CURRENT_WINDOW_MS }).close()).not.toThrow();
  });
});
