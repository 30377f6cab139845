import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sessionizer, sessionsFromEvents, type StreamEvent } from '../../../collector/src/sessions/index.js';
import { AppliedSessions, arrivals, bySessionKey, eventLog, T0 } from './session-helpers.js';

const MIN = 60_000;
const ev = (id: string, minute: number, type: StreamEvent['type'] = 'pageview', path = '/'): StreamEvent =>
  ({ site: 's', visitor: 'v', id, type, path, ts: T0 + minute * MIN });

describe('sessionsFromEvents (the definition)', () => {
  it('splits on gaps longer than 30 minutes, not equal to it', () => {
    const s = sessionsFromEvents([ev('a', 0), ev('b', 30), ev('c', 61)]);
    expect(s.map((x) => [x.start, x.end, x.pageviews])).toEqual([[T0, T0 + 30 * MIN, 2], [T0 + 61 * MIN, T0 + 61 * MIN, 1]]);
  });
  it('computes entry, exit, duration and bounce', () => {
    const [s] = sessionsFromEvents([ev('b', 5, 'pageview', '/x'), ev('a', 1, 'pageview', '/in'), ev('c', 9, 'vital')]);
    expect(s).toMatchObject({ entry: '/in', exit: '/x', pageviews: 2, events: 0, durationMs: 8 * MIN, bounce: false });
    const [b] = sessionsFromEvents([ev('a', 1), ev('v', 2, 'vital')]);
    expect(b!.bounce).toBe(true);
    const [c] = sessionsFromEvents([ev('a', 1), ev('g', 2, 'event')]);
    expect(c!.bounce).toBe(false);
  });
});

describe('Sessionizer', () => {
  it('a late event between two sessions merges them: retract + update, not double counted', () => {
    const sz = new Sessionizer({ clock: () => T0, allowedLatenessMs: 24 * 60 * MIN });
    const first = sz.ingest([ev('a', 0), ev('b', 50)]);
    expect(first.changes.filter((c) => c.kind === 'open')).toHaveLength(2);
    const late = sz.ingest([ev('c', 25, 'event')]);
    expect(late.changes.map((c) => c.kind).sort()).toEqual(['retract', 'update']);
    expect(sz.sessionsOf('s', 'v')).toEqual(sessionsFromEvents([ev('a', 0), ev('b', 50), ev('c', 25, 'event')]));
  });

  it('streaming equals sort+split for any arrival order (property)', () => {
    fc.assert(
      fc.property(eventLog.chain((log) => fc.tuple(fc.constant(log), arrivals(log), fc.integer({ min: 1, max: 7 }))), ([log, order, batch]) => {
        const sz = new Sessionizer({ clock: () => T0, allowedLatenessMs: 0 });
        const applied = new AppliedSessions();
        // The store's dedupe runs first: the sessionizer gets each event once.
        const stored = [...new Map(order.map((e) => [e.site + e.id, e])).values()];
        for (let i = 0; i < stored.length; i += batch) applied.apply(sz.ingest(stored.slice(i, i + batch)).changes);
        expect(applied.sorted()).toEqual(sessionsFromEvents(log).sort(bySessionKey));
      }),
      { numRuns: 400 },
    );
  });

  it('with a moving watermark, flushes and reconciled late events still equal sort+split (property)', () => {
    let lateSeen = 0;
    let closedSeen = 0;
    fc.assert(
      fc.property(
        eventLog.chain((log) => fc.tuple(fc.constant(log), arrivals(log), fc.array(fc.integer({ min: 0, max: 90 }), { minLength: 1, maxLength: 20 }))),
        ([log, order, delays]) => {
          // Arrival time = event time + a random delay (some beyond the lateness); clock never goes back.
          let now = T0;
          const sz = new Sessionizer({ clock: () => now, allowedLatenessMs: 20 * MIN, flushIntervalMs: 0 });
          const store: StreamEvent[] = [];
          const storedIds = new Set<string>();
          const applied = new AppliedSessions();
          order.forEach((event, i) => {
            now = Math.max(now, event.ts + delays[i % delays.length]! * MIN);
            if (storedIds.has(event.site + event.id)) return; // the store's dedupe (pipeline: store, then sessionize)
            storedIds.add(event.site + event.id);
            store.push(event);
            const result = sz.ingest([event]);
            applied.apply(result.changes);
            closedSeen += result.changes.filter((c) => c.kind === 'close').length;
            lateSeen += result.late.length;
            for (const late of result.late) {
              const stored = store.filter((e) => e.site === late.site && e.visitor === late.visitor);
              applied.apply(sz.reconcile(stored, [late]));
            }
          });
          now += 24 * 60 * MIN;
          sz.flush();
          expect(sz.activeVisitors).toBe(0);
          expect(applied.sorted()).toEqual(sessionsFromEvents(log).sort(bySessionKey));
        },
      ),
      { numRuns: 400 },
    );
    // Both paths were exercised: in-memory flushes and store-backed reconciliation of late events.
    expect(lateSeen).toBeGreaterThan(100);
    expect(closedSeen).toBeGreaterThan(100);
  });

  it('recover() rebuilds active visitors from stored events without emitting', () => {
    const events = [ev('a', 0), ev('b', 10), ev('c', 100)];
    const now = T0 + 105 * MIN;
    const sz = new Sessionizer({ clock: () => now });
    expect(sz.recover(events)).toBe(1);
    expect(sz.sessionsOf('s', 'v')).toEqual(sessionsFromEvents([ev('c', 100)]));
    const next = sz.ingest([ev('d', 104)]);
    expect(next.changes.map((c) => c.kind)).toEqual(['update']);
    expect(sz.ingest([ev('c', 100)]).duplicates).toBe(1);
  });

  it('state is bounded: idle visitors are flushed once the watermark passes', () => {
    let now = T0;
    const sz = new Sessionizer({ clock: () => now, allowedLatenessMs: 5 * MIN });
    sz.ingest(Array.from({ length: 1000 }, (_, i) => ({ ...ev(`e${i}`, 0), visitor: `v${i}` })));
    expect(sz.activeVisitors).toBe(1000);
    now += 36 * MIN;
    const closes = sz.flush();
    expect(closes).toHaveLength(1000);
    expect(closes.every((c) => c.kind === 'close')).toBe(true);
    expect(sz.activeVisitors).toBe(0);
    expect(sz.activeSessions).toBe(0);
  });
});
