// RecentEvents: whatever it claims to cover is exactly what was stored, through overflow, pause and resume.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentEvents } from '../../../collector/src/rollups/recent-events.js';
import type { StreamEvent } from '../../../collector/src/sessions/types.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
let nextId = 0;
const event = (ts: number, site = 'a.test'): StreamEvent => ({ site, visitor: 'v', id: String(nextId++), type: 'pageview', path: '/', ts });
const ids = (events: StreamEvent[]) => events.map((e) => e.id).sort();

describe('RecentEvents', () => {
  it('holds a quiet site\'s events and drops the oldest minutes once over the cap', () => {
    const recent = new RecentEvents(T0, { maxEvents: 10 });
    const first = [event(T0 + 1000), event(T0 + 2000)];
    recent.add(first);
    expect(recent.covers(T0)).toBe(true);
    expect(ids(recent.eventsIn('a.test', T0, T0 + MINUTE))).toEqual(ids(first));
    const later = Array.from({ length: 9 }, (_, i) => event(T0 + MINUTE + i));
    recent.add(later);
    expect(recent.covers(T0)).toBe(false);
    expect(recent.covers(T0 + MINUTE)).toBe(true);
    expect(ids(recent.eventsIn('a.test', T0 + MINUTE, T0 + 2 * MINUTE))).toEqual(ids(later));
    expect(recent.isPaused).toBe(false);
  });

  it('pauses while one minute alone is over the cap, holding nothing, and resumes after a minute that would fit', () => {
    const recent = new RecentEvents(T0, { maxEvents: 10 });
    recent.add(Array.from({ length: 11 }, (_, i) => event(T0 + i)));
    expect(recent.isPaused).toBe(true);
    expect(recent.size).toBe(0);
    expect(recent.covers(T0 + 10 * MINUTE)).toBe(false);
    // The rest of the busy minute and a whole busy minute after it: still paused, nothing held.
    recent.add(Array.from({ length: 20 }, (_, i) => event(T0 + 100 + i)));
    recent.add(Array.from({ length: 20 }, (_, i) => event(T0 + MINUTE + i)));
    expect([recent.isPaused, recent.size]).toEqual([true, 0]);
    // A quiet minute (5 <= half the cap) ...
    recent.add(Array.from({ length: 5 }, (_, i) => event(T0 + 2 * MINUTE + i)));
    expect(recent.isPaused).toBe(true);
    // ... then the next minute's first event resumes holding, complete from just after the newest dropped event.
    const resumed = [event(T0 + 3 * MINUTE), event(T0 + 3 * MINUTE + 5)];
    recent.add(resumed);
    expect(recent.isPaused).toBe(false);
    expect(recent.covers(T0 + 2 * MINUTE + 5)).toBe(true);
    expect(recent.covers(T0 + 2 * MINUTE + 4)).toBe(false);
    expect(ids(recent.eventsIn('a.test', T0 + 2 * MINUTE + 5, T0 + 4 * MINUTE))).toEqual(ids(resumed));
  });

  it('covers only what it holds, for any order of arrivals (late, future, several sites)', () => {
    const arrival = fc.record({
      offsetMs: fc.integer({ min: -3 * MINUTE, max: 8 * MINUTE }),
      site: fc.constantFrom('a.test', 'b.test'),
    });
    fc.assert(
      fc.property(fc.array(fc.array(arrival, { maxLength: 12 }), { maxLength: 30 }), fc.integer({ min: 0, max: 12 }), (batches, maxEvents) => {
        const recent = new RecentEvents(T0, { maxEvents });
        const stored: StreamEvent[] = [];
        for (const batch of batches) {
          const events = batch.map(({ offsetMs, site }) => event(T0 + offsetMs, site));
          stored.push(...events);
          recent.add(events);
          for (let from = T0 - 3 * MINUTE; from < T0 + 9 * MINUTE; from += 17_000) {
            if (!recent.covers(from)) continue;
            for (const site of ['a.test', 'b.test']) {
              const expected = stored.filter((e) => e.site === site && e.ts >= from && e.ts < from + MINUTE);
              expect(ids(recent.eventsIn(site, from, from + MINUTE))).toEqual(ids(expected));
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
