// A late event's reconciliation reads its visitor's stored events; events of that visitor processed
// while the read runs may be missing from what it returns. They must still count: the sessionizer
// has them. (Found by the snapshot-recovery property when the read started in the same step.)
import { describe, expect, it } from 'vitest';
import { StreamPipeline } from '../../../collector/src/live/index.js';
import { MINUTE_MS } from '../../../collector/src/rollups/index.js';
import { sessionsFromEvents, type StreamEvent } from '../../../collector/src/sessions/index.js';
import { statsDirect, statsViaRollups } from './stats-helpers.js';

const T0 = Date.UTC(2026, 10, 25, 9);

const pageview = (visitor: string, id: string, at: number, receivedAt = at): StreamEvent =>
  ({ site: 's', visitor, id, type: 'pageview', path: '/', ts: T0 + at, receivedAt: T0 + receivedAt, name: null });

describe('late reconciliation while events keep arriving', () => {
  it("counts a visitor's event processed during the store read of its late event", async () => {
    let now = T0;
    const store: StreamEvent[] = [];
    let release!: () => void;
    const reads: string[][] = [];
    const pipeline = new StreamPipeline({
      clock: () => now,
      allowedLatenessMs: 5 * MINUTE_MS,
      loadVisitorEvents: async (site, visitors) => {
        reads.push(visitors);
        const seen = store.filter((e) => e.site === site && visitors.includes(e.visitor)); // what the store has now
        await new Promise<void>((resolve) => (release = resolve));
        return seen;
      },
    });
    const arrive = (event: StreamEvent) => {
      now = event.receivedAt!;
      store.push(event);
      pipeline.process([event]);
    };
    arrive(pageview('v1', 'a', 0));
    arrive(pageview('v2', 'late', 0, 5 * MINUTE_MS + 1)); // behind the watermark: reconciled against the store
    await new Promise((resolve) => setTimeout(resolve, 0)); // the read has started
    expect(reads).toEqual([['v2']]);
    arrive(pageview('v2', 'next', 30 * MINUTE_MS + 1)); // a new session of v2, while the read runs
    release();
    await pipeline.idle();
    arrive(pageview('v2', 'after', 32 * MINUTE_MS)); // extends that session: the sessionizer must still know it
    await pipeline.idle();
    pipeline.close();
    const sessions = sessionsFromEvents(store);
    expect(sessions).toHaveLength(3);
    const [from, to] = [T0, T0 + 60 * MINUTE_MS];
    expect(statsViaRollups(pipeline.rollups, 's', store, sessions, from, to)).toEqual(statsDirect('s', store, sessions, from, to));
  });
});
