// A range edge inside a minute needs raw events only when the minute holds events on the far side of
// the edge: "today until now" is otherwise answered from the windows alone.
import { describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot } from '../../../collector/src/rollups/rollup-snapshot.js';
import { MINUTE_MS, Rollups } from '../../../collector/src/rollups/index.js';
import type { StreamEvent } from '../../../collector/src/sessions/index.js';

const DAY_START = Date.UTC(2026, 10, 20);
const NOW = DAY_START + 10 * 3_600_000 + 30 * MINUTE_MS + 25_000; // 10:30:25

function pageview(id: number, ts: number, visitor = 'v1'): StreamEvent {
  return { site: 's', visitor, id: `e${id}`, type: 'pageview', path: `/p${id % 3}`, ts };
}

function rollupsWith(events: StreamEvent[]): Rollups {
  const rollups = new Rollups({ clock: () => NOW, coveredFrom: DAY_START });
  rollups.addEvents(events);
  return rollups;
}

describe('range edges inside a minute (exactRange)', () => {
  it('a range ending now, inside a minute whose events all came before now, needs no raw edge', () => {
    const events = [pageview(1, NOW - 20_000), pageview(2, NOW - 1000), pageview(3, DAY_START + 3_600_000)];
    const { edges, aggregate } = rollupsWith(events).query('s', DAY_START, NOW);
    expect(edges).toEqual([]);
    expect(aggregate.pageviews).toBe(3);
    // An empty minute at the edge needs none either.
    expect(rollupsWith(events).query('s', DAY_START, NOW + 2 * MINUTE_MS).edges).toEqual([]);
  });

  it('keeps the raw edge when the minute holds an event at or after the end (a skewed clock) or before the start', () => {
    const late = [pageview(1, NOW - 5000), pageview(2, NOW + 3000)];
    const end = rollupsWith(late).query('s', DAY_START, NOW);
    expect(end.edges).toEqual([{ from: NOW - 25_000, to: NOW }]);
    expect(end.aggregate.pageviews).toBe(0); // that minute comes from raw events, which leave out the one after `to`
    expect(rollupsWith([pageview(6, NOW)]).query('s', DAY_START, NOW).edges).toEqual([{ from: NOW - 25_000, to: NOW }]); // `to` is excluded

    const start = NOW - 20 * MINUTE_MS; // 10:10:25
    const early = [pageview(3, start - 10_000), pageview(4, start + 1000)];
    expect(rollupsWith(early).query('s', start, NOW).edges).toContainEqual({ from: start, to: start + 35_000 });
    // With nothing before the start in its minute, the whole minute is used.
    expect(rollupsWith([pageview(5, start + 1000)]).query('s', start, NOW).edges).toEqual([]);
  });

  it('windows restored from a snapshot (event times unknown) keep their raw edges', () => {
    const source = rollupsWith([pageview(1, NOW - 20_000)]);
    const snapshot = decodeSnapshot(encodeSnapshot({ coveredFrom: DAY_START, takenAt: NOW, replayFrom: NOW, ids: [], pendingLate: [], windows: source.entries() }));
    const restored = new Rollups({ clock: () => NOW, coveredFrom: DAY_START });
    restored.restore(DAY_START, snapshot.windows);
    expect(restored.query('s', DAY_START, NOW).edges).toEqual([{ from: NOW - 25_000, to: NOW }]);
  });
});
