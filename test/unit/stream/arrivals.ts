// Random event logs as the stream stages see them (shared by the pipeline and snapshot property tests):
// rows in event time, then arrivals in receipt order with late deliveries and duplicates.
import fc from 'fast-check';
import { HOUR_MS } from '../../../collector/src/rollups/index.js';
import type { StreamEvent } from '../../../collector/src/sessions/index.js';

export const arrivalRows = fc.array(
  fc.record({
    visitor: fc.constantFrom('v1', 'v2', 'v3', 'v4', 'v5'),
    type: fc.constantFrom('pageview', 'pageview', 'event', 'vital', 'error'),
    path: fc.constantFrom('/', '/a', '/b'),
    at: fc.integer({ min: 0, max: 4 * HOUR_MS }),
    // Most arrive within seconds, some after an offline queue held them for hours.
    delay: fc.oneof(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 3 * HOUR_MS })),
    dup: fc.boolean(),
  }),
  { minLength: 1, maxLength: 80 },
);

/** The rows as stored events of site `s` from `t0`, in the order they reach the collector (duplicates 5 s later). */
export function arrivalsOf(rows: (typeof arrivalRows extends fc.Arbitrary<infer T> ? T : never), t0: number): StreamEvent[] {
  return rows.flatMap((r, i) => {
    const event: StreamEvent = {
      site: 's', visitor: r.visitor, id: `e${i}`, type: r.type as StreamEvent['type'], path: r.path, ts: t0 + r.at,
      name: r.type === 'pageview' ? null : r.type === 'vital' ? 'LCP' : 'x', props: r.type === 'vital' ? { value: r.at % 4000 } : {},
      receivedAt: t0 + r.at + r.delay,
    };
    return r.dup ? [event, { ...event, receivedAt: event.receivedAt! + 5000 }] : [event];
  }).sort((a, b) => a.receivedAt! - b.receivedAt!);
}
